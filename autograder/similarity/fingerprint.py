"""Winnowing (Schleimer, Wilkerson and Aiken 2003, the algorithm behind MOSS): a small set of
k-gram hashes of a token stream such that every shared run of ``K + WINDOW - 1`` tokens
shares at least one selected hash, and nothing shorter than ``K`` tokens matches."""

from __future__ import annotations

import hashlib

from .normalise import Token

K = 12  # tokens per k-gram: about one short statement (noise threshold)
WINDOW = 6  # k-grams per window: a shared run of K + WINDOW - 1 = 17 tokens is always found

Fingerprint = tuple[int, tuple[int, ...]]  # (hash, the source lines its k tokens come from)


def kgram_hashes(stream: list[Token], k: int = K) -> list[Fingerprint]:
    """Every k-gram's 63-bit hash with its lines; a stream shorter than ``k`` is one gram."""
    texts = [t for t, _ in stream]
    if not texts:
        return []
    grams = range(max(1, len(texts) - k + 1))
    return [(_hash(texts[i:i + k]), tuple(sorted({line for _, line in stream[i:i + k]})))
            for i in grams]


def winnow(grams: list[Fingerprint], window: int = WINDOW) -> list[Fingerprint]:
    """The rightmost minimal hash of every window of ``window`` consecutive k-grams (each
    selected position once)."""
    if len(grams) <= window:
        return [min(reversed(grams), key=lambda g: g[0])] if grams else []
    chosen, last = [], -1
    for start in range(len(grams) - window + 1):
        span = grams[start:start + window]
        offset = min(range(window), key=lambda i: (span[i][0], -i))
        position = start + offset
        if position != last:
            chosen.append(grams[position])
            last = position
    return chosen


def fingerprints(stream: list[Token]) -> list[Fingerprint]:
    return winnow(kgram_hashes(stream))


def _hash(texts: list[str]) -> int:
    digest = hashlib.blake2b("\x1f".join(texts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1

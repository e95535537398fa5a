"""Pairs of submissions that share rare fingerprints of one unit, scored.

- Template code counts for nothing: every k-gram of the released cell is removed first.
- Each remaining fingerprint weighs its rarity across the class, ``log(1 + n / df)``
  (inverse document frequency; ``df`` submissions of ``n`` hold it).
- Bounded work: an inverted index from fingerprint to submissions; only pairs that share a
  fingerprint are scored, and a fingerprint held by more than ``max(COMMON_FLOOR,
  COMMON_FRACTION * n)`` submissions is dropped from the index (it is what everyone writes).
  So the work is at most that cap times the number of fingerprints, not ``n**2``.
- A pair's score is a weighted Dice coefficient ``2 S / (W_a + W_b + W_0)``: ``S`` the
  weight they share, ``W`` each one's total weight, and ``W_0`` the weight of
  ``EVIDENCE_FRAGMENTS`` fingerprints only the two of them hold, so that a match of a line or
  two cannot score like a whole copied function (the same long function scores near 1, the
  same single line about 0.3); template-only code scores 0.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from .fingerprint import Fingerprint

COMMON_FRACTION = 0.05
COMMON_FLOOR = 10
EVIDENCE_FRAGMENTS = 4


@dataclass
class Pair:
    """Two submissions' shared code in one unit: lines are 1-based lines of each unit text."""

    unit: str
    a: str
    b: str
    score: float
    shared_weight: float
    fragments: int
    lines_a: list[int] = field(default_factory=list)
    lines_b: list[int] = field(default_factory=list)


def score_unit(unit: str, prints: dict[str, list[Fingerprint]], template: set[int],
               min_score: float = 0.0) -> tuple[list[Pair], set[int]]:
    """Every pair of ``prints`` (student -> fingerprints of this unit) scoring at least
    ``min_score`` (and above 0), best first; and the fingerprints that counted (shared,
    not template, not common)."""
    own = {s: {h for h, _ in fps if h not in template} for s, fps in prints.items()}
    own = {s: hs for s, hs in own.items() if hs}
    n = len(own)
    holders: dict[int, list[str]] = defaultdict(list)
    for student in sorted(own):
        for h in own[student]:
            holders[h].append(student)
    weight = {h: math.log(1 + n / len(who)) for h, who in holders.items()}
    total = {s: sum(weight[h] for h in hs) for s, hs in own.items()}
    common = max(COMMON_FLOOR, COMMON_FRACTION * n)
    shared: dict[tuple[str, str], float] = defaultdict(float)
    count: dict[tuple[str, str], int] = defaultdict(int)
    counted = {h for h, who in holders.items() if 1 < len(who) <= common}
    for h in counted:
        for pair in combinations(holders[h], 2):
            shared[pair] += weight[h]
            count[pair] += 1
    prior = EVIDENCE_FRAGMENTS * math.log(1 + n / 2)
    pairs = []
    for (a, b), s in shared.items():
        score = 2 * s / (total[a] + total[b] + prior)
        if score >= min_score:
            pairs.append(Pair(unit, a, b, round(score, 4), round(s, 3), count[(a, b)]))
    pairs.sort(key=lambda p: (-p.score, -p.shared_weight, p.a, p.b))
    return pairs, counted


def shared_lines(pair: Pair, prints: dict[str, list[Fingerprint]], counted: set[int]) -> None:
    """Fill ``pair.lines_a`` / ``lines_b``: the lines of the fingerprints the pair shares
    that counted towards its score."""
    mine = {h for h, _ in prints[pair.a]} & {h for h, _ in prints[pair.b]} & counted
    pair.lines_a = sorted({line for h, lines in prints[pair.a] if h in mine for line in lines})
    pair.lines_b = sorted({line for h, lines in prints[pair.b] if h in mine for line in lines})

"""Text that came out of a submission, made safe for each place an instructor reads it.

Every message a student's code can influence (an exception's text, a notebook or file name)
passes through one of these before it reaches a spreadsheet, a terminal, an HTML page or a
Markdown file: control characters and ANSI escapes never reach a terminal, a CSV cell never
starts a formula (OWASP CSV injection), markup is escaped, and length is capped.
"""

from __future__ import annotations

import html
import re
import unicodedata

MAX_MESSAGE_CHARS = 500
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_BARE_LINK = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:(?=//)")
_WWW = re.compile(r"(?i)\bwww\.")
# Not "_": identifiers are full of it, and emphasis does no harm.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*{}\[\]<>()#|!~])")


def plain(text: object, limit: int = MAX_MESSAGE_CHARS) -> str:
    """One line of printable text: escapes and control characters removed, whitespace
    collapsed, at most ``limit`` characters (an ellipsis marks a cut)."""
    text = _ANSI.sub("", str(text))
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def for_terminal(text: object, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Text to print: :func:`plain`, so nothing can move the cursor or recolour the screen."""
    return plain(text, limit)


def for_csv(text: object, limit: int = MAX_MESSAGE_CHARS) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = plain(text, limit)
    return "'" + text if text.startswith(_FORMULA_START) else text


def for_html(text: object, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Text to put inside an HTML element: markup escaped, quotes included."""
    return html.escape(plain(text, limit), quote=True)


def for_html_block(text: object, limit: int = 20_000) -> str:
    """Multi-line text (a notebook cell) to put inside ``<pre>``: lines and indentation kept,
    escapes and other control characters removed, markup escaped, at most ``limit``
    characters."""
    text = _ANSI.sub("", str(text)).replace("\t", "    ")
    text = "".join(ch if ch == "\n" or unicodedata.category(ch)[0] != "C" else " "
                   for ch in text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=True)


def for_markdown(text: object, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Text to put in a Markdown table cell: no links, images, HTML or emphasis take effect.
    Bare addresses, which GitHub-flavoured Markdown links without any markup, are defanged
    the usual way (``https[:]//`` and ``www[.]``)."""
    text = _BARE_LINK.sub(lambda m: m.group(0).replace(":", "[:]"), plain(text, limit))
    text = _WWW.sub("www[.]", text)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)

"""Embedded label fonts and text fitting.

The fonts are Bitstream Vera Sans and Vera Sans Bold, the TrueType fonts that
ship inside reportlab (``reportlab/fonts``; DejaVu Sans is derived from them).
They cover Latin-1 plus "€", "œ", "…", typographic quotes and more, so "é",
"·" and "€" render as drawn; they are embedded (subset) so every printer
shows the same glyphs.  A character the font lacks is replaced by its
unaccented base letter when that exists, else by "?", never by an empty box.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "LabelSans"
BOLD = "LabelSans-Bold"
CAP_HEIGHT = 0.729  # Vera capital height, in em
ASCENT = 0.76
DESCENT = 0.24
ELLIPSIS = "…"


@cache
def register_fonts() -> None:
    """Register the two label fonts with reportlab (once per process)."""
    pdfmetrics.registerFont(TTFont(REGULAR, "Vera.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, "VeraBd.ttf"))


@cache
def _glyphs(font: str) -> frozenset[int]:
    """Code points that ``font`` can draw."""
    register_fonts()
    return frozenset(pdfmetrics.getFont(font).face.charToGlyph)


def printable(text: str, font: str = REGULAR) -> str:
    """Collapse whitespace and replace characters ``font`` cannot draw."""
    glyphs = _glyphs(font)
    text = " ".join(text.split())
    if all(ord(char) in glyphs for char in text):
        return text
    return "".join(_substitute(char, glyphs) for char in text)


def _substitute(char: str, glyphs: frozenset[int]) -> str:
    """The character itself, its base letter, or '?'."""
    if ord(char) in glyphs:
        return char
    base = unicodedata.normalize("NFKD", char)[:1]
    return base if base and ord(base) in glyphs else "?"


def width_pt(text: str, font: str, size: float) -> float:
    """Advance width of ``text`` in points."""
    return pdfmetrics.stringWidth(text, font, size)


@lru_cache(maxsize=4096)
def ellipsize(text: str, font: str, size: float, max_width_pt: float) -> str:
    """Return ``text`` cut with an ellipsis so that it fits ``max_width_pt``."""
    if width_pt(text, font, size) <= max_width_pt:
        return text
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if width_pt(text[:middle].rstrip() + ELLIPSIS, font, size) <= max_width_pt:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS if low else ""

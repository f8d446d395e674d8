"""QR code and Code 128 symbols as dark runs, in module units (no drawing)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from barcode.codex import Code128

from labels.qr import qr_matrix

QR_QUIET_MODULES = 4
CODE128_QUIET_MODULES = 10
_DARK_RUN = re.compile(r"1+")
_SPAN = re.Match.span


@dataclass(frozen=True)
class Symbol:
    """A symbol's size in modules and its dark runs, quiet zone excluded.

    ``path`` is PDF path syntax: one ``x y w 1 re`` per horizontal run of dark
    modules, x to the right and y (the row) downwards from the top-left corner.
    """

    width: int
    height: int
    quiet: int
    runs: int
    path: str


@lru_cache(maxsize=1024)
def qr_symbol(data: str) -> Symbol:
    """QR code of ``data`` at error-correction level M."""
    size, packed = qr_matrix(data)
    return _symbol(size, size, QR_QUIET_MODULES, packed, size + 1)


@lru_cache(maxsize=1024)
def code128_symbol(text: str) -> Symbol:
    """Code 128 bars of ``text`` (start, data, check and stop characters), one row high."""
    modules = Code128(text).build()[0]
    return _symbol(len(modules), 1, CODE128_QUIET_MODULES, modules, len(modules) + 1)


def _symbol(width: int, height: int, quiet: int, packed: str, stride: int) -> Symbol:
    """Collect the dark runs of ``packed`` rows (``stride`` characters apart) as a path."""
    ops = [
        f"{start % stride} {start // stride} {end - start} 1 re"
        for start, end in map(_SPAN, _DARK_RUN.finditer(packed))
    ]
    return Symbol(width, height, quiet, len(ops), " ".join(ops))

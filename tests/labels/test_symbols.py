"""Symbols: the fast QR matrix equals qrcode's own, Code 128 bars match python-barcode."""

from __future__ import annotations

import random
import re
import string

import pytest
import qrcode
from barcode.codex import Code128

from labels.fonts import BOLD, REGULAR, ellipsize, printable, register_fonts, width_pt
from labels.qr import qr_rows
from labels.symbols import code128_symbol, qr_symbol

RE_RECT = re.compile(r"(\d+) (\d+) (\d+) 1 re")


def reference(data: str) -> tuple[str, ...]:
    """The matrix qrcode itself makes (level M, no border, its own mask choice)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    return tuple("".join("1" if cell else "0" for cell in row) for row in code.get_matrix())


def samples() -> list[str]:
    """URLs, digits, upper-case text, UTF-8 and random ASCII of many lengths (versions 1-20+)."""
    rng = random.Random(20240501)
    data = [f"https://reuse.example.org/d/RT-{n:06d}" for n in range(0, 40_000, 997)]
    data += ["0123456789" * k for k in (1, 4, 15, 40)]
    data += ["HELLO WORLD $%*+-./:" * k for k in (1, 3, 9)]
    data += ["Café · 45 € — œuvre", "", "a"]
    alphabet = string.ascii_letters + string.digits + string.punctuation + " "
    data += ["".join(rng.choice(alphabet) for _ in range(n)) for n in (20, 77, 150, 300, 700)]
    return data


@pytest.mark.parametrize("data", samples())
def test_qr_matrix_is_identical_to_qrcode(data: str) -> None:
    assert qr_rows(data) == reference(data)


def test_typical_url_is_a_small_qr() -> None:
    assert len(qr_rows("https://reuse.example.org/d/RT-000123")) == 29  # version 3


def paint(path: str, width: int, height: int) -> list[str]:
    """Rows of '0'/'1' covered by the 're' operators of ``path``."""
    rows = [[0] * width for _ in range(height)]
    for x, y, w in (map(int, match) for match in RE_RECT.findall(path)):
        for column in range(x, x + w):
            rows[y][column] += 1
    assert all(cell <= 1 for row in rows for cell in row), "overlapping rectangles"
    return ["".join(map(str, row)) for row in rows]


def test_qr_symbol_path_covers_exactly_the_dark_modules() -> None:
    url = "https://reuse.example.org/d/RT-000123"
    symbol = qr_symbol(url)
    assert (symbol.width, symbol.height, symbol.quiet) == (29, 29, 4)
    assert tuple(paint(symbol.path, 29, 29)) == qr_rows(url)
    assert symbol.runs == len(RE_RECT.findall(symbol.path)) < 29 * 29 // 2


def test_code128_symbol_matches_python_barcode() -> None:
    symbol = code128_symbol("RT-000123")
    modules = Code128("RT-000123").build()[0]
    assert (symbol.width, symbol.height, symbol.quiet) == (len(modules), 1, 10)
    assert paint(symbol.path, symbol.width, 1) == [modules]
    assert modules.startswith("11010010000") and modules.endswith("1100011101011")


def test_printable_keeps_latin1_euro_and_middle_dot() -> None:
    register_fonts()
    text = "Écran · 45 € — « prêt » œuvre"
    assert printable(text) == text
    assert printable("Łódź\tA  B") == "Łódz A B"  # no ź in Vera: base letter
    assert printable("snow ☃ 中") == "snow ? ?"


def test_ellipsize_fits_the_width() -> None:
    register_fonts()
    text = "Portable · Dell Latitude 5490 with docking station"
    cut = ellipsize(text, REGULAR, 7, 60)
    assert cut.endswith("…") and text.startswith(cut[:-1])
    assert width_pt(cut, REGULAR, 7) <= 60
    assert ellipsize("short", BOLD, 7, 60) == "short"

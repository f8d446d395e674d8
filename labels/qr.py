"""Fast QR matrix builder on top of the ``qrcode`` package (pure Python, no drawing).

``qrcode`` splits the data into segments, gives the capacity and block tables
and lays out the function patterns; this module fits the version the same
way, adds the Reed-Solomon codewords, places the data bits once and scores
the eight masks with a few big-integer operations on the whole matrix packed
row after row.  That is more than ten times faster than ``QRCode.make()``
and yields the very same matrix (same penalty rules and tie-break as
``qrcode``; the tests compare both on many inputs).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from qrcode import QRCode, constants, util
from qrcode.base import rs_blocks
from qrcode.exceptions import DataOverflowError

ECC_LEVEL = constants.ERROR_CORRECT_M
_EXP = [0] * 512
_LOG = [0] * 256


def _init_gf() -> None:
    """Fill the GF(256) exp/log tables (polynomial 0x11D)."""
    value = 1
    for power in range(255):
        _EXP[power] = _EXP[power + 255] = value
        _LOG[value] = power
        value <<= 1
        if value & 0x100:
            value ^= 0x11D


_init_gf()


@dataclass(frozen=True)
class _Template:
    """Everything about one QR version that does not depend on the data.

    Matrices are packed into one int: row r, column c is character r*stride + c
    of the binary string, each row followed by one always-empty padding bit.
    """

    size: int
    stride: int
    full: int
    test_dark: int
    final_dark: tuple[int, ...]
    masks: tuple[int, ...]
    path: tuple[int, ...]
    gather: Callable[[str], tuple[str, ...]]


class _Bits:
    """Minimal stand-in for ``qrcode.util.BitBuffer`` collecting '0'/'1' text."""

    def __init__(self) -> None:
        """Start empty."""
        self.parts: list[str] = []

    def put(self, num: int, length: int) -> None:
        """Append ``num`` on ``length`` bits."""
        self.parts.append(format(num, f"0{length}b"))


def qr_rows(data: str) -> tuple[str, ...]:
    """Return the QR matrix (level M, no border) as rows of '0'/'1' characters."""
    size, packed = qr_matrix(data)
    return tuple(packed[r * (size + 1) : r * (size + 1) + size] for r in range(size))


def qr_matrix(data: str) -> tuple[int, str]:
    """Return the QR size and its rows of '0'/'1', each followed by one '0' (packed)."""
    version, bits = _encode(list(util.optimal_data_chunks(data, minimum=20)))
    tpl = _template(version)
    plain = _place(_codewords(version, bits), tpl)
    best = min(range(8), key=lambda k: _penalty(tpl.test_dark | (plain ^ tpl.masks[k]), tpl))
    dark = tpl.final_dark[best] | (plain ^ tpl.masks[best])
    return tpl.size, format(dark, f"0{tpl.size * tpl.stride}b")


def _encode(chunks: list[util.QRData]) -> tuple[int, str]:
    """Pick the smallest version that holds the chunks (as ``QRCode.best_fit``); return its bits."""
    version = 1
    while True:
        bits = _Bits()
        for chunk in chunks:
            bits.put(chunk.mode, 4)
            bits.put(len(chunk), util.length_in_bits(chunk.mode, version))
            chunk.write(bits)
        text = "".join(bits.parts)
        fitted = bisect_left(util.BIT_LIMIT_TABLE[ECC_LEVEL], len(text), version)
        if fitted > 40:
            raise DataOverflowError(f"{len(text)} bits do not fit in a QR code at level M")
        if util.mode_sizes_for_version(fitted) is util.mode_sizes_for_version(version):
            return fitted, text
        version = fitted


def _codewords(version: int, text: str) -> list[int]:
    """Pad the bit string and interleave data and error-correction codewords."""
    blocks = rs_blocks(version, ECC_LEVEL)
    capacity = sum(block.data_count for block in blocks)
    text += "0" * min(4, capacity * 8 - len(text))
    text += "0" * (-len(text) % 8)
    data = [int(text[i : i + 8], 2) for i in range(0, len(text), 8)]
    data += [util.PAD0, util.PAD1] * ((capacity - len(data)) // 2 + 1)
    data_blocks, ecc_blocks, offset = [], [], 0
    for block in blocks:
        chunk = data[offset : offset + block.data_count]
        offset += block.data_count
        data_blocks.append(chunk)
        ecc_blocks.append(_reed_solomon(chunk, block.total_count - block.data_count))
    return _interleave(data_blocks) + _interleave(ecc_blocks)


def _interleave(blocks: list[list[int]]) -> list[int]:
    """Take codeword i of every block in turn."""
    longest = max(len(block) for block in blocks)
    return [block[i] for i in range(longest) for block in blocks if i < len(block)]


def _reed_solomon(data: list[int], ecc_count: int) -> list[int]:
    """Return the ``ecc_count`` Reed-Solomon remainder codewords of ``data``."""
    table = _multiples(ecc_count)
    shift, mask = 8 * (ecc_count - 1), (1 << 8 * ecc_count) - 1
    remainder = 0
    for byte in data:
        remainder = ((remainder << 8) & mask) ^ table[(remainder >> shift) ^ byte]
    return list(remainder.to_bytes(ecc_count, "big"))


@cache
def _multiples(degree: int) -> tuple[int, ...]:
    """For every byte value, its product with the generator polynomial, packed big-endian."""
    poly = [1]
    for power in range(degree):
        nxt = [*poly, 0]
        for j, coef in enumerate(poly):
            if coef:
                nxt[j + 1] ^= _EXP[_LOG[coef] + power]
        poly = nxt
    logs = [_LOG[coef] for coef in poly[1:]]
    products = [bytes(_EXP[_LOG[value] + g] for g in logs) for value in range(1, 256)]
    return (0, *(int.from_bytes(row, "big") for row in products))


def _place(codewords: list[int], tpl: _Template) -> int:
    """Lay the codeword bits along the zig-zag data path, unmasked, as a packed int."""
    bits = format(int.from_bytes(bytes(codewords), "big"), f"0{len(codewords) * 8}b")
    bits += "0" * (len(tpl.path) + 1 - len(bits))
    return int("".join(tpl.gather(bits)), 2)


def _penalty(dark: int, tpl: _Template) -> int:
    """ISO 18004 mask penalty (N1-N4), scored exactly like ``qrcode.util.lost_point``."""
    light = tpl.full & ~dark
    points = _line_penalty(dark, light, 1) + _line_penalty(dark, light, tpl.stride)
    for x in (dark, light):
        pair = x & x >> 1
        points += 3 * (pair & pair >> tpl.stride).bit_count()
    percent = float(dark.bit_count()) / (tpl.size**2)
    return points + int(abs(percent * 100 - 50) / 5) * 10


def _line_penalty(dark: int, light: int, step: int) -> int:
    """N1 (runs of 5+) and N3 (finder-like 1:1:3:1:1 + 4 light) along rows or columns."""
    d1, d2, d3, d4 = (dark >> k * step for k in range(1, 5))
    l1, l2, l3, l4, l5 = (light >> k * step for k in range(1, 6))
    four_light = light & l1 & l2 & l3
    points = 0
    for run in (dark & d1 & d2 & d3 & d4, four_light & l4):
        points += run.bit_count() + 2 * (run & ~(run >> step)).bit_count()
    core = dark & l1 & d2 & d3 & d4 & l5 & dark >> 6 * step
    before = (core & four_light >> 7 * step).bit_count()
    after = (core >> 4 * step & four_light).bit_count()
    return points + 40 * (before + after)


@cache
def _template(version: int) -> _Template:
    """Build (once per version) the function patterns, mask bits and data path."""
    blank = _function_modules(version, test=True, mask=0)
    size = len(blank)
    free = [[cell is None for cell in row] for row in blank]
    finals = tuple(_pack(_function_modules(version, False, k)) for k in range(8))
    masks = tuple(_pack(_mask_grid(free, util.mask_func(k))) for k in range(8))
    full = _pack([[True] * size] * size)
    path = _data_path(free)
    source = [len(path)] * (size * (size + 1))  # index of the '0' after the data bits
    for bit, cell in enumerate(path):
        source[cell] = bit
    gather = itemgetter(*source)
    return _Template(size, size + 1, full, _pack(blank), finals, masks, path, gather)


def _function_modules(version: int, test: bool, mask: int) -> list[list[bool | None]]:
    """Return the module grid with only function patterns set (data cells are None)."""
    qr = QRCode(version=version, error_correction=ECC_LEVEL, border=0)
    size = version * 4 + 17
    qr.modules_count = size
    qr.modules = [[None] * size for _ in range(size)]
    qr.setup_position_probe_pattern(0, 0)
    qr.setup_position_probe_pattern(size - 7, 0)
    qr.setup_position_probe_pattern(0, size - 7)
    qr.setup_position_adjust_pattern()
    qr.setup_timing_pattern()
    qr.setup_type_info(test, mask)
    if version >= 7:
        qr.setup_type_number(test)
    return qr.modules


def _pack(grid: list[list[bool | None]]) -> int:
    """Pack a grid into one int, each row followed by a zero padding bit."""
    return int("".join("".join("1" if cell else "0" for cell in row) + "0" for row in grid), 2)


def _mask_grid(free: list[list[bool]], flip: Callable[[int, int], bool]) -> list[list[bool]]:
    """Data cells that the mask function inverts."""
    size = len(free)
    return [[free[r][c] and flip(r, c) for c in range(size)] for r in range(size)]


def _data_path(free: list[list[bool]]) -> tuple[int, ...]:
    """Packed-string indexes of the data cells in ``QRCode.map_data`` order."""
    size = len(free)
    path: list[int] = []
    row, step = size - 1, -1
    for col in range(size - 1, 0, -2):
        if col <= 6:
            col -= 1
        while 0 <= row < size:
            path.extend(row * (size + 1) + c for c in (col, col - 1) if free[row][c])
            row += step
        row -= step
        step = -step
    return tuple(path)

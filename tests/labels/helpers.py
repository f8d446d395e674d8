"""Test helpers: sample labels, rasterising with poppler's pdftoppm, decoding with zxing-cpp."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from PIL import Image

from labels import Label
from tests.conftest import unavailable

DPI = 300


def make_labels(count: int, first: int = 1) -> list[Label]:
    """Distinct labels with accented, multi-line captions."""
    return [
        Label(
            f"RT-{number:06d}",
            f"https://reuse.example.org/d/RT-{number:06d}",
            ("Portable · Dell Latitude 5490", f'Écran 14" — lot n° {number} — 45 €'),
        )
        for number in range(first, first + count)
    ]


@dataclass(frozen=True)
class Decoded:
    """One symbol found on a page: its format, text and centre in mm from the top-left."""

    kind: str
    text: str
    x_mm: float
    y_mm: float


def require_pdftoppm() -> str:
    """Path of pdftoppm; fail in CI (CI set) and skip elsewhere when it is missing."""
    path = shutil.which("pdftoppm")
    if path:
        return path
    unavailable("pdftoppm (poppler-utils) is not installed: apt-get install -y poppler-utils")


def rasterise(pdf: bytes, folder: Path) -> list[Image.Image]:
    """Render every page at 300 dpi (8-bit grey, lossless) and return the images in order."""
    tool = require_pdftoppm()
    source = folder / "labels.pdf"
    source.write_bytes(pdf)
    subprocess.run([tool, "-r", str(DPI), "-gray", str(source), str(folder / "page")], check=True)
    pages = sorted(folder.glob("page-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return [Image.open(page) for page in pages]


def decode(image: Image.Image) -> list[Decoded]:
    """All QR codes and Code 128 symbols zxing-cpp finds on ``image``."""
    found = []
    formats = [zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.Code128]
    for result in zxingcpp.read_barcodes(image, formats=formats):
        corners = [result.position.top_left, result.position.top_right,
                   result.position.bottom_right, result.position.bottom_left]  # fmt: skip
        x = sum(point.x for point in corners) / 4 * 25.4 / DPI
        y = sum(point.y for point in corners) / 4 * 25.4 / DPI
        found.append(Decoded(result.format.name, result.text, x, y))
    return found


def ink_outside(image: Image.Image, boxes: list[tuple[float, float, float, float]]) -> bool:
    """True if any dark pixel lies outside every (left, top, right, bottom) mm box."""
    page = image.convert("L").point(lambda value: 255 if value < 128 else 0)
    scale = DPI / 25.4
    for left, top, right, bottom in boxes:
        page.paste(0, (int(left * scale), int(top * scale),
                       int(right * scale + 1), int(bottom * scale + 1)))  # fmt: skip
    return page.getbbox() is not None

"""Benchmark the label library against the naive way, and its peak memory.

Run from the repository root::

    python benchmarks/labels_bench.py            # print the table
    python benchmarks/labels_bench.py --check    # also exit 1 if a target is missed

Speed: 1,000 Avery L7651 labels (16 A4 pages), best of 3 runs, each run with
fresh tags and URLs so no symbol cache helps.  "Naive" builds each QR with
``qrcode.QRCode()`` defaults and draws one reportlab rectangle per dark QR
module and one per dark Code 128 module, at the same positions, with the same
text and the same PDF settings.  Memory: peak RSS of a child process making
10,000 labels in one PDF.
"""

from __future__ import annotations

import argparse
import io
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import qrcode  # noqa: E402
from barcode.codex import Code128  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from labels import LAYOUTS, Label, Layout, render_labels  # noqa: E402
from labels.arrange import plan_label  # noqa: E402
from labels.fonts import BOLD, REGULAR, ellipsize, register_fonts  # noqa: E402
from labels.render import flate_only  # noqa: E402

LAYOUT = "avery-l7651"
COUNT = 1_000
MEMORY_COUNT = 10_000
RUNS = 3
SPEEDUP_TARGET = 5.0
MEMORY_TARGET_MB = 200.0


def make_labels(count: int, first: int) -> list[Label]:
    """``count`` distinct labels numbered from ``first``."""
    return [
        Label(
            f"RT-{n:06d}",
            f"https://reuse.example.org/d/RT-{n:06d}",
            ("Portable · Dell Latitude 5490", f"Lot {n % 97} — reçu, 45 €"),
        )
        for n in range(first, first + count)
    ]


def naive_pdf(labels: list[Label], layout_name: str = LAYOUT) -> bytes:
    """The same sheet drawn naively: default QRCode(), one rectangle per dark module."""
    layout = LAYOUTS[layout_name]
    register_fonts()
    buffer = io.BytesIO()
    size = (layout.page_width_mm * mm, layout.page_height_mm * mm)
    canvas = Canvas(buffer, pagesize=size, pageCompression=1, invariant=1)
    for index, label in enumerate(labels):
        if index and not index % layout.per_page:
            canvas.showPage()
        x, y = layout.cell_origin(index % layout.per_page + 1)
        _naive_label(canvas, layout, label, x, y)
    canvas.showPage()
    with flate_only():
        canvas.save()
    return buffer.getvalue()


def _naive_label(canvas: Canvas, layout: Layout, label: Label, x: float, y: float) -> None:
    """Draw one label module by module."""
    code = qrcode.QRCode()
    code.add_data(label.url)
    code.make(fit=True)
    matrix = code.get_matrix()  # with the default 4-module border
    bars = Code128(label.tag).build()[0]
    plan = plan_label(layout, len(matrix) - 2 * code.border, len(bars), len(label.caption))
    qr_left = (x + plan.qr_x - code.border * plan.qr_module) * mm
    qr_top = (y + plan.qr_y + (len(matrix) - code.border) * plan.qr_module) * mm
    step = plan.qr_module * mm
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                canvas.rect(qr_left + col * step, qr_top - (row + 1) * step, step, step, 0, 1)
    width, bar_x = plan.bar_module * mm, (x + plan.bar_x) * mm
    for col, module in enumerate(bars):
        if module == "1":
            canvas.rect(
                bar_x + col * width, (y + plan.bar_y) * mm, width, plan.bar_height * mm, 0, 1
            )
    _naive_text(canvas, layout, label, plan, x, y)


def _naive_text(canvas: Canvas, layout: Layout, label: Label, plan, x: float, y: float) -> None:
    """Tag and captions with drawString (same fonts and sizes as the library)."""
    width = plan.text_width * mm
    canvas.setFont(BOLD, layout.tag_pt)
    canvas.drawString((x + plan.text_x) * mm, (y + plan.tag_baseline) * mm, label.tag)
    canvas.setFont(REGULAR, layout.caption_pt)
    for line, baseline in zip(label.caption, plan.caption_baselines, strict=True):
        text = ellipsize(line, REGULAR, layout.caption_pt, width)
        canvas.drawString((x + plan.text_x) * mm, (y + baseline) * mm, text)


def best_time(make: Callable[[list[Label]], bytes], first: int) -> tuple[float, int]:
    """Best wall time of RUNS runs on fresh labels, and the PDF size of the last run."""
    times, size = [], 0
    for run in range(RUNS):
        labels = make_labels(COUNT, first + run * COUNT)
        started = time.perf_counter()
        size = len(make(labels))
        times.append(time.perf_counter() - started)
    return min(times), size


def peak_memory_mb(count: int) -> float:
    """Peak RSS (MB) of a child process that renders ``count`` labels into one PDF."""
    command = [sys.executable, str(Path(__file__).resolve()), "--memory-child", str(count)]
    subprocess.run(command, check=True, cwd=ROOT)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def memory_child(count: int) -> None:
    """Child process body: render ``count`` labels (and nothing else)."""
    pdf = render_labels(make_labels(count, 1), LAYOUT)
    print(f"child: {count} labels, {len(pdf) / 1e6:.1f} MB PDF", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table, and with --check return 1 on a missed target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child)
        return 0
    render_labels(make_labels(5, 900_000), LAYOUT)  # warm up fonts and templates
    naive_pdf(make_labels(5, 900_000))
    fast, fast_size = best_time(lambda labels: render_labels(labels, LAYOUT), 100_000)
    slow, slow_size = best_time(naive_pdf, 200_000)
    peak = peak_memory_mb(MEMORY_COUNT)
    ratio = slow / fast
    rows = [
        ("library", f"{COUNT / fast:,.0f} labels/s", f"{fast:.3f} s", f"{fast_size / 1e3:,.0f} kB"),
        ("naive", f"{COUNT / slow:,.0f} labels/s", f"{slow:.3f} s", f"{slow_size / 1e3:,.0f} kB"),
    ]
    print(f"{COUNT:,} labels on {LAYOUT}, best of {RUNS}:")
    for row in rows:
        print(f"  {row[0]:<8} {row[1]:>16} {row[2]:>10} {row[3]:>10}")
    ok_speed, ok_memory = ratio >= SPEEDUP_TARGET, peak < MEMORY_TARGET_MB
    print(
        f"  speed-up {ratio:.1f}x (target >= {SPEEDUP_TARGET:g}x) {'ok' if ok_speed else 'MISSED'}"
    )
    print(
        f"peak RSS for {MEMORY_COUNT:,} labels in one PDF: {peak:.0f} MB"
        f" (target < {MEMORY_TARGET_MB:g} MB) {'ok' if ok_memory else 'MISSED'}"
    )
    return 1 if args.check and not (ok_speed and ok_memory) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Charts drawn as SVG on the server: no JavaScript, a title and a text alternative in each.

Pure: plain values in, SVG text out (escaped). The page puts the figures' table beside each
chart; the SVG scales to its container (``viewBox``) so it fits a phone and prints on A4.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count
from xml.sax.saxutils import escape

PALETTE = ("#0b6e4f", "#2f6db5", "#c2571a", "#7a4eb0", "#5b6770", "#b3261e")
_ids = count(1)


def _open(width: int, height: int, title: str, description: str) -> tuple[str, str]:
    ident = f"chart-{next(_ids)}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" class="chart" '
        f'preserveAspectRatio="xMinYMin meet" font-family="sans-serif" font-size="12">'
        f'<title id="{ident}-t">{escape(title)}</title>'
        f'<desc id="{ident}-d">{escape(description)}</desc>'
    )
    return head, "</svg>"


def bars(
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    unit: str = "",
    description: str = "",
    width: int = 560,
) -> str:
    """Draw horizontal bars, one per (label, value), with the value written at its end."""
    row, left, right = 26, 170, 70
    height = max(1, len(items)) * row + 10
    alt = description or "; ".join(f"{label}: {_fmt(value)}{unit}" for label, value in items)
    head, tail = _open(width, height, title, alt)
    top = max((value for _, value in items), default=0) or 1
    span = width - left - right
    parts = [head]
    for index, (label, value) in enumerate(items):
        y = 5 + index * row
        length = max(0.0, value) / top * span
        colour = PALETTE[index % len(PALETTE)]
        parts.append(
            f'<text x="{left - 6}" y="{y + 16}" text-anchor="end">{escape(label[:28])}</text>'
            f'<rect x="{left}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{colour}"/>'
            f'<text x="{left + length + 4:.1f}" y="{y + 16}">{escape(_fmt(value) + unit)}</text>'
        )
    parts.append(tail)
    return "".join(parts)


def progress_line(
    title: str,
    points: Sequence[tuple[str, float]],
    target: float,
    *,
    description: str = "",
    width: int = 560,
    height: int = 220,
) -> str:
    """Draw a cumulative line over months against a dashed target line."""
    left, bottom, top_pad, right = 44, 30, 12, 12
    plot_w, plot_h = width - left - right, height - bottom - top_pad
    ceiling = max([target, *(value for _, value in points)]) or 1
    alt = description or (
        "; ".join(f"{label}: {_fmt(value)}" for label, value in points) + f"; target {_fmt(target)}"
    )
    head, tail = _open(width, height, title, alt)

    def y_of(value: float) -> float:
        return top_pad + plot_h - value / ceiling * plot_h

    step = plot_w / max(1, len(points) - 1)
    coords = [(left + i * step, y_of(value)) for i, (_, value) in enumerate(points)]
    parts = [
        head,
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{left + plot_w}" '
        f'y2="{top_pad + plot_h}" stroke="#888"/>',
        f'<line x1="{left}" y1="{y_of(target):.1f}" x2="{left + plot_w}" y2="{y_of(target):.1f}" '
        f'stroke="#b3261e" stroke-dasharray="6 4"/>',
        f'<text x="{left + plot_w}" y="{y_of(target) - 4:.1f}" text-anchor="end" '
        f'fill="#b3261e">{escape(_fmt(target))}</text>',
        f'<text x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end">0</text>',
    ]
    if coords:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{PALETTE[0]}" stroke-width="3"/>'
        )
    label_every = max(1, len(points) // 6)
    for index, ((label, _value), (x, y)) in enumerate(zip(points, coords, strict=True)):
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{PALETTE[0]}"/>')
        if index % label_every == 0 or index == len(points) - 1:
            parts.append(
                f'<text x="{x:.1f}" y="{height - 10}" text-anchor="middle">{escape(label)}</text>'
            )
    if coords:
        x, y = coords[-1]
        parts.append(
            f'<text x="{x - 4:.1f}" y="{y - 6:.1f}" text-anchor="end">'
            f"{escape(_fmt(points[-1][1]))}</text>"
        )
    parts.append(tail)
    return "".join(parts)


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.1f}".replace(",", "\u202f")

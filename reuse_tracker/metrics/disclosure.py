"""Statistical disclosure control for open data, on plain values. Pure: no Flask, no database.

Primary suppression: a count from 1 to ``threshold - 1`` is withheld (0 is published: it
reveals no one). Secondary suppression: wherever a sum is published (a column's total, or a
group's total published in another dataset), a lone withheld cell could be recovered by
subtraction, so the smallest other non-zero cell of that sum is withheld too, until no sum
holds exactly one withheld cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Suppressed:
    """Rows with withheld cells set to None, and the column totals (None if withheld)."""

    rows: list[dict[str, Any]]
    totals: dict[str, int | None]
    withheld: int


def is_small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def suppress(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    threshold: int,
    groups: Iterable[Sequence[int]] = (),
) -> Suppressed:
    """Withhold the small counts of ``columns`` and enough others that none can be recovered.

    ``groups`` lists row indexes whose sums are published elsewhere (e.g. the schools of a
    neighbourhood whose figure the neighbourhoods dataset gives).
    """
    cells = [dict(row) for row in rows]
    hidden = {(i, c) for i, row in enumerate(cells) for c in columns if is_small(row[c], threshold)}
    totals = {c: sum(row[c] for row in cells) for c in columns}
    hidden_totals = {c for c in columns if is_small(totals[c], threshold)}
    sums = [list(range(len(cells))), *[list(group) for group in groups]]
    changed = True
    while changed:
        changed = False
        for column in columns:
            for members in sums:
                if members == sums[0] and column in hidden_totals:
                    continue
                withheld = [i for i in members if (i, column) in hidden]
                if len(withheld) != 1:
                    continue
                others = [i for i in members if (i, column) not in hidden and cells[i][column] > 0]
                if others:
                    smallest = min(others, key=lambda i: (cells[i][column], i))
                    hidden.add((smallest, column))
                    changed = True
    for i, column in hidden:
        cells[i][column] = None
    return Suppressed(
        cells,
        {c: None if c in hidden_totals else totals[c] for c in columns},
        len(hidden),
    )


def neutralise(value: Any) -> Any:
    """Make a text cell harmless in a spreadsheet: a leading ' before = + - @ (tab, CR)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value

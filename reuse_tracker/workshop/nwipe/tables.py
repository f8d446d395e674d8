"""The summary tables of nwipe 0.30+ (``nwipe_log_summary`` in logging.c), found by their columns.

Titles are not relied on: 0.30 prints the "Drive Status" table without its title line. Tables:
``Device | Pass Errors | Verifications Errors [| Fdatasync I\\O Errors]`` (0.31+),
``Device | Bytes Erased | Bytes Total | Percentage Erased`` (0.41+) and
``Device | Status | Thru-put | HH:MM:SS | Model/Serial Number`` (0.30+), whose rows end with a
``[time] Total Throughput ...`` line. The device column keeps at most 6 to 8 characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reuse_tracker.workshop.nwipe.lines import DIGITS, DURATION
from reuse_tracker.workshop.nwipe.model import NwipeLogError

#: The second column's title, for each table.
COLUMNS = {"Pass Errors": "errors", "Bytes Erased": "erasure", "Status": "status"}
#: The "Drive Status" column; only "Erased" is a success.
STATUSES = {"Erased": "erased", "-FAILED-": "failed", "UABORTED": "aborted", "INSANITY": "insanity"}


@dataclass(frozen=True)
class StatusRow:
    """One row of the "Drive Status" table."""

    line: int
    name: str
    status: str
    seconds: int
    model: str
    serial: str


@dataclass
class Summary:
    """The tables read so far in the run in progress."""

    errors: dict[str, int] = field(default_factory=dict)
    erasure: dict[str, tuple[int, int]] = field(default_factory=dict)
    rows: list[StatusRow] = field(default_factory=list)
    #: The table whose rows come next, if any.
    table: str | None = None
    has_status: bool = False
    #: The "Error Summary" counts write, verification and flush errors (0.32+).
    counts_every_error: bool = False

    def feed(self, number: int, line: str) -> bool:
        """Read ``line`` if it belongs to a table; tell whether it did."""
        text = line.strip()
        if text.startswith("*" * 10):
            self.table = None  # a table's top or bottom border, or a title
            return True
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) >= 3 and cells[0].lstrip("!").strip() == "Device":
            self.table = COLUMNS.get(cells[1], "other")
            self.has_status = self.has_status or self.table == "status"
            return True
        if self.table is None:
            return False
        if "|" in line:
            self._row(number, cells)
        return True

    def _row(self, number: int, cells: list[str]) -> None:
        name = cells[0].lstrip("!").strip()
        if not name or len(cells) < 4:
            raise NwipeLogError("bad_row", line=number)
        if self.table == "errors":
            counts = [cell for cell in cells[1:] if cell]
            if not counts or not all(DIGITS.match(cell) for cell in counts):
                raise NwipeLogError("bad_row", line=number)
            self.errors[name] = sum(int(cell) for cell in counts)
            self.counts_every_error = len(counts) >= 3  # 0.32+: pass, verification, fdatasync
        elif self.table == "erasure":
            if not (DIGITS.match(cells[1]) and DIGITS.match(cells[2])):
                raise NwipeLogError("bad_row", line=number)
            self.erasure[name] = (int(cells[1]), int(cells[2]))
        elif self.table == "status":
            self.rows.append(_status_row(number, name, cells))

    @property
    def pending(self) -> bool:
        """Tell whether a "Drive Status" table began and its closing line has not come."""
        return self.has_status


def _status_row(number: int, name: str, cells: list[str]) -> StatusRow:
    duration = DURATION.match(cells[3]) if len(cells) >= 5 else None
    if duration is None or cells[1] not in STATUSES:
        raise NwipeLogError("bad_row", line=number)
    hours, minutes, seconds = (int(part) for part in duration.groups())
    model, _, serial = "|".join(cells[4:]).rpartition("/")
    return StatusRow(
        line=number,
        name=name,
        status=STATUSES[cells[1]],
        seconds=hours * 3600 + minutes * 60 + seconds,
        model=model.strip(),
        serial=serial.strip(),
    )

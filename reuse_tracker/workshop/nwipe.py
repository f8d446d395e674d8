"""Read the log nwipe (and ShredOS, which runs it) writes, into one record per wiped disk.

Pure module: no Flask, no database. The format follows nwipe's sources:
- ``nwipe_log`` prefixes each line with ``[YYYY/MM/DD HH:MM:SS]`` and a level (``notice:``...);
  very old versions wrote ``nwipe: notice:``;
- ``nwipe_options_log`` writes ``banner   = nwipe 0.34``, ``method   = PRNG Stream``,
  ``rounds   = 1`` and ``verify   = 1 (last pass)`` (or ``(off)``, ``(all passes)``);
- ``check_device`` writes ``Found /dev/sda,  ATA-SSD, <model>,  250 GB, S/N=<serial>``;
- ``nwipe_runmethod`` writes ``Invoking method '<label>' on /dev/sda`` and a line per pass;
- ``nwipe_log_summary`` writes, without timestamps, the "Error Summary" table
  (``Device | Pass Errors | Verifications Errors | Fdatasync I\\O Errors``), the "Drive Status"
  table (``Device | Status | Thru-put | HH:MM:SS | Model/Serial Number``, status ``Erased``,
  ``-FAILED-``, ``UABORTED`` for a user abort, ``INSANITY``) and a closing line
  ``[time] Total Throughput 120 MB/s, PRNG Stream, 1R+B+VL``.

A log may hold several sessions (nwipe appends): the latest record of each disk wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

#: nwipe's method labels (method.c) and what they are in NIST SP 800-88 terms.
METHODS: dict[str, tuple[str, str]] = {
    "DoD 5220.22-M": ("clear", "overwrite"),
    "DoD Short": ("clear", "overwrite"),
    "Gutmann Wipe": ("clear", "overwrite"),
    "RCMP TSSIT OPS-II": ("clear", "overwrite"),
    "PRNG Stream": ("clear", "overwrite"),
    "Fill With Zeros": ("clear", "overwrite"),
    "Quick Erase": ("clear", "overwrite"),
    "Fill With Ones": ("clear", "overwrite"),
    "HMG IS5 Enhanced": ("clear", "overwrite"),
    "Bruce Schneier 7-Pass": ("clear", "overwrite"),
    "BMB21-2019": ("clear", "overwrite"),
    "Secure Erase (ATA/NVMe)": ("purge", "block_erase"),
    "Secure Erase + PRNG + Verify": ("purge", "block_erase"),
    "Sanitize Crypto Erase (ATA/SCSI/NVMe)": ("purge", "crypto_erase"),
    "Sanitize Block Erase (ATA/SCSI/NVMe)": ("purge", "block_erase"),
    "Sanitize Overwrite (ATA/SCSI/NVMe)": ("purge", "sanitize"),
}
#: Methods that only read a disk back: no erasure to record.
VERIFY_ONLY = ("Verify Zeros (0x00)", "Verify Ones  (0xFF)", "Verify Ones (0xFF)")
#: The summary's status column; only "Erased" is a success.
STATUSES = {"Erased": "erased", "-FAILED-": "failed", "UABORTED": "aborted", "INSANITY": "insanity"}
#: ``verify = 1 (last pass)`` and the summary's VL/VA/NV, as our verification values.
VERIFY_OPTIONS = {
    "off": "off",
    "last pass": "last",
    "all passes": "all",
    "NV": "off",
    "VL": "last",
    "VA": "all",
}

_STAMP = r"\[(\d{4})/(\d\d)/(\d\d) (\d\d):(\d\d):(\d\d)\]"
LOG_LINE = re.compile(_STAMP + r"\s+(?:nwipe:\s+)?([a-z]+):\s?(.*)$")
TOTAL_LINE = re.compile(_STAMP + r"\s+Total Throughput .*?, (.+), (\d+)R\+N?B\+(NV|VL|VA)\s*$")
OPTION = re.compile(r"^\s*(banner|method|rounds|verify)\s+=\s+(.*?)\s*$")
FOUND = re.compile(r"^Found (/dev/\S+), (.*?), (.*), +(\d+) ([KMGT]?B), S/N=(.*?)\s*$")
INVOKING = re.compile(r"^Invoking method '(.+)' on (/dev/\S+)")
DEVICE_PATH = re.compile(r"'?(/dev/[\w./-]+?)'?(?=[\s.,']|$)")
DURATION = re.compile(r"^(\d+):(\d\d):(\d\d)$")
SIZE_GB = {"B": 1e-9, "KB": 1e-6, "MB": 1e-3, "GB": 1, "TB": 1000}


class NwipeLogError(ValueError):
    """The file is not a complete nwipe log; ``code`` names why, ``params`` give details."""

    def __init__(self, code: str, **params: object):
        super().__init__(code, params)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class WipedDisk:
    """One disk of the "Drive Status" table, with what the rest of the log says about it."""

    device: str
    serial: str
    model: str
    size_gb: int | None
    status: str
    method: str
    verification: str
    rounds: int | None
    errors: int
    started_at: datetime | None
    ended_at: datetime | None

    @property
    def passed(self) -> bool:
        return self.status == "erased" and self.errors == 0


@dataclass(frozen=True)
class NwipeReport:
    version: str | None
    disks: tuple[WipedDisk, ...]


@dataclass
class _Session:
    """What the log has said so far about the run in progress."""

    options: dict[str, str] = field(default_factory=dict)
    found: dict[str, tuple[str, int | None, str]] = field(default_factory=dict)
    methods: dict[str, str] = field(default_factory=dict)
    started: dict[str, datetime] = field(default_factory=dict)
    last_seen: dict[str, datetime] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)


def parse(text: str) -> NwipeReport:
    """Return the disks the log reports; raise NwipeLogError when it is not a complete log."""
    if not text.strip():
        raise NwipeLogError("empty")
    if "\x00" in text:
        raise NwipeLogError("not_text")
    reader = _Reader()
    for number, line in enumerate(text.splitlines(), 1):
        reader.feed(number, line.rstrip())
    if not reader.tables:
        raise NwipeLogError("no_summary")
    if reader.rows:
        raise NwipeLogError("incomplete")
    if not reader.disks:
        raise NwipeLogError("no_disk")
    return NwipeReport(reader.version, tuple(reader.disks.values()))


class _Reader:
    """A line-by-line reader of the log, keeping the latest record of each disk."""

    def __init__(self) -> None:
        self.session = _Session()
        self.version: str | None = None
        self.table: str | None = None
        self.tables = 0
        self.rows: list[tuple[int, list[str]]] = []
        self.disks: dict[str, WipedDisk] = {}

    def feed(self, number: int, line: str) -> None:
        if "Error Summary" in line or "Drive Status" in line:
            self.table = "errors" if "Error Summary" in line else "status"
            self.tables += self.table == "status"
            return
        if self.table and ("|" in line or set(line.strip()) <= {"-", "*"}):
            self._table_line(number, line)
            return
        if total := TOTAL_LINE.match(line):
            self._close(number, total)
        elif entry := LOG_LINE.match(line):
            self._log_line(_stamp(entry.groups()[:6]), entry[8])

    def _table_line(self, number: int, line: str) -> None:
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) < 4 or "Device" in cells[0]:
            return  # a border or the column titles
        device = cells[0].lstrip("!").strip()
        if self.table == "errors":
            numbers = [int(c) for c in cells[1:4] if c.isdigit()]
            self.session.errors[device] = sum(numbers)
        else:
            self.rows.append((number, cells))

    def _log_line(self, moment: datetime, message: str) -> None:
        session = self.session
        if option := OPTION.match(message):
            session.options[option[1]] = option[2]
            if option[1] == "banner" and (version := re.search(r"(\d+(?:\.\d+)+)", option[2])):
                self.version = version[1]
        elif found := FOUND.match(message):
            size = round(int(found[4]) * SIZE_GB[found[5]]) if found[5] in SIZE_GB else None
            session.found[found[1]] = (found[3].strip(), size, found[6].strip())
        elif invoking := INVOKING.match(message):
            session.methods[invoking[2]] = invoking[1]
            session.started.setdefault(invoking[2], moment)
        for path in DEVICE_PATH.findall(message):
            session.last_seen[path] = moment

    def _close(self, number: int, total: re.Match) -> None:
        """Read the "Drive Status" rows with what the session said about each drive."""
        options = self.session.options
        options.setdefault("method", total[7])
        options.setdefault("verify", total[9])
        options.setdefault("rounds", total[8])
        for row_number, cells in self.rows:
            disk = self._disk(row_number, cells, _stamp(total.groups()[:6]))
            self.disks[disk.serial] = disk
        self.rows, self.table, self.session = [], None, _Session()

    def _disk(self, number: int, cells: list[str], closed_at: datetime) -> WipedDisk:
        if len(cells) < 5 or cells[1] not in STATUSES or not DURATION.match(cells[3]):
            raise NwipeLogError("bad_row", line=number)
        name = cells[0].lstrip("!").strip()
        path = f"/dev/{name}"
        model, _, serial = cells[4].rpartition("/")
        full_model, size, found_serial = self.session.found.get(path, (model, None, serial))
        serial = serial.strip() or found_serial
        if not serial or set(serial) <= {"X", "?"}:
            raise NwipeLogError("no_serial", drive=name, line=number)
        method = self._method(path, number)
        hours, minutes, seconds = map(int, DURATION.match(cells[3]).groups())
        ended = self.session.last_seen.get(path, closed_at)
        started = self.session.started.get(
            path, ended - timedelta(hours=hours, minutes=minutes, seconds=seconds)
        )
        return WipedDisk(
            device=path,
            serial=serial,
            model=full_model if found_serial == serial else model,
            size_gb=size,
            status=STATUSES[cells[1]],
            method=method,
            verification=self._verification(method, number),
            rounds=_int(self._option("rounds")),
            errors=self.session.errors.get(name, 0),
            started_at=started,
            ended_at=ended,
        )

    def _method(self, path: str, number: int) -> str:
        method = self.session.methods.get(path) or self._option("method") or ""
        if method in VERIFY_ONLY:
            raise NwipeLogError("verify_only", method=method, line=number)
        if method not in METHODS:
            raise NwipeLogError("unknown_method", method=method or "?", line=number)
        return method

    def _verification(self, method: str, number: int) -> str:
        match = re.search(r"\((.+)\)|^(NV|VL|VA)$", self._option("verify") or "")
        verification = VERIFY_OPTIONS.get((match[1] or match[2]) if match else "")
        if verification is None:
            raise NwipeLogError("no_verification", line=number)
        # HMG IS5 Enhanced verifies its PRNG pass whatever the option says (nwipe's help).
        return "last" if verification == "off" and method == "HMG IS5 Enhanced" else verification

    def _option(self, name: str) -> str | None:
        return self.session.options.get(name)


def _stamp(parts) -> datetime:
    return datetime(*map(int, parts))


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None

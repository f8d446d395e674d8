"""Read a whole log, run after run, into one record per wiped disk; the latest record wins."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from reuse_tracker.workshop.nwipe import lines
from reuse_tracker.workshop.nwipe.methods import METHODS, VERIFY_ONLY, method_label
from reuse_tracker.workshop.nwipe.model import NwipeLogError, NwipeReport, WipedDisk
from reuse_tracker.workshop.nwipe.runs import Drive, Run
from reuse_tracker.workshop.nwipe.tables import StatusRow

#: ``verify = 1 (last pass)`` and the summary's NV/VL/VA, as our verification values.
VERIFY_OPTIONS = {
    "off": "off",
    "last pass": "last",
    "all passes": "all",
    "NV": "off",
    "VL": "last",
    "VA": "all",
}
#: The longest serial number a record keeps (devices.fields).
MAX_SERIAL = 80


def parse(text: str) -> NwipeReport:
    """Return the disks the log reports; raise NwipeLogError when it is not a complete log."""
    if not text.strip():
        raise NwipeLogError("empty")
    if "\x00" in text:
        raise NwipeLogError("not_text")
    reader = Reader()
    for number, line in enumerate(text.splitlines(), 1):
        reader.feed(number, line.rstrip())
    return reader.report()


class Reader:
    """A line-by-line reader of the log."""

    def __init__(self) -> None:
        self.run = Run()
        self.version: str | None = None
        self.disks: dict[str, WipedDisk] = {}
        self.log_lines = 0
        self.verify_only: tuple[str, int] | None = None
        self.stopped_before_start = False

    def feed(self, number: int, line: str) -> None:
        if total := lines.TOTAL_LINE.match(line):
            self._close_summary(total)
        elif entry := lines.LOG_LINE.match(line):
            self._log_line(number, entry)
        else:
            self.run.summary.feed(number, line)

    def report(self) -> NwipeReport:
        """Close the last run and return what the log holds, or raise why not."""
        run = self.run
        if run.summary.pending:
            raise NwipeLogError("incomplete")
        if run.exited:
            self._close_run()
        elif run.invoked:
            raise NwipeLogError("unfinished")
        if self.disks:
            return NwipeReport(self.version, tuple(self.disks.values()))
        if self.verify_only:
            method, line = self.verify_only
            raise NwipeLogError("verify_only", method=method, line=line)
        if self.stopped_before_start or run.stopped_before_start:
            raise NwipeLogError("not_started")
        raise NwipeLogError("no_disk" if self.log_lines else "not_a_log")

    def _log_line(self, number: int, entry: re.Match) -> None:
        self.log_lines += 1
        old_format, level, message = entry[7], entry[8], entry[9]
        if self.run.exited and not lines.EXIT.match(message):
            self._close_run()
        elif self.run.invoked and _starts_run(message):
            self._close_run(interrupted=True)
        if old_format and lines.EXIT.match(message):
            self.run.exited = True
        self._version(message)
        self.run.read(number, lines.stamp(entry.groups()), level, message)

    def _version(self, message: str) -> None:
        option = lines.OPTION.match(message)
        banner = option[2] if option and option[1] == "banner" else message
        if (option or lines.BANNER.match(message)) and (found := lines.VERSION.search(banner)):
            self.version = found[1]

    def _close_summary(self, total: re.Match) -> None:
        """Read the "Drive Status" rows with what the run said about each drive."""
        run = self.run
        if tail := lines.TOTAL_TAIL.search(total[7]):
            run.options.setdefault("method", tail[1])
            run.options.setdefault("rounds", tail[2])
            run.options.setdefault("verify", tail[3])
        closed_at = lines.stamp(total.groups())
        run.close()
        for row in run.summary.rows:
            drive = run.find(row.name)
            self._record(run, drive, _table_facts(run, drive, row, closed_at))
        self.stopped_before_start |= run.stopped_before_start
        self.run = Run()

    def _close_run(self, interrupted: bool = False) -> None:
        """Read a run that has no summary table (0.17-0.28, or one cut off by the next run)."""
        run = self.run
        run.close()
        for drive in run.drives.values():
            if drive.method:
                self._record(run, drive, _narrative_facts(run, drive, interrupted))
        self.stopped_before_start |= run.stopped_before_start
        self.run = Run()

    def _record(self, run: Run, drive: Drive, facts: dict) -> None:
        method, line, serial = facts["method"], facts["line"], facts["serial"]
        if method in VERIFY_ONLY:
            self.verify_only = (method, line)
            return
        if method not in METHODS:
            raise NwipeLogError("unknown_method", method=method or "?", line=line)
        if not serial or set(serial) <= {"X", "?"} or len(serial) > MAX_SERIAL:
            raise NwipeLogError("no_serial", drive=drive.path.removeprefix("/dev/"), line=line)
        ended = drive.last_seen or facts.get("closed_at")
        started = drive.started or _minus(ended, facts.get("seconds"))
        self.disks.pop(serial, None)
        self.disks[serial] = WipedDisk(
            device=drive.path,
            serial=serial,
            model=facts["model"][:120],
            size_gb=drive.size_gb,
            status=facts["status"],
            method=method,
            verification=_verification(run, drive, method),
            rounds=_rounds(run, drive),
            errors=facts["errors"],
            started_at=started if started and ended and started <= ended else None,
            ended_at=ended,
            bytes_erased=facts.get("bytes_erased"),
            bytes_total=facts.get("bytes_total"),
        )


def _starts_run(message: str) -> bool:
    return bool(
        lines.NEW_RUN.match(message)
        or lines.FOUND.match(message)
        or lines.FOUND_DRIVE.match(message)
    )


def _table_facts(run: Run, drive: Drive, row: StatusRow, closed_at: datetime | None) -> dict:
    """Return a row's facts: the table says the status, errors and bytes erased."""
    summary = run.summary
    serial = drive.serial if drive.serial.startswith(row.serial) else row.serial
    erased, total = summary.erasure.get(row.name, (None, None))
    errors = summary.errors.get(row.name, 0)
    if not summary.counts_every_error:
        errors = max(errors, drive.errors)
    # 0.30 and 0.31 say "Erased" despite flush errors (they count none): their error lines tell.
    status = "failed" if row.status == "erased" and errors else row.status
    return {
        "method": _method(run, drive),
        "line": row.line,
        "serial": serial,
        "model": drive.model or row.model,
        "status": status,
        "errors": errors,
        "bytes_erased": erased,
        "bytes_total": total,
        "closed_at": closed_at,
        "seconds": row.seconds,
    }


def _narrative_facts(run: Run, drive: Drive, interrupted: bool) -> dict:
    """Return the facts of a drive of a run without table, from its progress lines."""
    if interrupted:
        status = "aborted"
    elif drive.finished and not drive.errors:
        status = "erased"
    else:
        status = "aborted" if run.interrupted and not drive.finished else "failed"
    return {
        "method": _method(run, drive),
        "line": drive.line,
        "serial": drive.serial,
        "model": drive.model,
        "status": status,
        "errors": drive.errors,
    }


def _method(run: Run, drive: Drive) -> str:
    return drive.method or method_label(run.options.get("method") or "")


def _verification(run: Run, drive: Drive, method: str) -> str:
    """Return what was read back: nwipe's option if it logged one, else what the log shows."""
    option = re.search(r"\((.+)\)|^(NV|VL|VA)$", run.options.get("verify") or "")
    verification = VERIFY_OPTIONS.get((option[1] or option[2]) if option else "", drive.verified)
    # HMG IS5 Enhanced verifies its last pass whatever the option says (nwipe's help).
    return "last" if verification == "off" and method == "HMG IS5 Enhanced" else verification


def _rounds(run: Run, drive: Drive) -> int | None:
    option = (run.options.get("rounds") or "").strip()
    return int(option) if lines.DIGITS.match(option) and len(option) <= 7 else drive.rounds


def _minus(moment: datetime | None, seconds: int | None) -> datetime | None:
    if moment is None or seconds is None:
        return None
    try:
        return moment - timedelta(seconds=seconds)
    except OverflowError:
        return None

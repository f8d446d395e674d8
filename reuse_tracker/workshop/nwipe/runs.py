"""What one run of nwipe says about each device, line by line (see ``lines`` for the patterns)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reuse_tracker.workshop.nwipe import lines
from reuse_tracker.workshop.nwipe.methods import method_label
from reuse_tracker.workshop.nwipe.tables import Summary

#: Levels whose lines report a problem (``nwipe_log``'s names).
ERROR_LEVELS = frozenset({"error", "fatal", "sanity"})
VERIFY_ORDER = ("off", "last", "all")


@dataclass
class Drive:
    """What a run has said so far about one device."""

    path: str
    serial: str = ""
    model: str = ""
    size_gb: int | None = None
    method: str | None = None
    #: The line that invoked the method on it.
    line: int = 0
    started: datetime | None = None
    last_seen: datetime | None = None
    rounds: int | None = None
    #: off | last | all: the read-backs the log shows
    verified: str = "off"
    rounds_done: bool = False
    blanking: bool = False
    errors: int = 0

    @property
    def finished(self) -> bool:
        return self.rounds_done and not self.blanking

    def saw_verification(self, kind: str) -> None:
        if VERIFY_ORDER.index(kind) > VERIFY_ORDER.index(self.verified):
            self.verified = kind


@dataclass
class Run:
    """One run of nwipe: from its first line to its summary table or its exit line."""

    options: dict[str, str] = field(default_factory=dict)
    drives: dict[str, Drive] = field(default_factory=dict)
    summary: Summary = field(default_factory=Summary)
    #: 0.17-0.28 only: "Nwipe exited." (or the like) was written.
    exited: bool = False
    #: The user stopped it (Ctrl-C), as 0.27-0.28 say.
    interrupted: bool = False
    #: 0.31+: "Nwipe was aborted by the user prior to the wipe starting."
    stopped_before_start: bool = False
    #: Errors of ``nwipe_perror`` whose drive the thread's next line will name.
    unattributed: int = 0

    @property
    def invoked(self) -> bool:
        return any(drive.method for drive in self.drives.values())

    def drive(self, path: str) -> Drive:
        return self.drives.setdefault(lines.path(path), Drive(lines.path(path)))

    def find(self, name: str) -> Drive:
        """Return the drive a table row names (6 to 8 last characters of its path)."""
        exact = [d for p, d in self.drives.items() if p.rpartition("/")[2] == name]
        ending = [d for p, d in self.drives.items() if p.endswith(name)]
        found = exact or ending
        return found[0] if len(found) == 1 else Drive(f"/dev/{name}")

    def read(self, number: int, moment: datetime | None, level: str, message: str) -> None:
        """Take in one log line's message."""
        self._identity(message)
        self._progress(number, moment, message)
        if lines.INTERRUPTED.match(message):
            self.interrupted = True
        if message.startswith("Nwipe was aborted by the user prior"):
            self.stopped_before_start = True
        if level in ERROR_LEVELS or level == "warning":
            self._error(level, message)
        if moment is not None:
            for path in lines.DEVICE.findall(message):
                if (drive := self.drives.get(lines.path(path))) is not None:
                    drive.last_seen = moment

    def _identity(self, message: str) -> None:
        if option := lines.OPTION.match(message):
            self.options[option[1]] = option[2]
        elif found := lines.FOUND.match(message):
            drive = self.drive(found[1])
            drive.model, drive.serial = found[3].strip(), found[6].strip()
            drive.size_gb = lines.gigabytes(float(found[4]) * lines.UNIT_GB[found[5]])
        elif found := lines.FOUND_DRIVE.match(message):
            drive = self.drive(found[2])
            drive.model, drive.serial = found[1].strip(), found[3].strip()
        elif serial := lines.SERIAL.match(message):
            self.drive(serial[1]).serial = serial[2].strip()
        elif size := lines.SIZE.match(message):
            self.drive(size[1]).size_gb = lines.gigabytes(int(size[2]) / 1e9)

    def _progress(self, number: int, moment: datetime | None, message: str) -> None:
        if invoking := lines.INVOKING.match(message):
            drive = self.drive(invoking[2])
            drive.method, drive.line = method_label(invoking[1]), number
            drive.started = drive.started or moment
        elif step := lines.ROUND.match(message):
            drive, done, total = self.drive(step[4]), int(step[2]), int(step[3])
            drive.rounds = total
            drive.rounds_done = drive.rounds_done or (step[1] != "Starting" and done >= total)
        elif blanking := lines.BLANKING.match(message):
            self.drive(blanking[1]).blanking = True
        elif blanked := lines.BLANKED.match(message):
            drive = self.drive(blanked[1])
            drive.blanking, drive.rounds_done = False, True
        elif verifying := lines.VERIFYING_PASS.match(message):
            last_pass = int(verifying[1]) >= int(verifying[2])
            self.drive(verifying[3]).saw_verification("last" if last_pass else "all")
        elif verifying := lines.VERIFYING_LAST.match(message):
            self.drive(verifying[1]).saw_verification("last")

    def _error(self, level: str, message: str) -> None:
        """Count an error against the drives it names, or the next line names, or all in work."""
        named = {lines.path(path) for path in lines.DEVICE.findall(message)}
        drives = [drive for path, drive in self.drives.items() if path in named]
        if drives and self.unattributed:
            for drive in drives:
                drive.errors += self.unattributed
            self.unattributed = 0
        if level not in ERROR_LEVELS:
            return
        count = int(counted[1]) if (counted := lines.ERROR_COUNT.match(message)) else 1
        if drives:
            for drive in drives:
                drive.errors += count
        elif lines.SYSTEM_ERROR.match(message):
            self.unattributed += count
        else:
            self.blame_drives_in_work(count)

    def blame_drives_in_work(self, count: int) -> None:
        """Count an error no line ties to a drive against every drive being wiped."""
        for drive in self.drives.values():
            if drive.method and not drive.finished:
                drive.errors += count

    def close(self) -> None:
        """Count the errors still waiting for the line that names their drive."""
        if self.unattributed:
            self.blame_drives_in_work(self.unattributed)
            self.unattributed = 0

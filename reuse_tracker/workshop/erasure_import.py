"""Record every disk of an nwipe log on a device: one ``record_erasure`` per disk, all or none.

Both ways in use ``import_log``: the upload on the device page and the API's
``POST /api/v1/devices/<asset_tag>/erasure-log``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from reuse_tracker.auth.models import User
from reuse_tracker.devices import actions, services
from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.errors import PermissionDenied, ValidationError
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.i18n import lazy_ngettext
from reuse_tracker.workshop import erasure_duplicates as duplicates
from reuse_tracker.workshop import nwipe

#: Why a file is refused, for the technician who uploaded it.
REFUSALS = {
    "empty": _l("the file is empty"),
    "not_text": _l("the file is not a text log"),
    "not_a_log": _l(
        "it is not an nwipe log (no line such as “[2024/05/14 09:13:41] notice: …”): upload "
        "the log nwipe writes (option -l / --logfile)"
    ),
    "unfinished": _l(
        "the log stops while nwipe is still wiping (interrupted, or copied before the end): "
        "upload the log once nwipe has finished and printed its summary"
    ),
    "not_started": _l("nwipe was stopped before any wipe started"),
    "incomplete": _l("the “Drive Status” table is cut short (no “Total Throughput” line)"),
    "no_disk": _l("the log reports no wiped disk"),
    "bad_row": _l("line %(line)s of a summary table cannot be read"),
    "no_serial": _l(
        "the serial number of %(drive)s is hidden (nwipe -q) or unknown (line "
        "%(line)s): without it the erasure cannot be tied to a disk"
    ),
    "verify_only": _l("“%(method)s” only checks a disk, it does not erase it (line %(line)s)"),
    "unknown_method": _l("the erasure method “%(method)s” is unknown (line %(line)s)"),
}
#: The most characters of the file's name kept in each record's notes.
MAX_FILENAME = 80
VERIFICATION = {"last": "full", "all": "full", "off": "none"}
STATUS_NOTES = {
    "erased": _l("erased"),
    "failed": _l("failed (errors during the wipe)"),
    "aborted": _l("aborted by the user"),
    "insanity": _l("failed (nwipe error)"),
}


def refusal(error: nwipe.NwipeLogError) -> str:
    """Say in the user's language why a log was refused."""
    return str(REFUSALS[error.code] % {key: value for key, value in error.params.items()})


def read_log(data: bytes) -> nwipe.NwipeReport:
    """Parse an uploaded log or raise ValidationError with the reason."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    try:
        return nwipe.parse(text)
    except nwipe.NwipeLogError as error:
        reason = refusal(error)
        raise ValidationError(
            _l("The nwipe log was refused: %(reason)s.", reason=reason),
            {"log": reason},
            {"log": _l("nwipe log")},
        ) from None


def erasure_data(
    disk: nwipe.WipedDisk, version: str | None, filename: str = "", log_sha256: str = ""
) -> dict:
    """Return the ``record_erasure`` fields of one wiped disk."""
    method, technique = nwipe.METHODS[disk.method]
    rounds = f", {disk.rounds}R" if disk.rounds else ""
    data: dict[str, Any] = {
        "method": method,
        "technique": technique,
        "tool": "nwipe",
        "tool_version": version or "",
        "verification": VERIFICATION[disk.verification],
        "result": "passed" if disk.passed else "failed",
        "storage_serial": disk.serial,
        "storage_model": disk.model,
        "storage_size_gb": disk.size_gb,
        "tool_method": f"{disk.method}{rounds}, verify {disk.verification}",
        "started_at": disk.started_at.isoformat() if disk.started_at else None,
        "ended_at": disk.ended_at.isoformat() if disk.ended_at else None,
        "log_sha256": log_sha256,
        "notes": _notes(disk, filename),
    }
    return {key: value for key, value in data.items() if value not in (None, "")}


def _notes(disk: nwipe.WipedDisk, filename: str) -> str:
    notes = str(
        _l("nwipe log %(file)s: %(status)s", file=filename or "—", status=STATUS_NOTES[disk.status])
    )
    if disk.errors:
        notes += " " + str(lazy_ngettext("(%(num)s error)", "(%(num)s errors)", disk.errors))
    if disk.partial:
        notes += " " + str(_l("(only %(pct)s %% of the disk erased)", pct=disk.erased_pct))
    return notes


@dataclass(frozen=True)
class LogImport:
    """The records a log added, and what the technician should check."""

    events: list[DeviceEvent]
    #: The same log, or the same disk, already filed on another device.
    warnings: list[dict[str, str]] = field(default_factory=list)


def import_log(
    device: Device,
    data: bytes,
    *,
    actor: User | None,
    filename: str = "",
    expected_version: int | None = None,
) -> LogImport:
    """Record each disk of the log on ``device``, in one transaction; flush (caller commits).

    Refuses a caller who may not record erasures before reading the log, so that
    the answer never depends on the file for them; the caller rolls back on error.
    """
    if actor is not None and not actions.may_perform(actor, "record_erasure"):
        raise PermissionDenied(_l("Your role does not allow this action."))
    report = read_log(data)
    filename, digest = log_name(filename), hashlib.sha256(data).hexdigest()
    events = []
    for disk in report.disks:
        events.append(
            services.perform(
                device,
                "record_erasure",
                erasure_data(disk, report.version, filename, digest),
                actor=actor,
                expected_version=expected_version,
            )
        )
        expected_version = None
    serials = [event.payload["storage_serial"] for event in events]
    return LogImport(events, duplicates.earlier_filings(device, digest, serials))


def log_name(filename: str | None) -> str:
    """Return the uploaded file's name as the notes may quote it: printable and short."""
    return "".join(char for char in filename or "" if char.isprintable())[:MAX_FILENAME]

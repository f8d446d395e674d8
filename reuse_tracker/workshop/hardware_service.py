"""A hardware report on a device: fill the specs it lacks, check its serial, list its disks.

The specs the donor did not give are filled through ``correct_details`` (an event keeping the
old, empty, and the new value); a serial that differs from the one at intake is flagged, never
written over; battery and disk health go to the diagnostics form, for the technician to confirm.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from reuse_tracker.auth.models import User
from reuse_tracker.devices import services
from reuse_tracker.devices.models import Device
from reuse_tracker.devices.registration import serial_key
from reuse_tracker.errors import ValidationError
from reuse_tracker.i18n import gettext as _
from reuse_tracker.workshop.hardware import HardwareReport, ReportError, read_reports


def read(files: list[bytes]) -> HardwareReport:
    """Read the uploaded files, or raise ValidationError naming the one not understood."""
    if not files:
        raise ValidationError(
            _("Choose the report files (lshw, smartctl, battery) to upload."),
            {"file": _("is required")},
            {"file": _("Hardware report")},
        )
    try:
        return read_reports(files)
    except ReportError as error:
        number = str(error).split()[-1]
        raise ValidationError(
            _("File %(n)s is not an lshw, smartctl or battery report.", n=number),
            {"file": _("not a hardware report")},
            {"file": _("Hardware report")},
        ) from None


def apply(device: Device, report: HardwareReport, *, actor: User | None) -> dict[str, Any]:
    """Fill the missing specs (one event), compare the serial; return what the report gave."""
    missing = {
        name: value
        for name, value in (
            ("cpu", report.cpu),
            ("ram_gb", report.ram_gb),
            ("storage_gb", report.storage_gb),
        )
        if value and getattr(device, name) in (None, "")
    }
    if missing:
        services.perform(
            device,
            "correct_details",
            {**missing, "reason": _("Filled from the machine's hardware report")},
            actor=actor,
        )
    mismatch = None
    if report.serial and serial_key(report.serial) != device.serial_key:
        mismatch = {"reported": report.serial, "recorded": device.serial}
    return {
        "filled": missing,
        "serial_mismatch": mismatch,
        "disks": [asdict(disk) for disk in report.disks],
        "diagnostics": {
            key: value
            for key, value in (
                ("battery_health_pct", report.battery_health_pct),
                ("storage_health", report.storage_health),
            )
            if value is not None
        },
        "notes": report.notes,
    }

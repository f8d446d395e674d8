"""What a machine says of itself: ``lshw -json``, ``smartctl --json -a``, the battery. Pure.

On the bench the technician boots the machine from the workshop's USB key and runs::

    lshw -json -quiet > lshw.json
    for d in /dev/sd? /dev/nvme?n1; do smartctl --json -a "$d" > "smart-$(basename $d).json"; done
    upower -i "$(upower -e | grep BAT)" > battery.txt \
        || cat /sys/class/power_supply/BAT*/uevent > battery.txt

and uploads the files. Each file is recognised by its content; none is required.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any


class ReportError(ValueError):
    """A file that is none of the reports read here, or a broken one."""


@dataclass
class Disk:
    serial: str
    model: str = ""
    size_gb: int | None = None
    #: good, warning or failing (the diagnostics' words); None when the drive said nothing.
    health: str | None = None
    power_on_hours: int | None = None


@dataclass
class HardwareReport:
    serial: str = ""
    vendor: str = ""
    product: str = ""
    cpu: str = ""
    ram_gb: int | None = None
    disks: list[Disk] = field(default_factory=list)
    battery_health_pct: int | None = None
    #: What a tool said it could not do (smartctl on a virtual disk, no battery...).
    notes: list[str] = field(default_factory=list)

    @property
    def storage_gb(self) -> int | None:
        sizes = [disk.size_gb for disk in self.disks if disk.size_gb]
        return sum(sizes) if sizes else None

    @property
    def storage_health(self) -> str | None:
        """The worst health a disk reported."""
        order = ("failing", "warning", "good")
        found = [disk.health for disk in self.disks if disk.health]
        return next((health for health in order if health in found), None)


def read_reports(files: list[bytes]) -> HardwareReport:
    """Read every uploaded file into one report; raise ReportError naming a file not read."""
    report = HardwareReport()
    for number, data in enumerate(files, start=1):
        text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
        if not text.strip():
            continue
        if text.lstrip().startswith(("{", "[")):
            _read_json(text, report, number)
        elif "POWER_SUPPLY_" in text:
            report.battery_health_pct = _sysfs_health(text)
        elif re.search(r"^\s*capacity:", text, flags=re.M):
            report.battery_health_pct = _upower_health(text)
        else:
            raise ReportError(f"file {number}")
    return report


def _read_json(text: str, report: HardwareReport, number: int) -> None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise ReportError(f"file {number}") from None
    if isinstance(data, dict) and "smartctl" in data:
        _read_smartctl(data, report)
    elif isinstance(data, list | dict):
        _read_lshw(data[0] if isinstance(data, list) and data else data, report, number)
    else:
        raise ReportError(f"file {number}")


def _read_lshw(root: Any, report: HardwareReport, number: int) -> None:
    if not isinstance(root, dict) or "class" not in root:
        raise ReportError(f"file {number}")
    report.serial = report.serial or _text(root.get("serial"))
    report.vendor = report.vendor or _text(root.get("vendor"))
    report.product = report.product or _text(root.get("product"))
    memory = 0
    for node in _walk(root):
        kind = node.get("class")
        if kind == "processor" and not report.cpu and node.get("product"):
            report.cpu = _text(node.get("product"))
        elif kind == "memory" and node.get("id") == "memory" and node.get("size"):
            memory += int(node["size"])
        elif kind == "disk" and _is_drive(node):
            _add_disk(
                report, _text(node.get("serial")), _text(node.get("product")), node.get("size")
            )
    if memory:
        report.ram_gb = round(memory / 2**30)


def _is_drive(node: dict) -> bool:
    """A fixed disk, not an optical drive or an empty card reader."""
    names = node.get("logicalname") or []
    names = [names] if isinstance(names, str) else names
    return not any(name.startswith("/dev/sr") for name in names)


def _walk(node: dict):
    yield node
    for child in node.get("children") or ():
        if isinstance(child, dict):
            yield from _walk(child)


def _read_smartctl(data: dict, report: HardwareReport) -> None:
    serial = _text(data.get("serial_number"))
    if not serial:
        messages = (data.get("smartctl") or {}).get("messages") or []
        said = "; ".join(_text(m.get("string")) for m in messages if isinstance(m, dict))
        report.notes.append(f"smartctl: {said or 'no drive information'}")
        return
    passed = (data.get("smart_status") or {}).get("passed")
    health = None if passed is None else ("good" if passed else "failing")
    if health == "good" and _worn(data):
        health = "warning"
    size = (data.get("user_capacity") or {}).get("bytes")
    hours = (data.get("power_on_time") or {}).get("hours")
    _add_disk(report, serial, _text(data.get("model_name")), size, health, hours)


def _worn(data: dict) -> bool:
    """Reallocated sectors, or an SSD past 90 % of its rated wear."""
    nvme = data.get("nvme_smart_health_information_log") or {}
    if (nvme.get("percentage_used") or 0) >= 90:
        return True
    for attribute in (data.get("ata_smart_attributes") or {}).get("table") or []:
        if attribute.get("id") in (5, 197, 198) and (attribute.get("raw") or {}).get("value"):
            return True
    return False


def _add_disk(report, serial, model, size_bytes, health=None, hours=None) -> None:
    size_gb = round(int(size_bytes) / 1e9) if size_bytes else None
    for disk in report.disks:
        if serial and disk.serial == serial:  # lshw and smartctl both saw it
            disk.model = disk.model or model
            disk.size_gb = disk.size_gb or size_gb
            disk.health = health or disk.health
            disk.power_on_hours = hours if hours is not None else disk.power_on_hours
            return
    report.disks.append(Disk(serial, model, size_gb, health, hours))


def _upower_health(text: str) -> int | None:
    match = re.search(r"^\s*capacity:\s*([\d.,]+)\s*%", text, flags=re.M)
    return _percent(match.group(1)) if match else None


def _sysfs_health(text: str) -> int | None:
    values = dict(re.findall(r"^POWER_SUPPLY_([A-Z_]+)=(.*)$", text, flags=re.M))
    for unit in ("ENERGY", "CHARGE"):
        full, design = values.get(f"{unit}_FULL"), values.get(f"{unit}_FULL_DESIGN")
        if full and design and design.strip().isdigit() and int(design):
            return min(100, round(100 * int(full) / int(design)))
    return None


def _percent(raw: str) -> int | None:
    try:
        return min(100, round(float(raw.replace(",", "."))))
    except ValueError:
        return None


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""

"""The workshop's part of the demo: nwipe logs read in, second disks, parts harvested and reused.

``plan_workshop_history(rng, donations)`` runs after ``demo.plan_workshop`` and before ``play``:
it rewrites the planned steps (pure data, nothing written), so everything still goes through
the action service, dated, in time order:
- every nwipe erasure is written as nwipe would have logged it, read back by the real parser
  and recorded from its result (disk model, size, start and end, method, verification);
- some desktops carry a second disk (SSD + HDD), wiped in the same nwipe run;
- harvested machines put their memory, charger, erased disk and battery into the parts stock
  (half through ``harvest_part`` steps, half listed on the ``harvest`` itself);
- parts from that stock are installed: batteries into machines whose battery failed, memory
  into 8 GB laptops, never before the part was harvested;
- grades name the workshop's image; recycling carries its pick-up date and treatment code.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from reuse_tracker.workshop import erasure_import, nwipe

#: Disk models by storage kind, as ``check_device`` would report them.
DISK_MODELS = {
    "ssd": "Samsung SSD 860 EVO 256GB",
    "nvme": "SAMSUNG MZVLB256HAHQ-000L7",
    "hdd": "WDC WD5000AAKX-08U6AA0",
}
SECOND_DISK = ("WDC WD10EZEX-08WN4A0", 1000)
NWIPE_VERSION = "0.34"
CHARGERS = {
    "Dell": "Dell 65 W embout 4,5 mm",
    "Lenovo": "Lenovo 65 W USB-C",
    "HP": "HP 65 W embout 4,5 mm",
}
RAM_MODULE = {"laptop": "DDR4 8 GB 2400 SO-DIMM", "desktop": "DDR4 8 GB 2400 DIMM"}
MAX_RAM_UPGRADES = 12

Step = tuple[datetime, str, dict]


def plan_workshop_history(rng: random.Random, donations: Sequence[Any]) -> None:
    """Enrich every planned device's steps with the workshop's records (see the module)."""
    items = [item for donation in donations for item in donation.devices]
    for item in items:
        _nwipe_erasures(rng, item)
        _details(item)
    harvested = [part for item in items for part in _harvest_parts(rng, item)]
    _install_parts(rng, items, harvested)


def _details(item: Any) -> None:
    for _at, action, data in item.steps:
        if action == "grade" and "os" in data:
            data["image_version"] = f"atelier-{_at:%Y.%m}"
        elif action == "recycle":
            data.update(collected_on=_at.date().isoformat(), treatment="R12")


# --- Erasures: as nwipe logged them --------------------------------------------


def _nwipe_erasures(rng: random.Random, item: Any) -> None:
    erasures = [
        n
        for n, (_at, action, data) in enumerate(item.steps)
        if action == "record_erasure" and data.get("tool") == "nwipe"
    ]
    for position in reversed(erasures):
        at, _action, data = item.steps[position]
        second = (
            position == erasures[-1]
            and data["result"] == "passed"
            and item.model.type == "desktop"
            and rng.random() < 0.5
        )
        disks = [
            (
                "sda" if item.model.storage != "nvme" else "nvme0n1",
                DISK_MODELS[item.model.storage],
                item.row["storage_gb"] or 256,
                data["storage_serial"],
                data["result"] == "passed",
            )
        ]
        if second:
            disks.append(("sdb", *SECOND_DISK, f"WD-WCC{rng.randrange(10**8):08d}", True))
        report = nwipe.parse(nwipe_log(disks, at, rng))
        name = f"nwipe_{at:%Y%m%d_%H%M}.log"
        item.steps[position : position + 1] = [
            (at, "record_erasure", erasure_import.erasure_data(disk, report.version, name))
            for disk in report.disks
        ]


def nwipe_log(
    disks: Sequence[tuple[str, str, int, str, bool]], ended: datetime, rng: random.Random
) -> str:
    """Write the log of one nwipe run (PRNG Stream, verify last pass), ending at ``ended``."""
    started = ended - timedelta(minutes=rng.randint(35, 150))
    return "\n".join([*_run_lines(disks, started, ended), *_summary_lines(disks, started, ended)])


def _stamped(at: datetime, level: str, message: str) -> str:
    return f"[{at:%Y/%m/%d %H:%M:%S}] {level:>7}: {message}"


def _run_lines(disks, started: datetime, ended: datetime) -> list[str]:
    """What nwipe logs while it runs: drives found, options, and each drive's outcome."""
    lines = [
        _stamped(
            started,
            "notice",
            f"Found /dev/{name}, {_bus(name, model)}, {model}, {size:>4} GB, S/N={serial}",
        )
        for name, model, size, serial, _ in disks
    ]
    options = (
        "banner   = nwipe " + NWIPE_VERSION,
        "method   = PRNG Stream",
        "rounds   = 1",
        "verify   = 1 (last pass)",
    )
    lines += [_stamped(started, "notice", f"  {option}") for option in options]
    for name, _model, _size, _serial, passed in disks:
        lines.append(_stamped(started, "notice", f"Invoking method 'PRNG Stream' on /dev/{name}"))
        outcome = (
            "[SUCCESS] Verified that /dev/{} is empty."
            if passed
            else "[FAILURE] /dev/{} Verification errors, not empty"
        )
        lines.append(_stamped(ended, "notice" if passed else "error", outcome.format(name)))
    return lines


def _summary_lines(disks, started: datetime, ended: datetime) -> list[str]:
    """The two tables ``nwipe_log_summary`` prints, and its closing line."""
    hours, rest = divmod(int((ended - started).total_seconds()), 3600)
    lines = [
        "",
        "*" * 32 + " Error Summary " + "*" * 33,
        "!   Device | Pass Errors | Verifications Errors | Fdatasync I\\O Errors",
    ]
    lines += [
        f"{' ' if ok else '!'} {name:>8} |  {0:>10} |  {0 if ok else 4096:>19} |  {0:>19}"
        for name, _model, _size, _serial, ok in disks
    ]
    lines += [
        "*" * 80,
        "",
        "*" * 33 + " Drive Status " + "*" * 33,
        "!   Device | Status | Thru-put | HH:MM:SS | Model/Serial Number",
        "-" * 80,
    ]
    lines += [
        f"{' ' if ok else '!'} {name:>8} |{' Erased ' if ok else '-FAILED-'}|  140 MB/s | "
        f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d} | {model[:17]}/{serial}"
        for name, model, _size, serial, ok in disks
    ]
    return [
        *lines,
        "-" * 80,
        f"[{ended:%Y/%m/%d %H:%M:%S}] Total Throughput  140 MB/s, PRNG Stream, 1R+B+VL",
        "*" * 80,
        "",
    ]


def _bus(name: str, model: str) -> str:
    """The bus column of a ``Found`` line: ``NVME-SSD``, `` ATA-SSD`` or `` ATA    ``."""
    if name.startswith("nvme"):
        return "NVME-SSD"
    return " ATA-SSD" if "SSD" in model else " ATA    "


# --- Parts: harvested into stock, installed from it ---------------------------------


def _harvest_parts(rng: random.Random, item: Any) -> list[tuple[datetime, dict]]:
    """List the parts a harvest puts into stock, as steps; return them with their dates."""
    found = next(((n, step) for n, step in enumerate(item.steps) if step[1] == "harvest"), None)
    if found is None or item.model.type not in RAM_MODULE:
        return []
    position, (at, _action, data) = found
    parts = _parts_of(
        item,
        erased=any(
            s[1] == "record_erasure" and s[2]["result"] == "passed" for s in item.steps[:position]
        ),
    )
    in_workshop = any(step[1] == "start_reconditioning" for step in item.steps[:position])
    if in_workshop and rng.random() < 0.5:
        gap = min(timedelta(minutes=4), (at - item.steps[position - 1][0]) / (len(parts) + 1))
        item.steps[position:position] = [
            (at - gap * (len(parts) - n), "harvest_part", part) for n, part in enumerate(parts)
        ]
    else:
        data["parts"] = parts
    return [(at, part) for part in parts]


def _parts_of(item: Any, erased: bool) -> list[dict]:
    model, row = item.model, item.row
    parts = [
        {
            "kind": "ram",
            "spec": RAM_MODULE[model.type],
            "quantity": max(1, (row["ram_gb"] or 8) // 8),
        }
    ]
    if model.type == "laptop":
        parts.append({"kind": "charger", "spec": CHARGERS.get(model.brand, "65 W"), "quantity": 1})
        notes = " ".join(str(step[2].get("notes", "")) for step in item.steps).lower()
        if "batterie" not in notes:
            parts.append({"kind": "battery", "spec": _battery(item), "quantity": 1})
    if erased and model.storage in DISK_MODELS:
        kind = "hdd" if model.storage == "hdd" else "ssd"
        parts.append(
            {"kind": kind, "spec": f"{DISK_MODELS[model.storage]} (effacé)", "quantity": 1}
        )
    return parts


def _battery(item: Any) -> str:
    return f"Batterie d'origine {item.model.brand} {item.model.model}"


def _install_parts(
    rng: random.Random, items: Sequence[Any], harvested: list[tuple[datetime, dict]]
) -> None:
    """Install parts from stock where they fit, never before they were harvested."""
    stock: list[list] = [
        [at, part["kind"], part["spec"], part["quantity"]]
        for at, part in sorted(harvested, key=lambda pair: pair[0])
    ]
    upgrades = 0
    ready = sorted(
        (item for item in items if item.fate == "ready" and item.steps),
        key=lambda item: item.steps[0][0],
    )
    for item in ready:
        diagnostics = [n for n, step in enumerate(item.steps) if step[1] == "record_diagnostics"]
        if len(diagnostics) > 1:
            _install(item, diagnostics[0], "battery", _battery(item), stock)
        elif (
            upgrades < MAX_RAM_UPGRADES
            and item.model.type == "laptop"
            and item.row["ram_gb"] == 8
            and diagnostics
            and rng.random() < 0.3
        ):
            upgrades += _install(item, diagnostics[0], "ram", RAM_MODULE["laptop"], stock)


def _install(item: Any, after: int, kind: str, spec: str, stock: list[list]) -> bool:
    """Insert an ``install_part`` step after step ``after`` if stock allows; say whether."""
    before, following = item.steps[after][0], item.steps[after + 1][0]
    at = before + (following - before) / 2
    line = next(
        (
            line
            for line in stock
            if line[1] == kind and line[2] == spec and line[0] < at and line[3] > 0
        ),
        None,
    )
    if line is None:
        return False
    line[3] -= 1
    item.steps.insert(after + 1, (at, "install_part", {"kind": kind, "spec": spec, "quantity": 1}))
    return True

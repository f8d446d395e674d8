"""``flask demo``: a demo programme modelled on Nantes' 2021 plan, loaded into an empty database.

Modelled on Nantes' 2021 plan against the digital divide: computers given by companies and
institutions (all fictional here) from November 2020 to May 2021, then reconditioned in the
workshop. The code keeps the 2021 dates as the plan's reference calendar; a ``PlanCalendar``
moves them, in whole weeks, to the latest school year already played (see ``plan_year``), so
the demo looks current. Everything goes through the real services (intake, then the action
service), dated as it would have happened and played in time order, with a fixed random seed:
the same demo for a given day, all of it or nothing.

Each part is one function: ``create_users``, ``plan_donations``, ``plan_workshop``, then
``play`` runs the timeline. Later parts (schools, waves, families, loans) plan their own
happenings and add them to the same timeline.
"""

from __future__ import annotations

import random
import re
import time as timer
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from reuse_tracker import clock
from reuse_tracker.auth import services as accounts
from reuse_tracker.auth.models import Role, User
from reuse_tracker.demo_calendar import PlanCalendar, paris_time
from reuse_tracker.devices import services as actions
from reuse_tracker.devices.fields import DIAGNOSTIC_CHECKS
from reuse_tracker.devices.models import Device
from reuse_tracker.devices.stock import counts_by_status_and_type
from reuse_tracker.extensions import db
from reuse_tracker.intake import services as intake
from reuse_tracker.intake.models import Donation, Donor
from reuse_tracker.loans.demo import load_loans_demo
from reuse_tracker.workshop.demo import plan_workshop_history

SEED = 2021
#: The one password of every demo account (documented in the README).
PASSWORD = "demo-reemploi-2021"
EMAIL_DOMAIN = "demo.reuse.example"

#: (login, role, name) of the demo accounts; the email is ``login@EMAIL_DOMAIN``.
USERS = (
    ("admin", Role.ADMIN, "Administration (démo)"),
    ("coordination", Role.COORDINATOR, "Nadia Guérin"),
    ("atelier1", Role.WORKSHOP, "Yann Le Bihan"),
    ("atelier2", Role.WORKSHOP, "Sofia Moreau"),
    ("mediation", Role.MEDIATOR, "Malik Traoré"),
    ("lecture", Role.VIEWER, "Élus et partenaires (lecture seule)"),
)


def first_day(calendar: PlanCalendar) -> date:
    """Return the day the plan starts: its first donation."""
    return min(calendar.on(received_on) for _, received_on, _, _ in DONATIONS)


# --- The catalogue ----------------------------------------------------------


@dataclass(frozen=True)
class DonorProfile:
    name: str
    kind: str
    contact_name: str
    contact_email: str
    address: str
    #: Prefix of the donor's own inventory numbers.
    asset_prefix: str


# fmt: off
DONORS = {
    "bao": DonorProfile(
        "Banque Atlantique Ouest (fictive)", "company", "Service du parc informatique",
        "parc.informatique@banque-atlantique-ouest.example", "2 quai Imaginaire, 44000 Nantes",
        "BAO-PC-"),
    "ma": DonorProfile(
        "Métropole Assurances (fictive)", "company", "Direction des achats",
        "achats@metropole-assurances.example", "15 boulevard Fictif, 44200 Nantes", "MA-"),
    "che": DonorProfile(
        "Centre hospitalier fictif de l'Erdre", "public_body", "Direction du numérique",
        "dsn@ch-erdre.example", "1 allée de l'Exemple, 44300 Nantes", "CHE-INV-"),
    "ufns": DonorProfile(
        "Université fictive de Nantes-Sud", "public_body", "Service informatique",
        "si@univ-nantes-sud.example", "10 rue du Campus fictif, 44400 Rezé", "UFNS-"),
    "edl": DonorProfile(
        "Énergies de Loire (fictive)", "company", "Responsable RSE",
        "rse@energies-de-loire.example", "3 rue de l'Estuaire fictif, 44600 Saint-Nazaire",
        "EDL-IT-"),
}
# fmt: on

PC_SYSTEMS = (
    ("Ubuntu 20.04 LTS",) * 5 + ("Linux Mint 20.1",) * 2 + ("Windows 10 Pro (reconditionné)",) * 3
)


@dataclass(frozen=True)
class Model:
    type: str
    brand: str
    model: str
    cpus: tuple[str, ...]
    ram_gb: tuple[int, ...]
    storage_gb: tuple[int, ...]
    year: int
    weight_kg: str
    #: Serial pattern: ``{D7}`` 7 Dell service-tag characters, ``{A4}`` letters or digits,
    #: ``{N2}`` digits; anything else is literal.
    serial: str
    #: ssd, nvme, hdd, flash (soldered, erased by a reset), or None (nothing to erase).
    storage: str | None
    systems: tuple[str, ...] = PC_SYSTEMS


def _laptop(brand, model, cpus, ram, storage, year, weight, serial, kind="ssd"):
    return Model("laptop", brand, model, cpus, ram, storage, year, weight, serial, kind)


I5_8 = ("Intel Core i5-8250U", "Intel Core i5-8350U")
I5_7 = ("Intel Core i5-7200U", "Intel Core i5-7300U")
I5_DESK = ("Intel Core i5-6500", "Intel Core i5-7500")
# fmt: off
MODELS = {
    "e7470": _laptop("Dell", "Latitude E7470", ("Intel Core i5-6300U", "Intel Core i7-6600U"),
                     (8, 8, 16), (256,), 2016, "1.60", "{D7}"),
    "5490": _laptop("Dell", "Latitude 5490", I5_8, (8, 16), (256,), 2018, "1.60", "{D7}", "nvme"),
    "7480": _laptop("Dell", "Latitude 7480", I5_7, (8, 16), (256,), 2017, "1.40", "{D7}"),
    "t470": _laptop("Lenovo", "ThinkPad T470", I5_7, (8,), (256,), 2017, "1.60", "PF{A6}"),
    "t480": _laptop("Lenovo", "ThinkPad T480", I5_8, (8, 16), (256, 512), 2018, "1.58",
                    "PF{A6}", "nvme"),
    "x270": _laptop("Lenovo", "ThinkPad X270", I5_7[:1], (8,), (256,), 2017, "1.36", "PF{A6}"),
    "840g4": _laptop("HP", "EliteBook 840 G4", I5_7, (8,), (256,), 2017, "1.48", "5CG7{N2}{A4}"),
    "840g5": _laptop("HP", "EliteBook 840 G5", I5_8, (8, 16), (256,), 2018, "1.48",
                     "5CG8{N2}{A4}", "nvme"),
    "prodesk": Model("desktop", "HP", "ProDesk 600 G3 SFF", I5_DESK, (8,), (500,), 2017, "5.90",
                     "CZC7{N2}{A4}", "hdd"),
    "optiplex": Model("desktop", "Dell", "OptiPlex 7050 SFF", I5_DESK[1:], (8, 16), (256,), 2017,
                      "5.30", "{D7}", "ssd"),
    "p2217h": Model("monitor", "Dell", "P2217H (22 pouces)", (), (), (), 2017, "3.30",
                    "CN-0{A5}-74261-7{A2}-{A4}", None, ()),
    "tab-a": Model("tablet", "Samsung", "Galaxy Tab A 10.1 (2019)", ("Exynos 7904",), (2,), (32,),
                   2019, "0.47", "R52M{A7}", "flash", ("Android 11",)),
    "ipad6": Model("tablet", "Apple", "iPad (6e génération)", ("Apple A10 Fusion",), (2,), (32,),
                   2018, "0.47", "DMP{A9}", "flash", ("iPadOS 14",)),
    "a40": Model("smartphone", "Samsung", "Galaxy A40", ("Exynos 7904",), (4,), (64,), 2019, "0.14",
                 "R58M{A7}", "flash", ("Android 11",)),
    "iphone7": Model("smartphone", "Apple", "iPhone 7", ("Apple A10 Fusion",), (2,), (32,), 2016,
                     "0.14", "F17{A9}", "flash", ("iOS 14",)),
}

#: (donor, received on, [(model, count)], notes): 700 devices in 12 donations (reference dates).
DONATIONS = (
    ("bao", date(2020, 11, 17), (("e7470", 60), ("5490", 40)),
     "Renouvellement du parc des agences ; disques laissés en place."),
    ("ma", date(2020, 12, 8), (("840g4", 70), ("prodesk", 25)),
     "Fin de location du parc du siège."),
    ("ufns", date(2021, 1, 12), (("t470", 50), ("x270", 30), ("tab-a", 10)),
     "Salles de cours rééquipées."),
    ("edl", date(2021, 1, 26), (("t480", 60), ("a40", 8)), "Flotte de portables renouvelée."),
    ("bao", date(2021, 2, 9), (("7480", 55),), ""),
    ("che", date(2021, 2, 23), (("e7470", 30), ("optiplex", 20)), "Postes administratifs."),
    ("ma", date(2021, 3, 9), (("840g5", 60),), ""),
    ("ufns", date(2021, 3, 23), (("t470", 30), ("ipad6", 10)), ""),
    ("edl", date(2021, 4, 13), (("t480", 35), ("x270", 10), ("iphone7", 5)), ""),
    ("bao", date(2021, 4, 27), (("5490", 40),), ""),
    ("che", date(2021, 5, 11), (("optiplex", 15), ("p2217h", 20), ("5490", 10)),
     "Unités centrales livrées avec leurs écrans."),
    ("ma", date(2021, 5, 25), (("prodesk", 7),), "Dernier lot du siège."),
)

#: WEEE pick-ups: (reference day, eco-organisation, pick-up reference formatted with the day);
#: in 2021: ESY-2021-0218-NTE, ECL-21-04-1187, ESY-2021-0603-NTE.
PICKUPS = (
    (date(2021, 2, 18), "ecosystem", "ESY-{:%Y-%m%d}-NTE"),
    (date(2021, 4, 15), "Ecologic", "ECL-{:%y-%m}-1187"),
    (date(2021, 6, 3), "ecosystem", "ESY-{:%Y-%m%d}-NTE"),
)

#: How the workshop erases: nwipe for most disks, the NVMe sanitize command for some.
NWIPE = dict(method="clear", technique="overwrite", tool="nwipe", tool_version="0.34",
             verification="full", notes="PRNG Stream, 1 passe, vérification de toutes les passes")
NVME_SANITIZE = dict(method="purge", technique="sanitize", tool="nvme-cli", tool_version="1.9",
                     verification="full")
DESTRUCTION = dict(method="destroy", technique="physical_destruction", tool="Broyeur de supports",
                   verification="none", result="passed",
                   notes="Support détruit avant envoi en DEEE")
# fmt: on

#: How many devices end in each state (the rest, 480, are ready).
TARGETS = {"recycled": 15, "harvested": 25, "received": 60, "in_workshop": 120}
#: Where the devices in the workshop stand, and how many stand there.
WORKSHOP_STEPS = {
    "started": 25,
    "erased": 30,
    "diagnosed": 25,
    "graded": 20,
    "erasure_failed": 8,
    "diagnostics_failed": 12,
}
RECYCLE_PATHS = ("after_harvest", "storage_destroyed", "dead")


# --- Plans: pure data, built before anything is written ----------------------


@dataclass
class PlannedDevice:
    model: Model
    row: dict[str, Any]
    storage_serial: str | None
    technician: int
    fate: str = "ready"
    steps: list[tuple[datetime, str, dict]] = field(default_factory=list)
    device: Device | None = None


@dataclass
class PlannedDonation:
    donor: str
    received_on: date
    at: datetime
    notes: str
    devices: list[PlannedDevice]


_ALPHABETS = {
    "D": "0123456789BCDFGHJKLMNPQRSTVWXYZ",
    "A": "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ",
    "N": "0123456789",
}


def _fill(rng: random.Random, pattern: str) -> str:
    return re.sub(
        r"\{([DAN])(\d+)\}",
        lambda m: "".join(rng.choice(_ALPHABETS[m[1]]) for _ in range(int(m[2]))),
        pattern,
    )


def _unique(rng: random.Random, pattern: str, seen: set[str]) -> str:
    while (value := _fill(rng, pattern)) in seen:
        pass
    seen.add(value)
    return value


def fictional_siret(rng: random.Random) -> str:
    """Return 14 random digits that pass the SIRET check (Luhn)."""
    body = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(12)]
    total = sum(sum(divmod(d * 2, 10)) if i % 2 == 0 else d for i, d in enumerate(reversed(body)))
    return "".join(map(str, body)) + str(-total % 10)


def _working_time(rng: random.Random, calendar: PlanCalendar, day: date) -> datetime:
    """A moment during working hours, on ``day`` or the next working day."""
    while day.weekday() >= 5 or day in calendar.holidays:
        day += timedelta(days=1)
    minute = rng.randint(8 * 60 + 30, 17 * 60)
    return paris_time(datetime.combine(day, time(minute // 60, minute % 60)))


def _after(
    rng: random.Random, calendar: PlanCalendar, moment: datetime, min_days: int, max_days: int
) -> datetime:
    """A working moment some days after ``moment`` (later the same day for 0), never past as_of."""
    later = _working_time(
        rng, calendar, moment.date() + timedelta(days=rng.randint(min_days, max_days))
    )
    if later <= moment:
        later = moment + timedelta(minutes=rng.randint(15, 120))
    return max(moment, min(later, calendar.as_of))


def plan_donations(rng: random.Random, calendar: PlanCalendar) -> list[PlannedDonation]:
    """Plan the twelve donations, on the plan's days, and each device's intake record."""
    serials: set[str] = set()
    numbers = {key: rng.randint(1000, 60000) for key in DONORS}
    donations = []
    for donor, reference_day, lots, notes in DONATIONS:
        received_on = calendar.on(reference_day)
        planned = []
        for key, count in lots:
            model = MODELS[key]
            for _ in range(count):
                numbers[donor] += rng.randint(1, 4)
                asset_number = f"{DONORS[donor].asset_prefix}{numbers[donor]:06d}"
                planned.append(_plan_device(rng, model, serials, asset_number))
        intake_at = _working_time(rng, calendar, received_on)
        donations.append(PlannedDonation(donor, received_on, intake_at, notes, planned))
    return donations


def _plan_device(rng, model: Model, serials: set[str], asset_number: str) -> PlannedDevice:
    row = {
        "type": model.type,
        "brand": model.brand,
        "model": model.model,
        "serial": _unique(rng, model.serial, serials),
        "donor_asset_number": asset_number,
        "cpu": rng.choice(model.cpus) if model.cpus else None,
        "ram_gb": rng.choice(model.ram_gb) if model.ram_gb else None,
        "storage_gb": rng.choice(model.storage_gb) if model.storage_gb else None,
        "year": model.year,
        "weight_kg": model.weight_kg,
    }
    pattern = {"ssd": "S{A3}NX0{A7}", "nvme": "S{A3}NE0{A7}", "hdd": "WD-WCC{A8}"}
    storage = _unique(rng, pattern[model.storage], serials) if model.storage in pattern else None
    return PlannedDevice(model, row, storage, rng.randrange(2))


def plan_workshop(
    rng: random.Random, donations: Sequence[PlannedDonation], calendar: PlanCalendar
) -> None:
    """Decide where each device ends, and plan the dated actions that take it there."""
    items = [(d, item) for d in donations for item in d.devices]
    april = calendar.on(date(2021, 4, 1))
    old = sorted(
        (pair for pair in items if pair[0].received_on < april and pair[1].model.type != "monitor"),
        key=lambda pair: pair[1].model.year + rng.uniform(0, 1.5),
    )[:100]
    rng.shuffle(old)
    scrapped = old[: TARGETS["recycled"] + TARGETS["harvested"]]
    for n, (_, item) in enumerate(scrapped[: TARGETS["recycled"]]):
        item.fate = "recycled/" + RECYCLE_PATHS[n % len(RECYCLE_PATHS)]
    for n, (_, item) in enumerate(scrapped[TARGETS["recycled"] :]):
        on_arrival = n < 5 and item.model.storage != "flash"
        item.fate = "harvested/on_arrival" if on_arrival else "harvested/in_workshop"
    taken = {id(item) for _, item in scrapped}
    # The workshop takes the oldest first, roughly. Monitors stay received: mark_ready's guards
    # ask for a data erasure, which a monitor cannot have.
    rest = sorted(
        (pair for pair in items if id(pair[1]) not in taken),
        key=lambda pair: (
            -pair[0].received_on.toordinal()
            - rng.uniform(-12, 12)
            - (90 if pair[1].model.type == "monitor" else 0)
        ),
    )
    steps = [step for step, count in WORKSHOP_STEPS.items() for _ in range(count)]
    rng.shuffle(steps)
    for n, (_, item) in enumerate(rest):
        if n < TARGETS["received"]:
            item.fate = "received"
        elif n < TARGETS["received"] + TARGETS["in_workshop"]:
            item.fate = "in_workshop/" + steps[n - TARGETS["received"]]
    for donation, item in items:
        item.steps = _schedule(rng, calendar, donation.at, item)


# --- What each fate does ------------------------------------------------------


def _erasure(rng, item: PlannedDevice, result: str = "passed") -> list[tuple[str, dict]]:
    if item.model.storage is None:
        return []
    serial = item.storage_serial
    if item.model.storage == "flash":
        apple = item.model.brand == "Apple"
        tool = "Effacer contenu et réglages" if apple else "Réinitialisation d'usine"
        data = dict(method="purge", technique="crypto_erase", tool=tool, verification="sampling")
    elif item.model.storage == "nvme" and rng.random() < 0.3:
        data = {**NVME_SANITIZE, "storage_serial": serial}
    else:
        data = {**NWIPE, "storage_serial": serial}
    if result == "failed":
        data["notes"] = "Vérification en échec : secteurs illisibles, à relancer"
    return [("record_erasure", {**data, "result": result})]


def _destruction(item: PlannedDevice) -> list[tuple[str, dict]]:
    return [("record_erasure", {**DESTRUCTION, "storage_serial": item.storage_serial or ""})]


FAILURES = {
    "battery": ("battery", "Batterie à %(pct)s %% : à remplacer"),
    "board": ("power", "Pas d'allumage : carte mère hors service"),
    "screen": ("screen", "Dalle fissurée"),
    "swollen": ("battery", "Batterie gonflée : appareil écarté"),
    "psu": ("power", "Alimentation hors service : à remplacer"),
}


def _failure(rng, item: PlannedDevice, *choices: str) -> str:
    """Pick one of ``choices`` that the device's checklist can show (else its power supply)."""
    usable = [c for c in choices if FAILURES[c][0] in DIAGNOSTIC_CHECKS[item.model.type]]
    return rng.choice(usable) if usable else "psu"


def _diagnostics(rng, item: PlannedDevice, failure: str | None = None) -> list[tuple[str, dict]]:
    checks = dict.fromkeys(DIAGNOSTIC_CHECKS[item.model.type], "passed")
    data: dict[str, Any] = {"result": "passed", "checks": checks}
    if "battery" in checks:
        data["battery_health_pct"] = rng.randint(61, 97)
    if item.model.storage in {"ssd", "nvme", "hdd"}:
        data["storage_health"] = "warning" if rng.random() < 0.05 else "good"
    if failure:
        check, note = FAILURES[failure]
        checks[check] = "failed"
        data["result"] = "failed"
        if check == "battery":
            data["battery_health_pct"] = rng.randint(22, 48)
        data["notes"] = note % {"pct": data.get("battery_health_pct")}
    return [("record_diagnostics", data)]


def _grade(rng, item: PlannedDevice) -> list[tuple[str, dict]]:
    grade = rng.choices("ABC", weights=(35, 45, 20))[0]
    data = {"grade": grade}
    if item.model.systems:
        data["os"] = rng.choice(item.model.systems)
    if grade == "C":
        data["notes"] = "Rayures visibles sur le capot"
    return [("grade", data)]


def _harvest(item: PlannedDevice, on_arrival: bool) -> list[tuple[str, dict]]:
    if on_arrival:
        notes = "Arrivé sans disque (retiré par le donateur) : mémoire et chargeur mis en stock"
    else:
        ram = item.row["ram_gb"]
        notes = f"Mis en stock : mémoire {ram} Go, support {item.row['storage_gb']} Go effacé"
    return [("harvest", {"notes": notes})]


def _actions_for(rng, item: PlannedDevice) -> list[tuple[str, dict]]:
    """Return the actions that take the device to its fate, in order."""
    fate, _, detail = item.fate.partition("/")
    start = [("start_reconditioning", {})]
    if fate == "ready":
        erase = _erasure(rng, item, "failed") if rng.random() < 0.04 else []
        diagnose = []
        if rng.random() < 0.05:
            diagnose = _diagnostics(rng, item, _failure(rng, item, "battery"))
            diagnose[0][1]["notes"] += " ; pièce remplacée depuis le stock"
        checks = [*erase, *_erasure(rng, item), *diagnose, *_diagnostics(rng, item)]
        return [*start, *checks, *_grade(rng, item), ("mark_ready", {})]
    if fate == "in_workshop":
        steps = {"started": [], "erased": [_erasure], "diagnosed": [_erasure, _diagnostics]}
        path = {**steps, "graded": [_erasure, _diagnostics, _grade]}.get(detail)
        if path is not None:
            return start + [a for step in path for a in step(rng, item)]
        if detail == "erasure_failed":
            return start + _erasure(rng, item, "failed")
        return start + _erasure(rng, item) + _diagnostics(rng, item, _failure(rng, item, "battery"))
    if fate == "harvested":
        if detail == "on_arrival":
            return _harvest(item, True)
        diagnose = _diagnostics(rng, item, _failure(rng, item, "board", "screen"))
        return [*start, *_erasure(rng, item), *diagnose, *_harvest(item, False)]
    return start + _recycling(rng, item, detail)


def _recycling(rng, item: PlannedDevice, path: str) -> list[tuple[str, dict]]:
    if item.model.storage == "flash":
        steps = _diagnostics(rng, item, "swollen") + _destruction(item)
    elif path == "after_harvest":
        steps = _erasure(rng, item) + _diagnostics(rng, item, "board") + _harvest(item, False)
    elif path == "storage_destroyed":
        steps = (
            _erasure(rng, item, "failed")
            + _destruction(item)
            + _diagnostics(rng, item, _failure(rng, item, "screen", "board"))
        )
    else:
        steps = _diagnostics(rng, item, "board") + _erasure(rng, item)
    weight = f"{float(item.model.weight_kg) + rng.choice((0, 0.05, 0.3)):.2f}"
    return [*steps, ("recycle", {"weight_kg": weight, "channel": "", "reference": ""})]


def _schedule(
    rng, calendar: PlanCalendar, intake_at: datetime, item: PlannedDevice
) -> list[tuple[datetime, str, dict]]:
    """Date each action: working hours, in order, none after the plan's as_of."""
    planned = _actions_for(rng, item) if item.fate != "received" else []
    after = partial(_after, rng, calendar)
    if item.fate.startswith("in_workshop"):
        latest = (calendar.as_of.date() - intake_at.date()).days - 1
        moment = after(intake_at, max(1, latest - 35), max(1, latest - 4))
    else:
        moment = after(intake_at, 2, 40)
    dated = []
    for n, (action, data) in enumerate(planned):
        if n:
            moment = after(moment, 0, 3 if action == "mark_ready" else 1)
        if action == "recycle":
            day, channel, reference = next(
                (p for p in PICKUPS if calendar.on(p[0]) > moment.date()), PICKUPS[-1]
            )
            pickup = calendar.at(datetime.combine(day, time(10, 0)))
            moment = max(moment, min(pickup, calendar.as_of))
            data.update(channel=channel, reference=reference.format(pickup))
        dated.append((moment, action, data))
    return dated


# --- Writing ------------------------------------------------------------------


def create_users(calendar: PlanCalendar) -> list[User]:
    """Create one demo account per role (two for the workshop)."""
    users = []
    for login, role, name in USERS:
        user = accounts.create_user(f"{login}@{EMAIL_DOMAIN}", role, PASSWORD, name)
        user.created_at = calendar.at(datetime(2020, 10, 1, 9, 0))
        users.append(user)
    return users


def play(rng: random.Random, donations: Sequence[PlannedDonation], users: Sequence[User]) -> None:
    """Run every planned happening in time order: intakes, and actions as they come."""
    coordinator = next(u for u in users if u.role == Role.COORDINATOR)
    technicians = [u for u in users if u.role == Role.WORKSHOP]
    sirets = {key: fictional_siret(rng) for key in DONORS}
    timeline: list[tuple[datetime, int, Callable[[], object]]] = []
    for donation in donations:
        receive = partial(_receive, donation, coordinator, sirets[donation.donor])
        timeline.append((donation.at, len(timeline), receive))
        for item in donation.devices:
            actor = technicians[item.technician]
            for at, action, data in item.steps:
                timeline.append((at, len(timeline), partial(_act, item, action, data, actor, at)))
    timeline.sort(key=lambda happening: happening[:2])
    for _, _, happen in timeline:
        happen()


def _act(item: PlannedDevice, action: str, data: dict, actor: User, at: datetime) -> None:
    actions.perform(item.device, action, data, actor=actor, at=at)


def _receive(planned: PlannedDonation, actor: User, siret: str) -> None:
    profile = asdict(DONORS[planned.donor])
    del profile["asset_prefix"]
    rows = [item.row for item in planned.devices]
    donor = {**profile, "siret": siret}
    donation = intake.register_donation(
        donor, planned.received_on, rows, actor=actor, notes=planned.notes, at=planned.at
    )
    donation.donor.created_at = min(donation.donor.created_at, planned.at)
    devices = db.session.scalars(sa.select(Device).where(Device.donation_id == donation.id))
    by_serial = {device.serial: device for device in devices}
    for item in planned.devices:
        item.device = by_serial[item.row["serial"]]


def load_demo(today: date, seed: int = SEED) -> PlanCalendar:
    """Write the whole demo programme, dated in the latest plan played by ``today``; flush.

    The caller commits. Return the plan's calendar.
    """
    calendar = PlanCalendar.for_today(today)
    rng = random.Random(seed)
    users = create_users(calendar)
    donations = plan_donations(rng, calendar)
    plan_workshop(rng, donations, calendar)
    plan_workshop_history(random.Random(seed + 4), donations)
    play(rng, donations, users)
    load_loans_demo(users, calendar)
    return calendar


def database_is_empty() -> bool:
    """Tell whether no user, donor, donation or device exists yet."""
    return not any(
        db.session.scalar(sa.select(model.id).limit(1)) is not None
        for model in (User, Donor, Donation, Device)
    )


@click.command(
    help="Load the demo programme modelled on Nantes' 2021 plan, dated in the latest school "
    "year, into an empty database (does nothing if the database holds any data)."
)
@with_appcontext
def demo():
    if not database_is_empty():
        click.secho(
            "The database is not empty: the demo was not loaded, nothing was changed.", fg="yellow"
        )
        _print_logins()
        return
    started = timer.perf_counter()
    try:
        calendar = load_demo(clock.today())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    by_status = {
        status: sum(types.values())
        for status, types in counts_by_status_and_type().items()
        if sum(types.values())
    }
    click.secho(
        f"Loaded the demo programme modelled on Nantes' 2021 plan, dated "
        f"{first_day(calendar):%B %Y} – {calendar.as_of:%B %Y}, in "
        f"{timer.perf_counter() - started:.1f} s: {sum(by_status.values())} devices in "
        f"{len(DONATIONS)} donations from {len(DONORS)} donors.",
        fg="green",
    )
    click.echo("  " + ", ".join(f"{status}: {count}" for status, count in by_status.items()))
    _print_logins()


def _print_logins() -> None:
    """Print the demo accounts present in the database, if any."""
    users = db.session.scalars(
        sa.select(User).where(User.email.like(f"%@{EMAIL_DOMAIN}")).order_by(User.id)
    ).all()
    if not users:
        return
    click.echo(f"Demo accounts (password: {PASSWORD}):")
    for user in users:
        click.echo(f"  {user.email:<34} {user.role}")

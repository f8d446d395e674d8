"""Generate a metropolitan-scale programme into a database built by ``flask db upgrade``.

    .venv/bin/python benchmarks/generate.py --database-url sqlite:////tmp/big.db --devices 100000

A coherent data set, written with bulk inserts (no ORM objects, no action service):
donors, donations, devices with event logs that replay to their states (``flask
integrity`` passes), schools, associations, waves, families and loans consistent with the
devices' states (one active loan per device and per family). Users, roles and tokens are
created afterwards with the CLI (``flask users create``); events carry no actor.

The proportions follow a programme several years in: most machines have had one or two
lives with families, many are recycled or harvested, a tenth wait at intake or in the
workshop (some at each step of the bench, a few with a failed erasure or diagnostics).
Families with a loan are referred to its wave; a twentieth of all families, referred these last
weeks, wait for the newest open wave and a hundredth for each other open one. Everything is
drawn from ``random.Random(seed)``: the same seed gives the same data.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from reuse_tracker.devices import lifecycle

CHUNK = 5_000
TYPES = (("laptop", 70), ("desktop", 18), ("tablet", 7), ("monitor", 5))
MODELS = {
    "laptop": [
        ("Dell", "Latitude 5490", 1.6),
        ("Dell", "Latitude 7400", 1.4),
        ("HP", "EliteBook 840 G5", 1.5),
        ("Lenovo", "ThinkPad T480", 1.6),
        ("Lenovo", "ThinkPad X280", 1.3),
    ],
    "desktop": [("Dell", "OptiPlex 7060", 5.3), ("HP", "ProDesk 600 G4", 4.9)],
    "tablet": [("Apple", "iPad 7", 0.48), ("Samsung", "Galaxy Tab A", 0.5)],
    "monitor": [("Dell", "P2419H", 3.3), ("iiyama", "ProLite XU2493", 3.6)],
}
#: (final state, share, lives): lives = how many loans the device has had.
FATES = (
    ("received", 5, 0),
    ("in_workshop", 1.2, 0),  # a bench holds hundreds, not thousands (1.1k of 100k)
    ("ready", 3, 0),
    ("reserved", 1, 0),
    ("on_loan", 16, 1),
    ("on_loan", 2, 2),
    ("returned", 2, 1),
    ("lost", 1, 1),
    ("transferred", 2, 1),
    ("harvested", 9, 0),
    ("recycled", 25, 1),
    ("recycled", 25, 0),
)
CLASSES = ("CP", "CE1", "CE2", "CM1", "CM2", "6e", "5e", "4e", "3e")
NEIGHBOURHOODS = (
    "Bellevue",
    "Bottière",
    "Breil",
    "Dervallières",
    "Malakoff",
    "Nantes Nord",
    "Clos Toreau",
    "Port Boyer",
)


@dataclass
class Plan:
    devices: int
    seed: int
    families: int
    donors: int
    waves: int
    schools: int
    start: date = date(2019, 9, 2)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def luhn_siret(rng: random.Random) -> str:
    digits = [rng.randrange(10) for _ in range(13)]
    for check in range(10):
        candidate = [*digits, check]
        total = 0
        for index, digit in enumerate(reversed(candidate)):
            doubled = digit * 2 if index % 2 else digit
            total += doubled - 9 if doubled > 9 else doubled
        if total % 10 == 0:
            return "".join(map(str, candidate))
    raise AssertionError("a Luhn digit always exists")


class Generator:
    def __init__(self, plan: Plan, prefix: str) -> None:
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.prefix = prefix
        self.today = date(2026, 11, 30)
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.active_families: list[int] = []

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows.setdefault(table, []).append(row)

    # -- the programme's frame ------------------------------------------------------------
    def frame(self) -> None:
        rng, plan = self.rng, self.plan
        for index in range(1, plan.schools + 1):
            network = rng.choices(("rep_plus", "rep", "none"), (30, 50, 20))[0]
            self.add(
                "schools",
                {
                    "id": index,
                    "name": f"École {index:03d}",
                    "uai": f"044{index:04d}{'ABCDEFGHJKLMNPRSTUVWXYZ'[index % 23]}",
                    "network": network,
                    "neighbourhood": rng.choice(NEIGHBOURHOODS),
                    "is_priority_neighbourhood": network != "none",
                    "created_at": at(plan.start),
                },
            )
        for index in range(1, 11):
            self.add(
                "associations",
                {
                    "id": index,
                    "name": f"Association {index:02d}",
                    "contact_email": f"contact{index}@asso.example",
                    "created_at": at(plan.start),
                },
            )
        span = (self.today - plan.start).days
        for index in range(1, plan.waves + 1):
            starts = plan.start + timedelta(days=span * (index - 1) // plan.waves)
            self.add(
                "waves",
                {
                    "id": index,
                    "name": f"Vague {index:02d} — {starts:%m/%Y}",
                    "starts_on": starts,
                    "ends_on": starts + timedelta(days=12),
                    "is_open": index >= plan.waves - 2,
                    "targets": {"laptop": 300, "desktop": 60},
                    "created_at": at(starts - timedelta(days=30)),
                    "version": 1,
                },
            )
            for school in rng.sample(range(1, plan.schools + 1), min(5, plan.schools)):
                self.add("wave_schools", {"wave_id": index, "school_id": school})
        for index in range(1, plan.donors + 1):
            self.add(
                "donors",
                {
                    "id": index,
                    "name": f"Donateur {index:04d} SAS",
                    "kind": rng.choices(("company", "public_body", "association"), (80, 15, 5))[0],
                    "siret": luhn_siret(rng),
                    "contact_name": f"Contact {index}",
                    "contact_email": f"it{index}@donateur.example",
                    "address": f"{index} rue du Commerce, 44000 Nantes",
                    "created_at": at(plan.start),
                    "language": "fr",
                },
            )

    def families(self) -> None:
        rng, plan = self.rng, self.plan
        self.waves_of_school: dict[int, list[int]] = {}
        self.schools_of_wave: dict[int, list[int]] = {}
        for link in self.rows["wave_schools"]:
            self.waves_of_school.setdefault(link["school_id"], []).append(link["wave_id"])
            self.schools_of_wave.setdefault(link["wave_id"], []).append(link["school_id"])
        schools = [row["id"] for row in self.rows["schools"] if row["id"] in self.waves_of_school]
        waiting = self.waiting_slots()
        for index in range(1, plan.families + 1):
            wave = waiting.get(index)
            if wave is None:
                days = rng.randrange((self.today - plan.start).days)
                referred = plan.start + timedelta(days=days)
                school = rng.choice(schools)
            else:  # referred these last weeks to an open wave, among its schools
                referred = self.today - timedelta(days=rng.randrange(1, 60))
                school = rng.choice(self.schools_of_wave[wave])
            neighbourhood = self.rows["schools"][school - 1]["neighbourhood"]
            self.add(
                "families",
                {
                    "id": index,
                    "reference": f"FAM-{referred.year}-{index:06d}",
                    "referral_source": rng.choices(
                        ("school", "social_services", "association"), (70, 20, 10)
                    )[0],
                    "referred_on": referred,
                    "school_id": school,
                    "child_class": rng.choice(CLASSES),
                    "neighbourhood": neighbourhood,
                    "needs_computer": True,
                    "needs_connection": rng.random() < 0.3,
                    "needs_support": rng.random() < 0.4,
                    "device_type": "laptop",
                    "association_id": rng.randrange(1, 11),
                    "wave_id": wave,
                    "parent_name": f"Parent {index}",
                    "phone": f"06{index:08d}",
                    "email": None,
                    "address": None,
                    "consent_on": referred,
                    "consent_by_id": None,
                    "created_at": at(referred),
                    "pseudonymised_at": None,
                    # As loans/search.py writes it: reference, name, phone digits, lower case.
                    "search_text": (
                        f"fam-{referred.year}-{index:06d} | parent {index} | 06{index:08d}"
                    ),
                },
            )
        self.family_school = {row["id"]: row["school_id"] for row in self.rows["families"]}
        self.family_reference = {row["id"]: row["reference"] for row in self.rows["families"]}
        self.free_families = [
            index for index in range(1, plan.families + 1) if index not in waiting
        ]
        rng.shuffle(self.free_families)

    def waiting_slots(self) -> dict[int, int]:
        """The families still waiting, by id, and the open wave each is referred to.

        A twentieth of the families wait for the newest wave (1,000 at 100,000 devices: the
        coordinator's morning before a distribution), a hundredth for each other open wave.
        """
        open_waves = sorted(
            (row["id"] for row in self.rows["waves"] if row["is_open"]), reverse=True
        )
        slots: dict[int, int] = {}
        last = self.plan.families
        for rank, wave in enumerate(open_waves):
            share = self.plan.families // (20 if rank == 0 else 100)
            for index in range(last - share + 1, last + 1):
                slots[index] = wave
            last -= share
        return slots

    # -- devices and their logs -------------------------------------------------------------
    def devices(self) -> None:
        rng, plan = self.rng, self.plan
        fates = [fate for fate in FATES]
        weights = [share for _state, share, _lives in fates]
        per_donation = 50
        donation_count = max(1, plan.devices // per_donation)
        span = (self.today - plan.start).days - 20
        donations = []
        for index in range(1, donation_count + 1):
            received = plan.start + timedelta(days=span * (index - 1) // donation_count)
            donations.append((index, received))
            self.add(
                "donations",
                {
                    "id": index,
                    "reference": f"DON-{received.year}-{index:05d}",
                    "donor_id": rng.randrange(1, plan.donors + 1),
                    "received_on": received,
                    "received_by_id": None,
                    "notes": "",
                    "created_at": at(received),
                },
            )
        self.donation_reference = {row["id"]: row["reference"] for row in self.rows["donations"]}
        self.loan_id = 0
        self.event_id = 0
        for device_id in range(1, plan.devices + 1):
            donation_id, received = donations[
                min((device_id - 1) // per_donation, donation_count - 1)
            ]
            device_type = rng.choices([t for t, _ in TYPES], [w for _, w in TYPES])[0]
            brand, model, weight = rng.choice(MODELS[device_type])
            state, _share, lives = rng.choices(fates, weights)[0]
            if lives and not self.free_families and state in {"reserved", "on_loan"}:
                state, lives = "ready", 0
            self.device(
                device_id, donation_id, received, device_type, brand, model, weight, state, lives
            )

    def device(
        self, device_id, donation_id, received, device_type, brand, model, weight, state, lives
    ):
        rng = self.rng
        serial = f"{brand[:2].upper()}{device_id:08d}{rng.randrange(100):02d}"
        events: list[tuple[str, str | None, str, dict[str, Any]]] = []
        day = received
        status: str | None = None

        def log(action: str, to: str | None = None, payload: dict | None = None, days: int = 1):
            nonlocal status, day
            day = min(day + timedelta(days=days), self.today)
            target = to or status
            events.append((action, status, target, payload or {}, day))
            status = target

        intake = {"donation": self.donation_reference[donation_id], "type": device_type}
        log(
            "intake",
            "received",
            {**intake, "brand": brand, "model": model, "serial": serial},
            days=0,
        )
        if state == "received":
            return self.flush_device(
                device_id,
                donation_id,
                device_type,
                brand,
                model,
                weight,
                serial,
                status,
                events,
                day,
            )
        if state == "harvested" or (state == "recycled" and lives == 0 and rng.random() < 0.3):
            log("harvest", "harvested", {"notes": "Pièces prélevées"}, days=rng.randrange(5, 60))
            if state == "recycled":
                log("recycle", "recycled", self.weee(weight), days=rng.randrange(5, 90))
            return self.flush_device(
                device_id,
                donation_id,
                device_type,
                brand,
                model,
                weight,
                serial,
                status,
                events,
                day,
            )
        if state == "recycled" and lives == 0:
            log("recycle", "recycled", self.weee(weight), days=rng.randrange(5, 60))
            return self.flush_device(
                device_id,
                donation_id,
                device_type,
                brand,
                model,
                weight,
                serial,
                status,
                events,
                day,
            )

        loans_left = lives
        loan_rows: list[dict[str, Any]] = []
        while True:
            log("start_reconditioning", "in_workshop", {}, days=rng.randrange(2, 30))
            steps = [
                ("record_erasure", lambda: self.erasure(serial)),
                ("record_diagnostics", lambda: {"result": "passed", "checks": {}}),
                ("grade", lambda: {"grade": rng.choice("ABC"), "os": "Debian 12"}),
            ]
            if device_type == "monitor":
                steps.pop(0)
            at_bench = state == "in_workshop" and loans_left == 0
            if at_bench:  # still at the bench: some steps done (all: waiting to be marked ready)
                steps = steps[: rng.randrange(len(steps) + 1)]
            for action, payload in steps:
                done = payload()
                if at_bench and action != "grade" and rng.random() < 0.05:
                    done = {**done, "result": "failed"}  # to do again, or a part to change
                log(action, payload=done, days=rng.randrange(0, 3))
            if at_bench:
                break
            log("mark_ready", "ready", {}, days=rng.randrange(0, 5))
            if loans_left == 0 and state in {"ready", "recycled"}:
                if state == "recycled":
                    log("recycle", "recycled", self.weee(weight), days=rng.randrange(30, 200))
                break
            if not self.free_families:
                break
            family = self.free_families.pop()
            wave = rng.choice(self.waves_of_school[self.family_school[family]])
            self.rows["families"][family - 1]["wave_id"] = wave  # as the reservation does
            self.loan_id += 1
            loan = {
                "id": self.loan_id,
                "family_id": family,
                "device_id": device_id,
                "wave_id": wave,
                "status": "reserved",
                "reserved_at": at(day),
                "reserved_by_id": None,
                "handed_over_at": None,
                "charter_signed_on": None,
                "association_id": None,
                "due_on": None,
                "returned_at": None,
                "return_condition": None,
                "closed_at": None,
                "closing_note": None,
                "signature_png": None,
                "signed_at": None,
                "charter_way": None,
            }
            loan_rows.append(loan)
            log(
                "reserve",
                "reserved",
                {"family": self.family_reference[family], "wave": wave, "loan": loan["id"]},
                days=rng.randrange(1, 20),
            )
            if state == "reserved":
                break
            log(
                "hand_over",
                "on_loan",
                {"charter_signed_on": (day + timedelta(days=1)).isoformat(), "loan": loan["id"]},
                days=1,
            )
            loan.update(
                charter_way="paper",
                status="on_loan",
                handed_over_at=at(day),
                charter_signed_on=day,
                association_id=rng.randrange(1, 11),
                due_on=day + timedelta(days=365),
            )
            loans_left -= 1
            if state == "on_loan" and loans_left == 0:
                break
            end = rng.randrange(60, 400)
            if state == "lost" and loans_left == 0:
                log(
                    "report_lost",
                    "lost",
                    {"circumstances": "Perdu lors d'un déménagement", "loan": loan["id"]},
                    days=end,
                )
                loan.update(status="lost", closed_at=at(day), closing_note="Perdu")
                break
            if state == "transferred" and loans_left == 0:
                log(
                    "transfer",
                    "transferred",
                    {"decision": "Délibération", "loan": loan["id"]},
                    days=end,
                )
                loan.update(status="transferred", closed_at=at(day), closing_note="Délibération")
                break
            condition = rng.choices(("good", "worn", "damaged", "broken"), (60, 25, 10, 5))[0]
            log("return", "returned", {"condition": condition, "loan": loan["id"]}, days=end)
            loan.update(
                status="returned",
                returned_at=at(day),
                closed_at=at(day),
                return_condition=condition,
            )
            self.free_families.insert(0, family)  # a family whose loan ended may borrow again
            if state == "returned" and loans_left == 0:
                break
            if state == "recycled" and loans_left == 0:
                log("recycle", "recycled", self.weee(weight), days=rng.randrange(10, 90))
                break
        for loan in loan_rows:
            self.add("loans", loan)
        return self.flush_device(
            device_id, donation_id, device_type, brand, model, weight, serial, status, events, day
        )

    def erasure(self, serial: str) -> dict[str, Any]:
        return {
            "method": "purge" if self.rng.random() < 0.2 else "clear",
            "technique": "overwrite",
            "tool": "nwipe",
            "tool_version": "0.34",
            "verification": "full",
            "result": "passed",
            "storage_serial": f"S{serial}",
        }

    def weee(self, weight: float) -> dict[str, Any]:
        return {
            "weight_kg": f"{weight:.2f}",
            "channel": self.rng.choice(("Ecologic", "ecosystem")),
            "reference": f"BSD-{self.rng.randrange(10**6):06d}",
        }

    def flush_device(
        self, device_id, donation_id, device_type, brand, model, weight, serial, status, events, day
    ):
        grade = next((p["grade"] for a, _f, _t, p, _d in reversed(events) if a == "grade"), None)
        created = [at(when, 8) + timedelta(minutes=seq) for seq, (*_, when) in enumerate(events, 1)]
        self.add(
            "devices",
            {
                "id": device_id,
                "asset_tag": f"{self.prefix}-{device_id:06d}",
                "donation_id": donation_id,
                "type": device_type,
                "brand": brand,
                "model": model,
                "serial": serial,
                "serial_key": serial,
                "donor_asset_number": f"INV-{device_id:07d}",
                "cpu": "Intel Core i5-8250U" if device_type == "laptop" else None,
                "ram_gb": 8 if device_type in {"laptop", "desktop"} else None,
                "storage_gb": 256 if device_type != "monitor" else None,
                "year": 2018,
                "weight_kg": f"{weight:.2f}" if self.rng.random() > 0.05 else None,
                "status": status,
                "version": len(events),
                "grade": grade,
                "os": "Debian 12" if grade else None,
                "created_at": at(events[0][4]),
                "status_changed_at": at(day),
                "last_event_at": created[-1],
                "readiness_gap": readiness_gap(device_type, status, events),
            },
        )
        for seq, (action, from_status, to_status, payload, _when) in enumerate(events, start=1):
            self.event_id += 1
            self.add(
                "device_events",
                {
                    "id": self.event_id,
                    "device_id": device_id,
                    "seq": seq,
                    "action": action,
                    "from_status": from_status,
                    "to_status": to_status,
                    "payload": payload,
                    "actor_id": None,
                    "created_at": created[seq - 1],
                },
            )


def readiness_gap(device_type: str, status: str, events: list) -> str | None:
    """``Device.readiness_gap``: what a device in the workshop lacks first, by the app's rule."""
    if status != "in_workshop":
        return None
    log = [lifecycle.WorkshopEvent(action, payload) for action, _f, _t, payload, _d in events]
    return lifecycle.readiness_gap(
        log, has_storage=device_type not in lifecycle.TYPES_WITHOUT_STORAGE
    )


ORDER = (
    "schools",
    "associations",
    "waves",
    "wave_schools",
    "donors",
    "donations",
    "families",
    "devices",
    "device_events",
    "loans",
)


def write(
    engine: sa.Engine, rows: dict[str, list[dict[str, Any]]], counters: dict[str, int]
) -> None:
    metadata = sa.MetaData()
    metadata.reflect(engine, only=[*ORDER, "counters"])
    with engine.begin() as connection:
        for name in ORDER:
            table = metadata.tables[name]
            data = rows.get(name, [])
            for chunk in chunks(data):
                connection.execute(table.insert(), chunk)
        # The state summary kept by the action service (devices/counts.py).

        connection.execute(
            sa.text(
                "INSERT INTO device_counts (status, type, count) "
                "SELECT status, type, COUNT(*) FROM devices GROUP BY status, type"
            )
        )
        counter = metadata.tables["counters"]
        for name, value in counters.items():
            connection.execute(counter.delete().where(counter.c.name == name))
            connection.execute(counter.insert(), {"name": name, "value": value})
        if engine.dialect.name == "postgresql":
            for name in ORDER:
                if "id" in metadata.tables[name].c:
                    connection.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {name}), 1))"
                        )
                    )


def settle(engine: sa.Engine) -> None:
    """Do what autovacuum does soon after a bulk load in production (off on some clusters).

    Without statistics the planner takes the big tables for empty ones; without the
    visibility map it reads the table's rows even where an index holds every column asked
    for (a wave's proposal at 100,000 devices: 10 ms of heap reads and sorting, 0.4 ms from
    the index alone).
    """
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))


def counters(generator: Generator, devices: int) -> dict[str, int]:
    """The counters past every number used, so that the application's next ones are new."""
    values = {"asset_tag": devices}
    for table, prefix in (("donations", "donation"), ("families", "family")):
        rows = generator.rows[table]
        for year in {row["reference"].split("-")[1] for row in rows}:
            values[f"{prefix}-{year}"] = len(rows)
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--devices", type=int, default=100_000)
    parser.add_argument("--families", type=int)
    parser.add_argument("--donors", type=int, default=200)
    parser.add_argument("--waves", type=int, default=40)
    parser.add_argument("--schools", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--prefix", default="RT")
    options = parser.parse_args(argv)
    families = options.families or max(10, options.devices // 5)
    plan = Plan(
        options.devices, options.seed, families, options.donors, options.waves, options.schools
    )
    started = time.perf_counter()
    generator = Generator(plan, options.prefix)
    generator.frame()
    generator.families()
    generator.devices()
    built = time.perf_counter()
    engine = sa.create_engine(options.database_url)
    try:
        with engine.connect() as connection:
            if connection.scalar(sa.text("SELECT COUNT(*) FROM devices")):
                print(
                    "The database already holds devices: generate into an empty one.",
                    file=sys.stderr,
                )
                return 1
        write(engine, generator.rows, counters(generator, options.devices))
        settle(engine)
    finally:
        engine.dispose()
    done = time.perf_counter()
    counts = ", ".join(f"{name}: {len(generator.rows.get(name, [])):,}" for name in ORDER)
    print(f"Generated in {built - started:.1f} s, written in {done - built:.1f} s. {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

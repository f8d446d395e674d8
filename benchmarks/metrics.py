"""The figures page and the open data exports against one raw SQL aggregate over the same rows.

Run from the repository root::

    python benchmarks/metrics.py [--devices 10000] [--database-url URL] [--repeat 3]

Fresh tables each run (a new SQLite file, or a PostgreSQL schema made and dropped here). The
data is generated with bulk INSERTs: one donation per 50 devices, each device's intake event,
about 65 % lent (a hand-over event, some returned and lent again), 5 % recycled with a weight,
schools, four waves, one family per loan. Timed, best of N:

- the baseline: one raw SQL ``GROUP BY`` over loans joined to devices (the floor of any figure);
- ``figures.compute`` (every figure of the period, ten grouped queries);
- ``GET /metrics`` signed in as a viewer (figures, charts, tables, template);
- the four open datasets as CSV (``GET /api/v1/opendata/<name>.csv``).

Each line gives the time and its ratio to the baseline. The DESIGN target is 100,000 devices;
keep to 10,000 on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._schemas import own_schema
from reuse_tracker import clock, create_app
from reuse_tracker.auth.services import create_user
from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.extensions import db
from reuse_tracker.intake.models import Donation, Donor
from reuse_tracker.loans.models import Family, Loan, School, Wave
from reuse_tracker.loans.uai import check_letter
from reuse_tracker.metrics import factors, figures
from reuse_tracker.metrics.aggregates import Period

TYPES = ("laptop",) * 7 + ("desktop", "desktop", "tablet", "monitor", "smartphone")
START = datetime(2025, 9, 1, 8, tzinfo=UTC)
PERIOD = Period(date(2025, 9, 1), date(2026, 8, 31))
NOW = datetime(2026, 9, 15, 12, tzinfo=UTC)
PASSWORD = "benchmark-password"


def _insert(model, rows: list[dict]) -> None:
    for index in range(0, len(rows), 5000):
        db.session.execute(sa.insert(model), rows[index : index + 5000])


def generate(count: int, seed: int = 2021) -> None:
    """Fill the tables with ``count`` devices and their loans (bulk INSERTs)."""
    rng = random.Random(seed)
    _insert(
        Donor, [{"id": 1, "name": "Donateur benchmark", "kind": "company", "created_at": START}]
    )
    donations = range(1, count // 50 + 2)
    _insert(
        Donation,
        [
            {
                "id": i,
                "reference": f"DON-B-{i:06d}",
                "donor_id": 1,
                "received_on": START.date(),
                "notes": "",
                "created_at": START,
            }
            for i in donations
        ],
    )
    schools = []
    for i in range(1, 41):
        digits = f"0448{i:03d}"
        schools.append(
            {
                "id": i,
                "name": f"École {i:02d}",
                "uai": digits + check_letter(digits),
                "network": ("REP+", "REP", "none")[i % 3],
                "neighbourhood": f"Quartier {i % 8}",
                "is_priority_neighbourhood": i % 2 == 0,
                "created_at": START,
            }
        )
    _insert(School, schools)
    _insert(
        Wave,
        [
            {
                "id": w,
                "name": f"Vague {w}",
                "starts_on": (START + timedelta(days=60 * w)).date(),
                "ends_on": None,
                "is_open": True,
                "targets": {"laptop": count // 6},
                "created_at": START,
                "version": 1,
            }
            for w in range(1, 5)
        ],
    )
    devices, events, families, loans = [], [], [], []
    for i in range(1, count + 1):
        kind = rng.choice(TYPES)
        received = START + timedelta(minutes=rng.randrange(0, 200 * 24 * 60))
        status, seq = "received", 1
        events.append(_event(i, 1, "intake", None, "received", {}, received))
        fate = rng.random()
        if fate < 0.65:
            lent = received + timedelta(days=rng.randrange(10, 90))
            seq += 1
            events.append(_event(i, seq, "mark_ready", "in_workshop", "ready", {}, lent))
            family = len(families) + 1
            families.append(_family(family, rng, lent))
            loan = _loan(len(loans) + 1, family, i, lent, rng)
            loans.append(loan)
            seq += 1
            events.append(_event(i, seq, "hand_over", "reserved", "on_loan", {}, lent))
            status = loan["status"]
        elif fate < 0.70:
            seq += 1
            gone = received + timedelta(days=rng.randrange(5, 60))
            payload = {"weight_kg": round(rng.uniform(0.5, 6), 2), "channel": "ecosystem"}
            events.append(_event(i, seq, "recycle", "received", "recycled", payload, gone))
            status = "recycled"
        devices.append(
            {
                "id": i,
                "asset_tag": f"BN-{i:07d}",
                "donation_id": i // 50 + 1,
                "type": kind,
                "brand": "Dell",
                "model": "Latitude",
                "serial": f"S{i}",
                "serial_key": f"S{i}",
                "status": status,
                "version": seq,
                "created_at": received,
                "status_changed_at": received,
                "weight_kg": None if i % 4 == 0 else round(rng.uniform(1, 3), 2),
            }
        )
    _insert(Device, devices)
    _insert(DeviceEvent, events)
    _insert(Family, families)
    _insert(Loan, loans)
    db.session.commit()


def _event(device, seq, action, before, after, payload, moment):
    return {
        "device_id": device,
        "seq": seq,
        "action": action,
        "from_status": before,
        "to_status": after,
        "payload": payload,
        "created_at": moment,
    }


def _family(number: int, rng: random.Random, moment: datetime) -> dict:
    return {
        "id": number,
        "reference": f"FAM-B-{number:07d}",
        "referral_source": "school",
        "referred_on": moment.date(),
        "school_id": rng.randrange(1, 41),
        "needs_computer": True,
        "needs_connection": False,
        "needs_support": False,
        "device_type": "laptop",
        "wave_id": rng.randrange(1, 5),
        "created_at": moment,
    }


def _loan(number: int, family: int, device: int, lent: datetime, rng: random.Random) -> dict:
    returned = rng.random() < 0.1
    closed = lent + timedelta(days=rng.randrange(30, 200)) if returned else None
    return {
        "id": number,
        "family_id": family,
        "device_id": device,
        "wave_id": rng.randrange(1, 5),
        "status": "returned" if returned else "on_loan",
        "reserved_at": lent,
        "handed_over_at": lent,
        "charter_signed_on": lent.date(),
        "due_on": (lent + timedelta(days=365)).date(),
        "returned_at": closed,
        "closed_at": closed,
    }


BASELINE = sa.text(
    "SELECT devices.type, count(*), sum(devices.weight_kg) FROM loans "
    "JOIN devices ON devices.id = loans.device_id "
    "WHERE loans.handed_over_at IS NOT NULL GROUP BY devices.type"
)


def best(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return min(times)


def run(url: str, count: int, repeat: int) -> None:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "LOGIN_RATE_LIMIT": "10000 per minute",
            "TESTING": True,
        }
    )
    with app.app_context(), clock.freeze(NOW):
        db.create_all()
        began = time.perf_counter()
        generate(count)
        print(f"generated {count} devices in {time.perf_counter() - began:.1f} s")
        create_user("viewer@bench.example", "viewer", PASSWORD, "Lecture")
        factor_set = factors.current()
        db.session.commit()
        client = app.test_client()
        client.post("/login", data={"email": "viewer@bench.example", "password": PASSWORD})
        figures.compute(PERIOD, factors.current())  # warm: mappers, compiled statements
        baseline = best(repeat, lambda: db.session.execute(BASELINE).all())
        factor_set = factors.current()
        rows = [
            ("raw SQL aggregate (baseline)", baseline),
            ("figures.compute", best(repeat, lambda: figures.compute(PERIOD, factor_set))),
            (
                "GET /metrics (kept period)",
                best(repeat, lambda: _get(client, "/metrics?from=2025-09-01&to=2026-08-31")),
            ),
            ("GET /metrics (open year)", best(repeat, lambda: _get(client, "/metrics"))),
        ]
        for name in ("monthly", "waves", "schools", "neighbourhoods"):
            path = f"/api/v1/opendata/{name}.csv?from=2025-09-01&to=2026-08-31"
            rows.append((f"GET {name}.csv", best(repeat, lambda path=path: _get(client, path))))
        for label, seconds in rows:
            print(f"{label:32} {seconds * 1000:9.1f} ms  × {seconds / baseline:7.1f}")
        db.session.remove()
        db.drop_all()


def _get(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)


@contextmanager
def _own_schema(url: str) -> Iterator[str]:
    """On PostgreSQL, work in a schema of this run's own (made, then dropped); else as given."""
    if not url.startswith("postgresql"):
        yield url
        return
    with own_schema(url, f"bench_metrics_{os.getpid()}") as schema_url:
        yield schema_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.database_url:
        with _own_schema(args.database_url) as url:
            run(url, args.devices, args.repeat)
        return
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder) / 'bench.sqlite'}", args.devices, args.repeat)


if __name__ == "__main__":
    main()

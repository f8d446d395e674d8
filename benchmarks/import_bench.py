"""CSV import against a bare ``executemany``: is the real import path within 3× of the floor?

Run from the repository root::

    python benchmarks/import_bench.py [--rows 10000] [--database-url URL] [--repeat 3] [--check]

Each run gets fresh tables: a new SQLite file, or on PostgreSQL a schema of its own (created
and dropped here, so a database other people use is left as it was). The import is timed
from the file's bytes to the commit: parse with ``csv_import``, ``register_donation`` (checks,
devices, intake events), commit. The floor is one DB-API ``executemany`` of plain INSERTs of
the same devices into an identical fresh ``devices`` table, and its commit. Best of N each.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._schemas import own_schema
from reuse_tracker import create_app
from reuse_tracker.devices.models import Device
from reuse_tracker.devices.registration import check_devices, serial_key
from reuse_tracker.extensions import db
from reuse_tracker.intake import csv_import
from reuse_tracker.intake.models import Donation, Donor
from reuse_tracker.intake.services import register_donation

TARGET_RATIO = 3.0
HEADER = csv_import.TEMPLATE_HEADER
#: (type word as people write it, device type, [(brand, model, cpu, weight kg)]).
CATALOGUE = [
    (
        "PC portable",
        "laptop",
        [
            ("Lenovo", "ThinkPad T480", "Intel Core i5-8350U", "1,58"),
            ("Dell", "Latitude 5490", "Intel Core i5-8250U", "1,88"),
            ("HP", "EliteBook 840 G5", "Intel Core i7-8650U", "1,48"),
        ],
    ),
    (
        "Unité centrale",
        "desktop",
        [
            ("Dell", "OptiPlex 7050", "Intel Core i5-7500", "5,2"),
            ("HP", "ProDesk 400 G4", "Intel Core i3-7100", "4,9"),
        ],
    ),
    ("Écran", "monitor", [("Dell", "P2419H", "", "4,1"), ("Iiyama", "ProLite E2283HS", "", "3,4")]),
    ("Tablette", "tablet", [("Apple", "iPad 6", "A10 Fusion", "0,47")]),
    ("Smartphone", "smartphone", [("Samsung", "Galaxy A52", "Snapdragon 720G", "0,19")]),
]
WEIGHTS = (55, 20, 15, 6, 4)


def generate_csv(rows: int, seed: int = 2021) -> bytes:
    """Return a realistic export: French headers, semicolons, UTF-8 with BOM, CRLF."""
    rng = random.Random(seed)
    lines = [HEADER]
    for number in range(1, rows + 1):
        word, kind, models = rng.choices(CATALOGUE, WEIGHTS)[0]
        brand, model, cpu, weight = rng.choice(models)
        computer = kind in ("laptop", "desktop")
        ram = rng.choice(("4", "8", "8", "16")) if computer else ""
        storage = rng.choice(("128", "256", "500")) if computer or kind == "tablet" else ""
        serial = f"{brand[:2].upper()}{rng.randrange(16**6):06X}{number:06d}"
        lines.append(
            ";".join(
                (
                    word,
                    brand,
                    model,
                    serial,
                    f"INV-{number:06d}",
                    cpu,
                    ram,
                    storage,
                    str(rng.randint(2015, 2021)),
                    weight,
                )
            )
        )
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


@contextmanager
def fresh_database(url: str | None, run: int) -> Iterator[str]:
    """Yield the URL of an empty database: a new SQLite file, or a new PostgreSQL schema."""
    if not url:
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{Path(directory) / 'bench.sqlite'}"
        return
    with own_schema(url, f"import_bench_{run}_{int(time.time() * 1000) % 10**9}") as schema_url:
        yield schema_url


def timed_in_fresh_app(
    url: str | None,
    run: int,
    work: Callable[[], None],
    prepare: Callable[[], object] = lambda: None,
) -> tuple[float, int]:
    """Create the tables in a fresh database, ``prepare``, then time ``work(prepared)``.

    Returns the time and the number of devices the database then holds.
    """
    with fresh_database(url, run) as database_url:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": database_url,
                "SECRET_KEY": "bench",
                "IMPORT_MAX_ROWS": 10**7,
            }
        )
        with app.app_context():
            db.create_all()
            prepared = prepare()
            start = time.perf_counter()
            work(prepared)
            elapsed = time.perf_counter() - start
            stored = db.session.scalar(sa.select(sa.func.count()).select_from(Device))
            db.session.remove()
            db.engine.dispose()
    return elapsed, stored


def real_import(data: bytes) -> Callable[[object], None]:
    """Return the import path the confirm step runs: parse, register, commit."""

    def run(_prepared) -> None:
        parsed = csv_import.parse(data, max_rows=10**7)
        assert not parsed.errors, parsed.errors
        register_donation(
            {"name": "Nantes Métropole", "kind": "public_body"},
            date(2021, 2, 1),
            parsed.rows,
            actor=None,
            row_label=parsed.row_label,
        )
        db.session.commit()

    return run


def baseline_rows(data: bytes) -> Callable[[], list[tuple]]:
    """Return a ``prepare`` that records a donation and builds the devices' plain tuples."""

    def prepare() -> list[tuple]:
        specs = check_devices(csv_import.parse(data, max_rows=10**7).rows)
        donation = Donation(
            reference="DON-2021-0001",
            received_on=date(2021, 2, 1),
            donor=Donor(name="Nantes Métropole"),
            notes="",
        )
        db.session.add(donation)
        db.session.commit()
        now = datetime.now(UTC)
        rows = [
            (
                f"RT-{n:06d}",
                donation.id,
                s.type,
                s.brand,
                s.model,
                s.serial,
                serial_key(s.serial),
                s.donor_asset_number,
                s.cpu,
                s.ram_gb,
                s.storage_gb,
                s.year,
                s.weight_kg,
                "received",
                1,
                now,
                now,
                now,
            )
            for n, s in enumerate(specs, 1)
        ]
        return driver_values(rows)

    return prepare


def driver_values(rows: list[tuple]) -> list[tuple]:
    """Convert rows to what the driver takes (as SQLAlchemy would), before the clock runs."""
    columns = Device.__table__.columns
    dialect = db.engine.dialect
    converters = [
        columns[name].type.dialect_impl(dialect).bind_processor(dialect)
        for name in BASELINE_COLUMNS
    ]
    return [
        tuple(
            convert(value) if convert and value is not None else value
            for convert, value in zip(converters, row, strict=True)
        )
        for row in rows
    ]


BASELINE_COLUMNS = (
    "asset_tag",
    "donation_id",
    "type",
    "brand",
    "model",
    "serial",
    "serial_key",
    "donor_asset_number",
    "cpu",
    "ram_gb",
    "storage_gb",
    "year",
    "weight_kg",
    "status",
    "version",
    "created_at",
    "status_changed_at",
    "last_event_at",
)


def bare_executemany(rows: list[tuple]) -> None:
    """Insert the rows with the driver's own ``executemany`` and commit: the floor."""
    connection = db.engine.raw_connection()
    try:
        marker = "?" if db.engine.dialect.paramstyle == "qmark" else "%s"
        statement = (
            f"INSERT INTO devices ({', '.join(BASELINE_COLUMNS)}) "
            f"VALUES ({', '.join([marker] * len(BASELINE_COLUMNS))})"
        )
        cursor = connection.cursor()
        cursor.executemany(statement, rows)
        connection.commit()
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="devices in the file")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: temporary SQLite)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    parser.add_argument(
        "--check",
        action="store_true",
        help=f"exit 1 if the import takes more than {TARGET_RATIO:g}× the floor",
    )
    args = parser.parse_args(argv)
    data = generate_csv(args.rows)
    imports, floors = [], []
    for run in range(args.repeat):
        for times, work, prepare in (
            (imports, real_import(data), lambda: None),
            (floors, bare_executemany, baseline_rows(data)),
        ):
            elapsed, stored = timed_in_fresh_app(args.database_url, run, work, prepare)
            if stored != args.rows:
                print(f"expected {args.rows} devices, found {stored}", file=sys.stderr)
                return 2
            times.append(elapsed)
    best_import, best_floor = min(imports), min(floors)
    ratio = best_import / best_floor
    where = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{where}, {args.rows} rows, {len(data) / 1024:.0f} KiB, best of {args.repeat}")
    print(f"  import (parse + register_donation + commit): {best_import * 1000:8.1f} ms")
    print(f"  bare executemany of the devices + commit:    {best_floor * 1000:8.1f} ms")
    print(f"  ratio: {ratio:.2f}× (target ≤ {TARGET_RATIO:g}×)")
    if args.check and ratio > TARGET_RATIO:
        print("  target missed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

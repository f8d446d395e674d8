"""The ``intake`` action: new devices enter the register, in bulk, with their first event."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql

from reuse_tracker import sequences
from reuse_tracker.auth.models import User
from reuse_tracker.db_types import utcnow
from reuse_tracker.devices.lifecycle import Status
from reuse_tracker.devices.models import DEVICE_TYPES, Device, DeviceEvent, PreprintedTag
from reuse_tracker.devices.scanning import read_scan
from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db

TYPE_TITLES = {
    "laptop": _l("laptop"),
    "desktop": _l("desktop"),
    "monitor": _l("monitor"),
    "tablet": _l("tablet"),
    "smartphone": _l("smartphone"),
}


@dataclass(frozen=True)
class DeviceSpec:
    """What intake records of one device."""

    type: str
    brand: str
    model: str
    serial: str
    donor_asset_number: str | None = None
    cpu: str | None = None
    ram_gb: int | None = None
    storage_gb: int | None = None
    year: int | None = None
    weight_kg: Decimal | None = None
    #: A pre-printed tag to attach instead of allocating a new one.
    asset_tag: str | None = None


_SPEC_FIELDS = tuple(field.name for field in fields(DeviceSpec))


_SERIAL_NOISE = re.compile(r"[\s\-_./]")


def serial_key(serial: str) -> str:
    """Return a serial reduced to what tells two serials apart."""
    if serial.isalnum():  # no noise to remove: most serials, and a regex costs more
        return serial.upper()
    return _SERIAL_NOISE.sub("", serial).upper()


SPEC_LIMITS = {
    "ram_gb": (0, 4096),
    "storage_gb": (0, 1_000_000),
    "year": (1980, 2100),
    "weight_kg": (0, 200),
}
TEXT_LIMITS = {"brand": 80, "model": 120, "serial": 80, "donor_asset_number": 80, "cpu": 120}


def clean_device(raw: Mapping[str, Any]) -> tuple[DeviceSpec | None, dict[str, str]]:
    """Check one device's fields; return the spec or the errors by field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    kind = str(raw.get("type") or "").strip().lower()
    if not kind:
        errors["type"] = str(_l("is required"))
    elif kind not in DEVICE_TYPES:
        errors["type"] = str(
            _l(
                "unknown type %(value)s (expected one of: %(allowed)s)",
                value=kind[:30],
                allowed=", ".join(DEVICE_TYPES),
            )
        )
    values["type"] = kind
    for name, limit in TEXT_LIMITS.items():
        text = str(raw.get(name) or "").strip()
        if len(text) > limit:
            errors[name] = str(_l("must be at most %(n)s characters", n=limit))
        values[name] = text or None
    for name in ("brand", "model", "serial"):
        if not values[name] and name not in errors:
            errors[name] = str(_l("is required"))
    for name, (low, high) in SPEC_LIMITS.items():
        values[name], error = _number(raw.get(name), low, high, decimal=name == "weight_kg")
        if error:
            errors[name] = error
    values["asset_tag"], error = _preprinted_tag(raw.get("asset_tag"))
    if error:
        errors["asset_tag"] = error
    if errors:
        return None, errors
    return _checked_spec(values), {}


def _checked_spec(values: dict[str, Any]) -> DeviceSpec:
    """Return the spec of checked values, every field given.

    Filled as ``DeviceSpec(**values)`` would be, without the frozen ``__init__``'s
    ``object.__setattr__`` per field: a third of checking a device.
    """
    spec = object.__new__(DeviceSpec)
    spec.__dict__.update(values)
    return spec


def _preprinted_tag(raw: Any) -> tuple[str | None, str | None]:
    """Read a pre-printed label's tag (scanned URL or bare tag) given for a device."""
    text = str(raw or "").strip()
    if not text:
        return None, None
    tag = read_scan(text, current_app.config["ASSET_TAG_PREFIX"])
    if tag is None:
        return None, str(_l("“%(code)s” is not one of our labels", code=text[:40]))
    return tag, None


def _number(raw: Any, low: int, high: int, *, decimal: bool) -> tuple[Any, str | None]:
    if raw is None or raw == "":
        return None, None
    number, problem = _read_number(str(raw), low, high, decimal)
    if problem == "not a number":
        return None, str(_l("must be a number"))
    if problem == "out of range":
        return None, str(_l("must be between %(low)s and %(high)s", low=low, high=high))
    if problem == "not whole":
        return None, str(_l("must be a whole number"))
    return number, None


@functools.lru_cache(maxsize=4096)
def _read_number(text: str, low: int, high: int, decimal: bool) -> tuple[Any, str | None]:
    """Return a number read from text, or what is wrong; cached, as lists repeat their values.

    Problems are plain words: the messages are translated by the caller, in its language.
    """
    text = text.strip().replace(",", ".").replace(" ", "")
    if not text:
        return None, None
    if text.isascii() and text.isdigit() and not decimal and low <= int(text) <= high:
        return int(text), None  # the common case, without Decimal
    try:
        number = Decimal(text)
    except ArithmeticError:
        return None, "not a number"
    if not number.is_finite() or not (low <= number <= high):
        return None, "out of range"
    if decimal:
        return number.quantize(Decimal("0.01")), None
    if number != number.to_integral_value():
        return None, "not whole"
    return int(number), None


def check_devices(rows: Sequence[Mapping[str, Any]], row_label=None) -> list[DeviceSpec]:
    """Check every row and the serials against each other and the stock; raise on any error.

    ``row_label(index)`` names a row in messages (a CSV line number, say).
    Nothing is written: the caller imports all the rows or none.
    """
    row_label = row_label or (lambda index: str(_l("device %(n)s", n=index + 1)))
    specs, errors = [], {}
    seen: dict[str, int] = {}
    for index, raw in enumerate(rows):
        spec, row_errors = clean_device(raw)
        for name, message in row_errors.items():
            errors[f"{row_label(index)} · {name}"] = message
        if spec:
            key = serial_key(spec.serial)
            if key in seen:
                errors[f"{row_label(index)} · serial"] = str(
                    _l(
                        "serial %(serial)s appears twice in this batch (also %(other)s)",
                        serial=spec.serial,
                        other=row_label(seen[key]),
                    )
                )
            seen.setdefault(key, index)
            specs.append((index, spec))
    errors.update(_already_in_stock(specs, row_label))
    errors.update(_preprinted_problems(specs, row_label))
    if not rows:
        errors["devices"] = str(_l("at least one device is required"))
    if errors:
        raise ValidationError(
            _l("%(n)s problem(s) found; nothing was recorded.", n=len(errors)), errors
        )
    return [spec for _, spec in specs]


def _already_in_stock(specs: list[tuple[int, DeviceSpec]], row_label) -> dict[str, str]:
    keys = {serial_key(spec.serial): index for index, spec in specs}
    errors = {}
    for key, tag in _registered_serials(list(keys)):
        errors[f"{row_label(keys[key])} · serial"] = str(
            _l("serial already registered as %(tag)s", tag=tag)
        )
    return errors


def _registered_serials(keys: list[str]) -> list[tuple[str, str]]:
    """Return (serial key, asset tag) of the devices in stock with one of ``keys``.

    The keys go as one parameter where the database can take a list (one query for any
    file): an ``IN`` of thousands of parameters costs more to build than to run.
    """
    columns = Device.__table__.c
    query = sa.select(columns.serial_key, columns.asset_tag)
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        listed = sa.bindparam("keys", keys, type_=postgresql.ARRAY(sa.String))
        return db.session.execute(query.where(columns.serial_key == sa.any_(listed))).all()
    if dialect == "sqlite":
        listed = sa.func.json_each(json.dumps(keys)).table_valued("value")
        return db.session.execute(
            query.where(columns.serial_key.in_(sa.select(listed.c.value)))
        ).all()
    return [
        row
        for chunk in _chunks(keys, 500)
        for row in db.session.execute(query.where(columns.serial_key.in_(chunk)))
    ]


def _preprinted_problems(specs: list[tuple[int, DeviceSpec]], row_label) -> dict[str, str]:
    """Check each pre-printed tag: reserved by a printed run, not taken, given once."""
    wanted = {spec.asset_tag: index for index, spec in specs if spec.asset_tag}
    if not wanted:
        return {}
    errors, seen = {}, set()
    for index, spec in specs:
        if spec.asset_tag and spec.asset_tag in seen:
            errors[f"{row_label(index)} · asset_tag"] = str(
                _l("label %(tag)s is given to two devices", tag=spec.asset_tag)
            )
        seen.add(spec.asset_tag)
    reserved = set(
        db.session.scalars(sa.select(PreprintedTag.tag).where(PreprintedTag.tag.in_(list(wanted))))
    )
    taken = set(
        db.session.scalars(sa.select(Device.asset_tag).where(Device.asset_tag.in_(list(wanted))))
    )
    for tag, index in wanted.items():
        if tag in taken:
            errors[f"{row_label(index)} · asset_tag"] = str(
                _l("label %(tag)s is already on another device", tag=tag)
            )
        elif tag not in reserved:
            errors[f"{row_label(index)} · asset_tag"] = str(
                _l("label %(tag)s was not printed as a blank label", tag=tag)
            )
    return errors


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def format_tag(number: int) -> str:
    return f"{current_app.config['ASSET_TAG_PREFIX']}-{number:06d}"


def intake(
    donation, specs: Sequence[DeviceSpec], actor: User | None, *, at: datetime | None = None
) -> list[int]:
    """Register ``specs`` as devices of ``donation``, each with its intake event; flush.

    Uses bulk inserts: one for the devices, one for their events. Returns the new ids.
    ``at`` dates them (default: now).
    """
    if not specs:
        return []
    now = at or utcnow()
    tags = _tags_for(specs)
    device_columns = {name: [getattr(spec, name) for spec in specs] for name in _SPEC_FIELDS}
    device_columns["asset_tag"] = tags
    device_columns["serial_key"] = [serial_key(serial) for serial in device_columns["serial"]]
    _insert_many(
        Device.__table__,
        device_columns,
        donation_id=donation.id,
        status=Status.RECEIVED.value,
        version=1,
        created_at=now,
        status_changed_at=now,
    )
    ids = _ids_of(donation.id, tags)
    payloads = [
        {
            "donation": donation.reference,
            "type": spec.type,
            "brand": spec.brand,
            "model": spec.model,
            "serial": spec.serial,
        }
        for spec in specs
    ]
    _insert_many(
        DeviceEvent.__table__,
        {"device_id": ids, "payload": payloads},
        seq=1,
        action="intake",
        from_status=None,
        to_status=Status.RECEIVED.value,
        actor_id=actor.id if actor else None,
        created_at=now,
    )
    return ids


def _insert_many(table: sa.Table, columns: dict[str, list[Any]], **constants: Any) -> None:
    """Insert rows given column by column, plus values shared by every row, in one bulk call.

    One DB-API ``executemany`` (``COPY`` on PostgreSQL), values converted as SQLAlchemy
    would, a column at a time, a shared value once. The ORM's bulk insert split the rows
    into a batch at every change in which columns are empty (thousands of statements for a
    file), and its per-row parameter handling cost more than the INSERTs themselves.
    """
    connection = db.session.connection()
    dialect = connection.dialect
    count = len(next(iter(columns.values())))
    values = {name: _bound(column, table.c[name].type, dialect) for name, column in columns.items()}
    for name, value in constants.items():
        values[name] = _bound([value], table.c[name].type, dialect) * count
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        _copy(connection, table, values)
        return
    compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(values))
    if compiled.positional:
        params = list(zip(*(values[key] for key in compiled.positiontup), strict=True))
    else:
        params = [dict(zip(values, row, strict=True)) for row in zip(*values.values(), strict=True)]
    connection.exec_driver_sql(str(compiled), params)


def _copy(connection: sa.Connection, table: sa.Table, values: dict[str, list[Any]]) -> None:
    """Load rows with ``COPY ... FROM STDIN``; psycopg's executemany goes a row at a time."""
    quote = connection.dialect.identifier_preparer.quote
    columns = ", ".join(quote(name) for name in values)
    statement = f"COPY {quote(table.name)} ({columns}) FROM STDIN"
    with connection.connection.dbapi_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in zip(*values.values(), strict=True):
            copy.write_row(row)


def _bound(values: list[Any], type_: sa.types.TypeEngine, dialect) -> list[Any]:
    """Return a column's values as the driver takes them."""
    convert = type_.dialect_impl(dialect).bind_processor(dialect)
    if convert is None:
        return values
    return [None if value is None else convert(value) for value in values]


def _ids_of(donation_id: int, tags: Sequence[str]) -> list[int]:
    """Return the ids of the devices just inserted with ``tags``, in the same order.

    Read back in one query: bulk loads return no ids, and INSERT ... RETURNING through the
    ORM spliced its batches' rows at a cost growing with the square of the row count (9 s
    for 10,000 devices on SQLite).
    """
    columns = Device.__table__.c
    by_tag = dict(
        db.session.connection()
        .execute(sa.select(columns.asset_tag, columns.id).where(columns.donation_id == donation_id))
        .all()
    )
    return [by_tag[tag] for tag in tags]


def _tags_for(specs: Sequence[DeviceSpec]) -> list[str]:
    """Return each spec's pre-printed tag, or a newly allocated one."""
    needed = sum(1 for spec in specs if not spec.asset_tag)
    fresh = iter(sequences.allocate("asset_tag", needed)) if needed else iter(())
    prefix = current_app.config["ASSET_TAG_PREFIX"]  # as format_tag, read once
    return [spec.asset_tag or f"{prefix}-{next(fresh):06d}" for spec in specs]

"""The ``intake`` action: new devices enter the register, in bulk, with their first event."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import current_app

from reuse_tracker import database, inputs, sequences
from reuse_tracker.auth.models import User
from reuse_tracker.db_types import utcnow
from reuse_tracker.devices import counts
from reuse_tracker.devices.lifecycle import Status
from reuse_tracker.devices.models import DEVICE_TYPES, Device, DeviceEvent, PreprintedTag
from reuse_tracker.devices.scanning import scanned_tag
from reuse_tracker.errors import ConflictError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l


class DeviceSpec(NamedTuple):
    """What intake records of one device, checked (build it with ``clean_device``).

    A named tuple: an import holds one per row, built from keywords and read back in
    column order as a row to insert.
    """

    type: str
    brand: str
    model: str
    serial: str
    #: ``serial_key(serial)``: what tells two serials apart.
    serial_key: str
    donor_asset_number: str | None = None
    cpu: str | None = None
    ram_gb: int | None = None
    storage_gb: int | None = None
    year: int | None = None
    weight_kg: Decimal | None = None
    #: A pre-printed tag to attach instead of allocating a new one.
    asset_tag: str | None = None


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
        try:
            text = inputs.clean_text(str(raw.get(name) or ""), max_length=limit)
        except ValueError as problem:
            errors[name], text = str(problem), ""
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
    return DeviceSpec(serial_key=serial_key(values["serial"]), **values), {}


def _preprinted_tag(raw: Any) -> tuple[str | None, str | None]:
    """Read a pre-printed label's tag (scanned URL or bare tag) given for a device."""
    text = str(raw or "").strip()
    if not text:
        return None, None
    tag = scanned_tag(text)
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
    if not text.isascii():
        return None, "not a number"  # Decimal would read "٣" as 3
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
    checked = clean_devices(rows)
    if checked is not None:
        specs, errors = list(enumerate(checked)), {}
    else:
        specs, errors = _check_one_by_one(rows, row_label)
    errors.update(_already_in_stock(specs, row_label))
    errors.update(_preprinted_problems(specs, row_label))
    if not rows:
        errors["devices"] = str(_l("at least one device is required"))
    if errors:
        raise ValidationError.nothing_recorded(errors)
    return [spec for _, spec in specs]


def clean_devices(rows: Sequence[Mapping[str, Any]]) -> list[DeviceSpec] | None:
    """Check rows column by column: the quick way through a list with no mistakes.

    Returns what ``clean_device`` would give for each row, or None as soon as a column
    holds anything it would refuse, or a serial comes twice; the rows are then checked
    one by one, so that each problem is named. A file of 10,000 rows is checked in a
    third of the time.
    """
    if not rows:
        return None
    try:
        columns = {"type": [text.lower() for text in _texts(rows, "type")]}
        if not set(columns["type"]) <= _TYPES:
            return None
        for name, limit in TEXT_LIMITS.items():
            texts = _texts(rows, name)
            if max(map(len, texts)) > limit or (name in _REQUIRED and not all(texts)):
                return None
            if not inputs.all_single_lines(texts):
                return None
            columns[name] = [text or None for text in texts]
        for name, (low, high) in SPEC_LIMITS.items():
            raw = [row.get(name) for row in rows]
            read = {
                value: _read_number(str(value), low, high, name == "weight_kg")
                for value in set(raw)
                if value is not None and value != ""
            }
            if any(problem for _number, problem in read.values()):
                return None
            columns[name] = [read[value][0] if value in read else None for value in raw]
    except TypeError:  # a value that is not text or a number (JSON lists, say)
        return None
    columns["serial_key"] = [serial_key(serial) for serial in columns["serial"]]
    if len(set(columns["serial_key"])) < len(rows):
        return None
    columns["asset_tag"] = [None] * len(rows)
    for index, raw_tag in enumerate(row.get("asset_tag") for row in rows):
        if raw_tag:
            columns["asset_tag"][index], error = _preprinted_tag(raw_tag)
            if error:
                return None
    rows = zip(*(columns[name] for name in DeviceSpec._fields), strict=True)
    return list(map(DeviceSpec._make, rows))


_TYPES = frozenset(DEVICE_TYPES)
_REQUIRED = frozenset(("brand", "model", "serial"))


def _texts(rows: Sequence[Mapping[str, Any]], name: str) -> list[str]:
    """Return a column as ``clean_device`` reads each value: text, stripped, "" if empty."""
    return [str(value).strip() if (value := row.get(name)) else "" for row in rows]


def _check_one_by_one(
    rows: Sequence[Mapping[str, Any]], row_label
) -> tuple[list[tuple[int, DeviceSpec]], dict[str, str]]:
    """Check each row with ``clean_device``; return the good ones and every problem by place."""
    specs, errors = [], {}
    seen: dict[str, int] = {}
    for index, raw in enumerate(rows):
        spec, row_errors = clean_device(raw)
        for name, message in row_errors.items():
            errors[f"{row_label(index)} · {name}"] = message
        if spec:
            key = spec.serial_key
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
    return specs, errors


def _already_in_stock(specs: list[tuple[int, DeviceSpec]], row_label) -> dict[str, str]:
    keys = {spec.serial_key: index for index, spec in specs}
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
    return database.rows_matching(query, columns.serial_key, keys)


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


def format_tag(number: int) -> str:
    return f"{current_app.config['ASSET_TAG_PREFIX']}-{number:06d}"


def intake(
    donation, specs: Sequence[DeviceSpec], actor: User | None, *, at: datetime | None = None
) -> None:
    """Register ``specs`` as the devices of the new ``donation``, each with its intake event.

    Two statements whatever the count: one bulk insert of the devices, then one
    ``INSERT ... SELECT`` that writes their intake events from the rows just stored (so no
    ids travel back and forth). ``donation`` must be new: every device it holds gets an
    intake event. ``at`` dates them (default: now).
    """
    if not specs:
        return
    now = at or utcnow()
    columns = dict(zip(DeviceSpec._fields, zip(*specs, strict=True), strict=True))
    columns["asset_tag"] = _tags_for(specs)
    try:
        with database.refusable():
            _insert_many(
                Device.__table__,
                columns,
                donation_id=donation.id,
                status=Status.RECEIVED.value,
                version=1,
                created_at=now,
                status_changed_at=now,
                last_event_at=now,
            )
    except sa.exc.IntegrityError:
        # Another donation registered one of these serials since they were checked.
        raise _serials_taken(specs) from None
    _insert_intake_events(donation, actor, now)
    counts.received(columns["type"])


def _serials_taken(specs: Sequence[DeviceSpec]) -> ConflictError:
    """The refusal of a donation that lost a race for a serial, naming the serials."""
    taken = {key: tag for key, tag in _registered_serials([spec.serial_key for spec in specs])}
    serials = [spec.serial for spec in specs if spec.serial_key in taken]
    problem = str(
        _l(
            "serial already registered as %(tag)s",
            tag=", ".join(sorted(set(taken.values()))[:10]),
        )
        if taken
        else _l("registered by someone else meanwhile")
    )
    return ConflictError(
        _l(
            "Serial %(serials)s was registered meanwhile; nothing was recorded.",
            serials=", ".join(serials[:10]),
        ),
        {"serial": problem},
    )


def _insert_intake_events(donation, actor: User | None, now: datetime) -> None:
    """Write the intake event of every device of ``donation`` in one statement."""
    devices = Device.__table__.c
    events = DeviceEvent.__table__.c
    payload = _json_object(
        donation=sa.literal(donation.reference, sa.String),
        type=devices.type,
        brand=devices.brand,
        model=devices.model,
        serial=devices.serial,
    )
    rows = sa.select(
        devices.id,
        sa.literal(1, sa.Integer),
        sa.literal("intake", sa.String),
        sa.null(),
        sa.literal(Status.RECEIVED.value, sa.String),
        sa.literal(actor.id if actor else None, sa.Integer),
        sa.literal(now, events.created_at.type),
        payload,
    ).where(devices.donation_id == donation.id)
    statement = sa.insert(DeviceEvent.__table__).from_select(
        [
            events.device_id,
            events.seq,
            events.action,
            events.from_status,
            events.to_status,
            events.actor_id,
            events.created_at,
            events.payload,
        ],
        rows,
    )
    db.session.connection().execute(statement)


def _json_object(**members: sa.ColumnElement) -> sa.ColumnElement:
    """Return a JSON object built by the database from ``members`` (keys to expressions)."""
    arguments = [part for key, value in members.items() for part in (sa.literal(key), value)]
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.jsonb_build_object(*arguments, type_=DeviceEvent.__table__.c.payload.type)
    return sa.func.json_object(*arguments, type_=sa.Text)


def _insert_many(table: sa.Table, columns: Mapping[str, Sequence[Any]], **constants: Any) -> None:
    """Insert rows given column by column, plus values shared by every row, in one bulk call.

    One DB-API ``executemany`` (``COPY`` on PostgreSQL), values converted as SQLAlchemy
    would, a column at a time, a shared value once. The ORM's bulk insert split the rows
    into a batch at every change in which columns are empty (thousands of statements for a
    file), and its per-row parameter handling cost more than the INSERTs themselves.
    """
    connection = db.session.connection()
    dialect = connection.dialect
    count = len(next(iter(columns.values())))
    values = [_bound(column, table.c[name].type, dialect) for name, column in columns.items()]
    values += [
        itertools.repeat(_bound([value], table.c[name].type, dialect)[0], count)
        for name, value in constants.items()
    ]
    names = (*columns, *constants)
    rows = zip(*values)  # noqa: B905  (the repeats are as long as the columns)
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        _copy(connection, table, names, rows)
        return
    markers = {"qmark": "?", "format": "%s"}
    if dialect.paramstyle not in markers:
        raise NotImplementedError(f"bulk insert for the {dialect.paramstyle} paramstyle")
    quote = dialect.identifier_preparer.quote
    statement = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in names)}) "
        f"VALUES ({', '.join([markers[dialect.paramstyle]] * len(names))})"
    )
    connection.exec_driver_sql(statement, list(rows))


def _copy(
    connection: sa.Connection, table: sa.Table, names: Sequence[str], rows: Iterable[tuple]
) -> None:
    """Load rows with ``COPY ... FROM STDIN``; psycopg's executemany goes a row at a time."""
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(quote(name) for name in names)}) FROM STDIN"
    dbapi = connection.connection.dbapi_connection
    try:
        with dbapi.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except connection.dialect.loaded_dbapi.IntegrityError as error:
        # Below SQLAlchemy: wrap it as SQLAlchemy would, so callers catch one kind.
        raise sa.exc.IntegrityError(statement, None, error) from error


def _bound(values: Sequence[Any], type_: sa.types.TypeEngine, dialect) -> Sequence[Any]:
    """Return a column's values as the driver takes them, each distinct value converted once."""
    convert = type_.dialect_impl(dialect).bind_processor(dialect)
    if convert is None:
        return values
    converted = {value: convert(value) for value in set(values) if value is not None}
    converted[None] = None
    return list(map(converted.__getitem__, values))


def _tags_for(specs: Sequence[DeviceSpec]) -> list[str]:
    """Return each spec's pre-printed tag, or a newly allocated one."""
    needed = sum(1 for spec in specs if not spec.asset_tag)
    fresh = iter(sequences.allocate("asset_tag", needed)) if needed else iter(())
    prefix = current_app.config["ASSET_TAG_PREFIX"]  # as format_tag, read once
    return [spec.asset_tag or f"{prefix}-{next(fresh):06d}" for spec in specs]

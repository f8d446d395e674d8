"""Column types shared by the features' models."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles

#: JSON stored as JSONB on PostgreSQL, as text elsewhere.
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(sa.TypeDecorator):
    """A timezone-aware UTC timestamp on every database (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class byte_order(sa.sql.functions.FunctionElement):
    """A text compared by its characters' code points, as Python compares ``str``.

    SQLite compares texts so already (``BINARY``); PostgreSQL by the database's collation
    unless told ``COLLATE "C"``. Usable in an index (``devices.models``) and in an ``ORDER
    BY``, which then reads that index.
    """

    type = sa.String()
    inherit_cache = True


@compiles(byte_order)
def _byte_order(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(byte_order, "postgresql")
def _byte_order_postgresql(element, compiler, **kw):
    return f'{compiler.process(element.clauses, **kw)} COLLATE "C"'


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC (``reuse_tracker.clock.now``)."""
    from reuse_tracker import clock

    return clock.now()


def append_only(model: type, error: type[Exception], message: str) -> None:
    """Make the mapper refuse every update and delete of ``model``'s rows with ``error``."""

    def refuse(mapper, connection, target):
        raise error(message)

    sa.event.listen(model, "before_update", refuse)
    sa.event.listen(model, "before_delete", refuse)

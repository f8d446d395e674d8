"""How many devices are in each state, per type: a summary kept in the transaction of each change.

The dashboard, the stock API and the figures read a few dozen rows of ``device_counts``
instead of counting the devices table, so that a million devices cost what ten thousand do.
The action service and the intake adjust it in the same transaction as the change (an upsert
that adds to the row, safe when two transactions change the same row at once); ``flask
integrity`` compares it with a count of the devices, and ``rebuild()`` recomputes it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from reuse_tracker.devices.models import Device, DeviceCount
from reuse_tracker.extensions import db

#: The changes a bulk path has summed so far (see ``deferred``); None outside one.
_pending: ContextVar[Counter | None] = ContextVar("device_counts_pending", default=None)


@contextmanager
def deferred() -> Iterator[None]:
    """Sum the summary's changes of a bulk path and write them once, when it ends well.

    Confirming a wave of 1,000 families moves 1,000 devices from ready to reserved: two
    upserts each (2,000 statements) become two. Written in the same transaction, at the end:
    if the path fails, nothing is written (and the caller rolls the changes back). Inside,
    the summary is behind: nothing there reads it.
    """
    if _pending.get() is not None:  # nested: the outermost one writes
        yield
        return
    pending: Counter[tuple[str, str]] = Counter()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    adjust(pending)


def adjust(changes: Mapping[tuple[str, str], int]) -> None:
    """Add each ``{(status, type): delta}`` to the summary (one upsert per row changed)."""
    pending = _pending.get()
    if pending is not None:
        pending.update(changes)
        return
    table = DeviceCount.__table__
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for (status, kind), delta in changes.items():
        if not delta:
            continue
        statement = insert(table).values(status=status, type=kind, count=delta)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.status, table.c.type],
            set_={"count": table.c.count + statement.excluded.count},
        )
        db.session.execute(statement)


def moved(kind: str, from_status: str | None, to_status: str) -> None:
    """Record that a device of ``kind`` went from one state to another."""
    changes: Counter[tuple[str, str]] = Counter({(to_status, kind): 1})
    if from_status is not None:
        changes[(from_status, kind)] -= 1
    adjust(changes)


def received(kinds: Iterable[str]) -> None:
    """Record new devices at intake, given their types."""
    adjust(Counter(("received", kind) for kind in kinds))


def read() -> list[tuple[str, str, int]]:
    """Return the (status, type, count) rows of the summary (a few dozen at most)."""
    rows = db.session.execute(
        sa.select(DeviceCount.status, DeviceCount.type, DeviceCount.count).where(
            DeviceCount.count != 0
        )
    )
    return [(status, kind, count) for status, kind, count in rows]


def counted() -> dict[tuple[str, str], int]:
    """Count the devices table itself (the slow way, for checks)."""
    rows = db.session.execute(
        sa.select(Device.status, Device.type, sa.func.count()).group_by(Device.status, Device.type)
    )
    return {(status, kind): count for status, kind, count in rows}


def mismatches() -> dict[tuple[str, str], tuple[int, int]]:
    """Return {(status, type): (summary, devices)} wherever the two disagree."""
    summary = {(status, kind): count for status, kind, count in read()}
    actual = counted()
    keys = set(summary) | set(actual)
    return {
        key: (summary.get(key, 0), actual.get(key, 0))
        for key in sorted(keys)
        if summary.get(key, 0) != actual.get(key, 0)
    }


def rebuild() -> None:
    """Recompute the summary from the devices table (locks it against concurrent changes)."""
    db.session.execute(sa.delete(DeviceCount))
    rows = [{"status": s, "type": k, "count": n} for (s, k), n in counted().items()]
    if rows:
        db.session.execute(sa.insert(DeviceCount), rows)

"""Gap-free counters for asset tags and references, safe under concurrency."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from reuse_tracker.extensions import db


class Counter(db.Model):
    """A named counter; incremented by one UPDATE so concurrent callers queue on its row."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


def allocate(name: str, count: int = 1) -> range:
    """Reserve ``count`` consecutive numbers of counter ``name``; return them."""
    if count < 1:
        raise ValueError("count must be positive")
    statement = (
        sa.update(Counter)
        .where(Counter.name == name)
        .values(value=Counter.value + count)
        .returning(Counter.value)
    )
    last = db.session.scalar(statement)
    if last is None:
        _create(name)
        last = db.session.scalar(statement)
    return range(last - count + 1, last + 1)


def _create(name: str) -> None:
    """Create a counter at zero, tolerating another transaction creating it first."""
    try:
        with db.session.begin_nested():
            db.session.add(Counter(name=name, value=0))
    except sa.exc.IntegrityError:
        pass

"""A PostgreSQL schema of a benchmark run's own, so that a database others use is left as it was."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa


@contextmanager
def own_schema(url: str, name: str) -> Iterator[str]:
    """Make schema ``name`` in the PostgreSQL database at ``url``; yield the URL that works in
    it (``search_path``); drop it afterwards."""
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {name}"))
    try:
        separator = "&" if "?" in url else "?"
        yield f"{url}{separator}options=-csearch_path%3D{name}"
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {name} CASCADE"))
        engine.dispose()

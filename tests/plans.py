"""Query plans, to pin that a page's query uses an index on both databases."""

from __future__ import annotations

import re

import sqlalchemy as sa

from reuse_tracker.extensions import db


def query_plan(statement: sa.Executable) -> list[str]:
    """Return the plan's lines; PostgreSQL is told to avoid scans and sorts where an index
    can do (on the tiny test tables it would rightly prefer both)."""
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection, connection.begin():
            connection.execute(sa.text("SET LOCAL enable_seqscan = off"))
            connection.execute(sa.text("SET LOCAL enable_sort = off"))
            connection.execute(sa.text("SET LOCAL enable_incremental_sort = off"))
            rows = connection.execute(sa.text(f"EXPLAIN {compiled}")).scalars()
            return list(rows)
    with db.engine.connect() as connection:
        return [row[3] for row in connection.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}"))]


def sequential_scan(line: str, table: str) -> bool:
    """Tell whether a plan line reads every row of ``table``."""
    return bool(
        re.search(rf"\bSeq Scan on {table}\b", line)
        or re.fullmatch(rf"SCAN {table}( AS \w+)?", line.strip())
    )


def sorts(line: str) -> bool:
    """Tell whether a plan line sorts rows (instead of reading them in an index's order)."""
    return "TEMP B-TREE FOR ORDER BY" in line or bool(re.match(r"\s*(->\s*)?Sort\b", line))

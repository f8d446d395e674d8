"""Engine set-up per database, and the list of models for Alembic."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import import_module
from importlib.util import find_spec

import sqlalchemy as sa
from flask import Flask, request
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy.dialects import postgresql

from reuse_tracker.extensions import db


def reads_only(view):
    """Mark a view that only reads, such as a scan look-up: on PostgreSQL, a ``GET`` of it
    runs its statements outside a transaction.

    A transaction costs PostgreSQL two round trips of its own (``BEGIN`` and ``ROLLBACK``:
    0.8 of the 3.4 ms of a device API answer). Under its READ COMMITTED isolation each
    statement of a transaction reads a snapshot of its own anyway, so the view reads what it
    read inside one. Such a view writes nothing but single statements committed alone (the
    API token's time of use, which ``api.auth`` commits at once); once one is committed, the
    rest of the request runs in a transaction again. Other methods on the same endpoint, and
    SQLite (where a transaction costs no round trip), keep their transactions.
    """
    view.reads_only = True
    return view


def configure_engine(app: Flask) -> None:
    """Make SQLite behave like a server database (foreign keys, WAL, waiting on locks), and
    keep PostgreSQL from compiling short queries (JIT) and from opening transactions for
    views that only read (:func:`reads_only`)."""
    import_models()
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "postgresql":

        @sa.event.listens_for(engine, "connect")
        def _no_jit(dbapi_connection, connection_record):
            # The default settings JIT-compile any query whose estimated cost passes 100,000:
            # the workshop board at 100,000 devices spent 60 of its 112 ms compiling.
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET jit = off")
            dbapi_connection.commit()

        @app.before_request  # before any other: the session has no connection yet
        def _reads_outside_a_transaction():
            view = app.view_functions.get(request.endpoint)
            if request.method in ("GET", "HEAD") and getattr(view, "reads_only", False):
                # Set for this request's first connection; the pool resets it on return.
                db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})

    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, connection_record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()


def literal_slice(statement: sa.Select, limit: int, offset: int = 0) -> sa.Select:
    """Limit ``statement`` to ``limit`` rows from ``offset``, both numbers written into its SQL.

    Bound as parameters, the planner does not know how few rows are wanted: SQLite then walks
    the whole table in the sort's order rather than use the search's indexes (a device search
    at 100,000 devices: 90 ms instead of 0.2 ms). The numbers are ints, checked here.
    """
    return statement.limit(
        sa.bindparam("row_limit", int(limit), type_=sa.Integer, literal_execute=True)
    ).offset(sa.bindparam("row_offset", int(offset), type_=sa.Integer, literal_execute=True))


def rows_matching(query: sa.Select, column: sa.ColumnElement, values: list[str]) -> list[sa.Row]:
    """Run ``query`` for the rows whose ``column`` is one of ``values``.

    The values go as one parameter where the database can take a list (one query for any
    number): an ``IN`` of thousands of parameters costs more to build than to run.
    Elsewhere, 500 values a query.
    """
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        listed = sa.bindparam("values", values, type_=postgresql.ARRAY(sa.String))
        return db.session.execute(query.where(column == sa.any_(listed))).all()
    if dialect == "sqlite":
        listed = sa.func.json_each(json.dumps(values)).table_valued("value")
        return db.session.execute(query.where(column.in_(sa.select(listed.c.value)))).all()
    return [
        row
        for chunk in _chunks(values, 500)
        for row in db.session.execute(query.where(column.in_(chunk)))
    ]


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


#: Pages counted beyond the one shown: a list says "more than N" past them, so that a list of a
#: million rows costs what one of a few thousand does (a full COUNT: 140 ms at 1,000,000 devices).
COUNT_AHEAD_PAGES = 20


class _LiteralSlicePagination(SelectPagination):
    #: True when the rows were counted up to a bound only: ``total`` is then "more than".
    total_is_lower_bound = False
    #: The count made before the rows (with ``when_few``), so that it is not made again.
    _counted: int | None = None

    def _query_items(self) -> list:
        select = self._query_args["select"]
        when_few = self._query_args.get("when_few")
        if when_few is not None:
            # Counted first: when the count finds every row, they are few, and ``when_few``
            # (the same rows, in an order the planner cannot walk an index for) reads them.
            self._counted = self._query_count()
            if not self.total_is_lower_bound:
                select = when_few
        select = literal_slice(select, self.per_page, self._query_offset)
        return list(self._query_args["session"].execute(select).unique().scalars())

    def _query_count(self) -> int:
        if self._counted is not None:
            return self._counted
        bound = self._query_offset + self.per_page * COUNT_AHEAD_PAGES
        select = self._query_args["select"].options(sa.orm.lazyload("*")).order_by(None)
        if not (select._distinct or select._group_by_clauses):
            # Rows counted, not read: an index can answer without the table's rows (page 1,000
            # of the devices at 100,000: 21 ms → 3 ms on SQLite).
            select = select.with_only_columns(sa.literal_column("1"), maintain_column_froms=True)
        rows = literal_slice(select, bound + 1).subquery()
        counted = self._query_args["session"].scalar(sa.select(sa.func.count()).select_from(rows))
        self.total_is_lower_bound = counted > bound
        return min(counted, bound)


def paginate(
    statement: sa.Select, *, page: int, per_page: int, when_few: sa.Select | None = None
) -> SelectPagination:
    """``db.paginate`` (never a 404: a page past the end is empty), its slice in literal SQL.

    ``when_few``: ``statement`` ordered by a fenced expression (``id + 0``), read instead when
    the rows are few (all counted, see ``COUNT_AHEAD_PAGES``). A search's ``ORDER BY id DESC
    LIMIT 50`` lets PostgreSQL's planner walk the primary key backwards hoping for 50 early
    matches; when there are 40 in all it walks the whole table (48 ms at 100,000 devices).
    Fenced, it reads the search's indexes and sorts the few rows it found.
    """
    return _LiteralSlicePagination(
        select=statement,
        when_few=when_few,
        session=db.session(),
        page=page,
        per_page=per_page,
        max_per_page=None,
        error_out=False,
    )


#: Modules outside the features' ``models`` that hold tables.
SHARED_MODEL_MODULES = ("reuse_tracker.sequences", "reuse_tracker.auth.audit")


def model_modules() -> list[str]:
    """Name every module that holds tables: the shared ones, then each feature's ``models``."""
    from reuse_tracker import FEATURES

    features = [f"reuse_tracker.{name}.models" for name in FEATURES]
    return [*SHARED_MODEL_MODULES, *(name for name in features if find_spec(name) is not None)]


def import_models() -> None:
    """Load every module that holds tables, so the metadata (and Alembic) knows them all."""
    for name in model_modules():
        import_module(name)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk path that creates no cycles.

    Checking and inserting 10,000 devices keeps ~10,000 objects alive at once, which sets
    off a full collection over the whole heap (50-80 ms measured, nothing found): more
    than the devices' INSERT. Reference counting frees memory as usual meanwhile; the
    collector resumes afterwards, unless it was already off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def refusable() -> Iterator[None]:
    """Run statements the database may refuse (a unique key), so that the caller can go on.

    PostgreSQL aborts the whole transaction on a refused statement: a savepoint keeps the
    rest. SQLite undoes only the refused statement, and pysqlite would commit a savepoint
    that opens the transaction (it sends no BEGIN before SAVEPOINT), so none is taken there.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        yield
        return
    with db.session.begin_nested():
        yield

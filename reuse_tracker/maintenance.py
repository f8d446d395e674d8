"""``flask backup``: a consistent copy of the database while the application runs."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from reuse_tracker.cli import fail
from reuse_tracker.extensions import db


@click.command(help="Write a consistent copy of the database to FILE while it runs.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@with_appcontext
def backup(file: Path, force: bool):
    if file.exists() and not force:
        fail(f"{file} exists; use --force to overwrite it.")
    file.parent.mkdir(parents=True, exist_ok=True)
    url = db.engine.url
    if url.get_backend_name() not in {"sqlite", "postgresql"}:
        fail(f"Backups of {url.get_backend_name()} databases are not supported.")
    # Write beside the target, then rename: FILE is never left half-written, and an
    # existing FILE (whatever it holds) is replaced only by a complete copy.
    partial = file.with_name(f".{file.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        if url.get_backend_name() == "sqlite":
            _backup_sqlite(url.database, partial)
        else:
            _backup_postgresql(url, partial)
        partial.replace(file)
    finally:
        partial.unlink(missing_ok=True)
    click.secho(f"Backup written to {file} ({file.stat().st_size:,} bytes).", fg="green")


def _backup_sqlite(database: str, file: Path) -> None:
    """Copy with SQLite's online backup API: consistent while others write."""
    source = sqlite3.connect(database)
    target = sqlite3.connect(file)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()


def _backup_postgresql(url, file: Path) -> None:
    """Dump with pg_dump, which reads one snapshot."""
    if shutil.which("pg_dump") is None:
        fail("pg_dump is not installed; install the PostgreSQL client tools.")
    # The password goes through the environment: a command line is visible to every user.
    dsn = sa.engine.URL.create(
        "postgresql", url.username, None, url.host, url.port, url.database, url.query
    ).render_as_string()
    env = {**os.environ, "PGPASSWORD": url.password} if url.password else None
    schemas = [f"--schema={name}" for name in _search_path(url)]
    result = subprocess.run(
        ["pg_dump", "--format=custom", *schemas, "--file", str(file), dsn],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if result.returncode != 0:
        fail(f"pg_dump failed: {result.stderr.strip()}")


def _search_path(url) -> list[str]:
    """The schemas ``options=-csearch_path=...`` puts the tables in: the backup holds those
    alone, not the database's other schemas (another installation's, a test run's)."""
    options = url.query.get("options", "")
    options = " ".join(options) if isinstance(options, tuple) else options
    found = re.search(r"-c\s*search_path\s*=\s*([^\s]+)", options)
    if not found:
        return []
    return [name.strip().strip('"') for name in found.group(1).split(",") if name.strip()]

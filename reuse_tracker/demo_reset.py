"""``flask demo-reset``: reload the demo, only into a database that holds the demo alone."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from reuse_tracker.auth.models import User
from reuse_tracker.cli import fail
from reuse_tracker.extensions import db
from reuse_tracker.intake.models import Donor


def holds_only_the_demo() -> tuple[bool, str]:
    """Tell whether every user and donor is the demo's (else: the first stranger found)."""
    from reuse_tracker.demo import DONORS, EMAIL_DOMAIN

    stranger = db.session.scalar(
        sa.select(User.email).where(~User.email.like(f"%@{EMAIL_DOMAIN}")).limit(1)
    )
    if stranger:
        return False, f"user {stranger}"
    names = [profile.name for profile in DONORS.values()]
    donor = db.session.scalar(sa.select(Donor.name).where(Donor.name.not_in(names)).limit(1))
    if donor:
        return False, f"donor {donor}"
    return True, ""


def empty_every_table() -> None:
    """Delete every row, children first, below the ORM (which refuses to delete events)."""
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@click.command(
    "demo-reset",
    help="Delete everything and load the demo again; refused unless the database holds "
    "only the demo (its users and donors).",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@with_appcontext
def demo_reset(context: click.Context, yes: bool):
    from reuse_tracker.demo import demo

    only_demo, stranger = holds_only_the_demo()
    if not only_demo:
        fail(f"This database holds more than the demo ({stranger}): nothing was changed.")
    if not yes and not click.confirm("Delete every record and reload the demo?"):
        fail("Nothing was changed.")
    db.session.remove()
    empty_every_table()
    context.invoke(demo)

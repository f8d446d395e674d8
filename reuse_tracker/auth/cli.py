"""``flask users create`` and ``flask tokens create``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from reuse_tracker.auth import audit, services
from reuse_tracker.auth.models import Role
from reuse_tracker.cli import fail
from reuse_tracker.errors import UserError
from reuse_tracker.extensions import db

#: How the audit log names changes made on the server's command line.
CLI = "flask (command line)"


@click.group(help="Manage user accounts.")
def users():
    pass


@users.command("create", help="Create a user account.")
@click.argument("email")
@click.option(
    "--role",
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="What the user may do.",
)
@click.option("--name", help="Full name shown in the history (default: from the email).")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Password (asked for when omitted; at least 12 characters, not a common one).",
)
@with_appcontext
def create_user(email: str, role: str, name: str | None, password: str):
    try:
        user = services.create_user(email, role, password, name)
        audit.record("user.created", f"user:{user.id}", {"role": role}, actor_label=CLI)
    except UserError as error:
        db.session.rollback()
        details = "; ".join(f"{k}: {v}" for k, v in error.fields.items())
        fail(f"{error.message} {details}".strip())
    db.session.commit()
    click.secho(f"Created {user.email} ({user.role}).", fg="green")


@click.group(help="Manage API tokens.")
def tokens():
    pass


@tokens.command("create", help="Print a new API token for a user (shown once).")
@click.argument("email")
@click.option("--name", default="", help="What the token is for, e.g. 'inventory sync'.")
@with_appcontext
def create_token(email: str, name: str):
    user = services.find_user(email)
    if user is None:
        fail(f"No user with the email {email}.")
    token = services.create_token(user, name)
    audit.record(
        "token.created", f"user:{user.id}", {"prefix": token[:10], "name": name}, actor_label=CLI
    )
    db.session.commit()
    click.echo(token)

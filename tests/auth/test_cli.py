"""``flask users create`` and ``flask tokens create``."""

from __future__ import annotations

import sqlalchemy as sa

from reuse_tracker.auth.models import ApiToken, User
from reuse_tracker.auth.services import find_user, user_for_token
from reuse_tracker.extensions import db

PASSWORD = "long enough password"


def _users() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def _create(runner, email: str, role: str, *options: str, **kwargs):
    """Run ``flask users create EMAIL --role ROLE [options]``."""
    return runner.invoke(args=["users", "create", email, "--role", role, *options], **kwargs)


def test_users_create_with_password_option(runner):
    result = _create(
        runner,
        "Claire@Example.org",
        "coordinator",
        "--name",
        "Claire Martin",
        "--password",
        PASSWORD,
    )

    assert result.exit_code == 0, result.output
    assert "Created claire@example.org (coordinator)" in result.output
    user = find_user("claire@example.org")
    assert (user.role, user.name) == ("coordinator", "Claire Martin")
    assert user.check_password(PASSWORD)


def test_users_create_asks_for_the_password_twice(runner):
    result = _create(runner, "tech@example.org", "workshop", input=f"{PASSWORD}\n{PASSWORD}\n")

    assert result.exit_code == 0, result.output
    assert "Password" in result.output
    assert PASSWORD not in result.output  # hidden input
    user = find_user("tech@example.org")
    assert user.check_password(PASSWORD)
    assert user.name == "tech"


def test_users_create_refuses_a_duplicate_email(runner, make_user):
    make_user("viewer", email="taken@example.org")

    result = _create(runner, "TAKEN@example.org", "admin", "--password", PASSWORD)

    assert result.exit_code == 1
    assert "already exists" in result.output
    assert _users() == 1
    assert find_user("taken@example.org").role == "viewer"


def test_users_create_refuses_an_unknown_role(runner):
    result = _create(runner, "someone@example.org", "superuser", "--password", PASSWORD)

    assert result.exit_code == 2  # a usage error, from click
    assert "superuser" in result.output
    assert _users() == 0


def test_users_create_refuses_a_short_password(runner):
    result = _create(runner, "someone@example.org", "viewer", "--password", "short")

    assert result.exit_code == 1
    assert "The password does not meet the policy" in result.output
    assert "at least 12 characters" in result.output
    assert _users() == 0


def test_users_create_refuses_an_invalid_email(runner):
    result = _create(runner, "not-an-email", "viewer", "--password", PASSWORD)

    assert result.exit_code == 1
    assert "Invalid email address" in result.output
    assert _users() == 0


def test_tokens_create_prints_a_token_that_authenticates(runner, make_user):
    user = make_user("workshop", email="scanner@example.org")

    result = runner.invoke(args=["tokens", "create", "Scanner@example.org", "--name", "sync"])

    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert len(token.splitlines()) == 1 and token.startswith("rt_")
    assert user_for_token(token).id == user.id
    stored = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == user.id))
    assert stored.name == "sync"
    assert stored.token_hash != token  # only the hash is kept
    assert user_for_token(token + "x") is None


def test_tokens_create_for_an_unknown_user_fails(runner):
    result = runner.invoke(args=["tokens", "create", "nobody@example.org"])

    assert result.exit_code == 1
    assert "No user with the email nobody@example.org" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0

"""The audit log: sign-ins and administrative changes are recorded, and admins read them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from reuse_tracker.auth.audit import AuditEntry
from reuse_tracker.extensions import db
from tests.conftest import PASSWORD

ADDRESS = {"REMOTE_ADDR": "203.0.113.7"}


def _entries(action: str | None = None) -> list[AuditEntry]:
    statement = sa.select(AuditEntry).order_by(AuditEntry.id)
    if action:
        statement = statement.where(AuditEntry.action == action)
    return list(db.session.scalars(statement))


def test_a_refused_sign_in_is_recorded_with_the_email_tried_and_the_address(client, make_user):
    make_user("viewer", email="camille@example.org")
    form = {"email": "camille@example.org", "password": "not the password"}
    assert client.post("/login", data=form, environ_base=ADDRESS).status_code == 401
    (entry,) = _entries("login.failed")
    assert entry.actor_label == "camille@example.org"
    assert entry.details == {"email": "camille@example.org"}
    assert entry.remote_addr == "203.0.113.7"
    assert entry.actor_id is None


def test_a_sign_in_and_a_sign_out_are_recorded(client, make_user):
    user = make_user("viewer")
    form = {"email": user.email, "password": PASSWORD}
    assert client.post("/login", data=form, environ_base=ADDRESS).status_code == 302
    client.post("/logout")
    succeeded, logout = _entries()
    assert (succeeded.action, succeeded.actor_id, succeeded.target) == (
        "login.succeeded",
        user.id,
        f"user:{user.id}",
    )
    assert succeeded.remote_addr == "203.0.113.7"
    assert logout.action == "logout" and logout.actor_id == user.id


def test_users_and_tokens_created_on_the_command_line_are_recorded(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "chef@example.org",
            "--role",
            "coordinator",
            "--password",
            "une phrase assez longue",
        ]
    )
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["tokens", "create", "chef@example.org"]).exit_code == 0
    created, token = _entries()
    assert created.action == "user.created" and created.details == {"role": "coordinator"}
    assert token.action == "token.created" and token.target == created.target
    assert "flask" in token.actor_label


@pytest.mark.parametrize("role", ["coordinator", "workshop", "mediator", "viewer"])
def test_only_admins_read_the_audit_log(client, login, role):
    login(role)
    assert client.get("/admin/audit").status_code == 403


def test_an_admin_reads_the_log_in_french_filtered_by_kind(client, login, make_user, french):
    make_user("viewer", email="dominique@example.org")
    client.post("/login", data={"email": "dominique@example.org", "password": "wrong password"})
    login("admin")
    page = client.get("/admin/audit")
    assert page.status_code == 200
    assert "Journal d'audit" in page.text
    assert "connexion refusée" in page.text and "dominique@example.org" in page.text
    tokens_only = client.get("/admin/audit?kind=token")
    assert "dominique@example.org" not in tokens_only.text
    assert "Aucune entrée" in tokens_only.text
    assert client.get("/admin/audit?kind=²&page=1e20").status_code == 200


def test_the_audit_page_runs_a_constant_number_of_queries(client, login, count_queries):
    login("admin")
    from reuse_tracker.auth import audit

    counts = []
    for batch in (3, 60):
        for n in range(batch):
            audit.record("login.failed", details={"email": f"x{n}@example.org"})
        db.session.commit()
        with count_queries() as statements:
            assert client.get("/admin/audit").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]

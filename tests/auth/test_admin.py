"""Administration pages: users, roles, deactivation, one-time reset links, API tokens."""

import re

import pytest
import sqlalchemy as sa

from reuse_tracker.auth.audit import AuditEntry
from reuse_tracker.auth.models import ApiToken, User
from reuse_tracker.auth.services import create_token
from tests.conftest import PASSWORD


def _audit(db_session, action):
    return list(db_session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def _link(page: str) -> str:
    return re.search(r'id="reset-link" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("role", ["coordinator", "workshop", "mediator", "viewer"])
def test_only_admins_reach_the_administration(client, login, role):
    login(role)
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/tokens").status_code == 403
    assert client.post("/admin/users", data={"email": "x@example.org"}).status_code == 403


def test_an_admin_creates_a_user_who_sets_a_password_by_a_one_time_link(client, login, db_session):
    login("admin")
    response = client.post(
        "/admin/users", data={"email": "Claire@Ville.example", "name": "Claire", "role": "workshop"}
    )
    assert response.status_code == 200 and "claire@ville.example" in response.text
    link = _link(response.text)
    user = db_session.scalar(sa.select(User).where(User.email == "claire@ville.example"))
    assert user.role == "workshop"
    [entry] = _audit(db_session, "user.created")
    assert entry.target == f"user:{user.id}" and entry.details["role"] == "workshop"
    client.post("/logout")
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(f"/{path}").status_code == 200
    response = client.post(f"/{path}", data={"password": "nouveau mot de passe", "confirm": "x"})
    assert response.status_code == 422  # the two passwords differ: nothing changed
    response = client.post(
        f"/{path}", data={"password": "nouveau mot de passe", "confirm": "nouveau mot de passe"}
    )
    assert response.status_code == 302
    # One time only: the link is dead once used.
    assert client.get(f"/{path}").status_code == 410
    response = client.post(
        "/login", data={"email": "claire@ville.example", "password": "nouveau mot de passe"}
    )
    assert response.status_code == 302
    assert len(_audit(db_session, "user.password_reset")) == 1


def test_a_bad_new_user_is_refused_on_the_page_naming_the_field(client, login, make_user):
    login("admin")
    taken = make_user("viewer")
    response = client.post("/admin/users", data={"email": taken.email, "role": "viewer"})
    assert response.status_code == 422 and "already exists" in response.text
    response = client.post("/admin/users", data={"email": "", "role": "viewer"})
    assert response.status_code == 422 and "is required" in response.text


def test_roles_change_and_an_admin_cannot_demote_themselves(client, login, make_user, db_session):
    admin = login("admin")
    user = make_user("viewer")
    client.post(f"/admin/users/{user.id}/role", data={"role": "coordinator"})
    db_session.expire_all()
    assert db_session.get(User, user.id).role == "coordinator"
    [entry] = _audit(db_session, "user.role_changed")
    assert entry.details == {"old": "viewer", "new": "coordinator"} and entry.actor_id == admin.id
    response = client.post(
        f"/admin/users/{admin.id}/role", data={"role": "viewer"}, follow_redirects=True
    )
    assert "own role" in response.text
    db_session.expire_all()
    assert db_session.get(User, admin.id).role == "admin"


def test_a_deactivated_user_can_neither_sign_in_nor_use_a_token(
    app, client, login, make_user, db_session
):
    login("admin")
    user = make_user("workshop")
    token = create_token(user, "sync")
    db_session.commit()
    other = app.test_client()
    assert other.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    assert other.get("/devices").status_code == 200
    client.post(f"/admin/users/{user.id}/deactivate")
    db_session.expire_all()
    assert db_session.get(User, user.id) is not None  # never deleted
    assert other.get("/devices").status_code == 302  # the open session ends
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 401
    response = fresh.get("/api/v1/stock", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert len(_audit(db_session, "user.deactivated")) == 1
    client.post(f"/admin/users/{user.id}/reactivate")
    assert fresh.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_tokens_are_listed_and_revoked(client, login, make_user, db_session):
    login("admin")
    user = make_user("workshop")
    token = create_token(user, "inventaire")
    db_session.commit()
    page = client.get("/admin/tokens").text
    assert token[:10] in page and "inventaire" in page and user.email in page
    api_token = db_session.scalar(sa.select(ApiToken))
    client.post(f"/admin/tokens/{api_token.id}/revoke")
    response = client.get("/api/v1/stock", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    [entry] = _audit(db_session, "token.revoked")
    assert entry.details["prefix"] == token[:10]
    assert "Revoked on" in client.get("/admin/tokens").text


def test_the_users_page_runs_a_constant_number_of_queries(
    client, login, make_user, count_queries, db_session
):
    login("admin")
    for _ in range(2):
        create_token(make_user("viewer"))
    db_session.commit()
    with count_queries() as few:
        client.get("/admin/users")
    for _ in range(5):
        create_token(make_user("viewer"))
    db_session.commit()
    with count_queries() as many:
        client.get("/admin/users")
    assert len(many) == len(few)


def test_the_new_user_form_starts_on_the_least_powerful_role(client, login):
    login("admin")
    page = client.get("/admin/users").text
    form = page[page.index('id="role"') :]
    (selected,) = re.findall(r'<option selected value="(\w+)"|<option value="(\w+)" selected', form)
    assert "viewer" in selected

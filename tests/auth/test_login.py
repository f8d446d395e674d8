"""Signing in and out, CSRF, the login rate limit, security headers, the language switch."""

import re

import pytest
from werkzeug.security import generate_password_hash

from reuse_tracker import create_app
from tests.conftest import PASSWORD


def test_pages_need_a_signed_in_user(client):
    response = client.get("/devices")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_sign_in_then_out(client, make_user):
    user = make_user("coordinator")
    response = client.post(
        "/login?next=/devices", data={"email": user.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/devices"
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_wrong_password_says_so_without_telling_which_part(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "nope"})
    assert response.status_code == 401
    assert (
        "Identifiant ou mot de passe incorrect" in response.text
        or "Wrong email or password" in response.text
    )


def test_a_disabled_user_cannot_sign_in(client, make_user, db_session):
    user = make_user()
    user.is_enabled = False
    db_session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 401


def test_a_password_hashed_the_old_way_is_hashed_again_at_sign_in(client, make_user, db_session):
    user = make_user()
    user.password_hash = generate_password_hash(PASSWORD, method="scrypt:32768:8:1")  # before
    db_session.commit()
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )
    db_session.refresh(user)
    assert user.password_hash.startswith(client.application.config["PASSWORD_HASH_METHOD"] + "$")
    client.post("/logout")
    assert (
        client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    )


def test_a_new_installation_hashes_passwords_in_8_mib(tmp_path):
    method = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"}).config[
        "PASSWORD_HASH_METHOD"
    ]
    name, n, r, p = method.split(":")
    assert name == "scrypt" and 128 * int(n) * int(r) == 8 * 2**20
    assert int(n) * int(p) >= 2**16  # at least as much work as OWASP's scrypt settings ask


def test_next_cannot_send_the_user_elsewhere(client, make_user):
    user = make_user()
    response = client.post(
        "/login?next=//evil.example/x", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_healthz_answers_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_security_headers_and_cookie_flags(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in page.headers["Cache-Control"]


def test_pages_are_french_by_default_and_english_on_request(french, client, login):
    login("coordinator")
    page = client.get("/").text
    assert '<html lang="fr">' in page and "Tableau de bord" in page
    client.post("/lang/en", data={"next": "/devices"})
    page = client.get("/").text
    assert '<html lang="en">' in page and "Dashboard" in page
    client.post("/lang/fr", data={"next": "/"})
    assert "Équipements par statut et par type" in client.get("/").text


def test_refusals_are_explained_in_french_by_default(french, client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "nope"})
    assert "Identifiant ou mot de passe incorrect" in response.text
    assert client.get("/api/v1/devices/RT-000001").json["error"]["message"] == (
        "Un jeton d'API valide est requis."
    )


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def test_forms_without_their_csrf_token_are_refused(csrf_app, client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/").status_code == 302  # still signed out
    page = client.get("/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.fixture
def limited_app(app):
    from reuse_tracker.extensions import limiter

    app.config["LOGIN_RATE_LIMIT"] = "10 per minute"
    limiter.reset()
    yield app
    limiter.reset()
    app.config["LOGIN_RATE_LIMIT"] = "10000 per minute"


def test_login_is_rate_limited(limited_app, client, make_user):
    user = make_user()
    codes = [
        client.post("/login", data={"email": user.email, "password": "wrong"}).status_code
        for _ in range(11)
    ]
    assert codes[:10] == [401] * 10
    assert codes[10] == 429

"""Security headers, cookies, idle sessions, the password policy and login rate limiting."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reuse_tracker import create_app
from reuse_tracker.auth import services
from reuse_tracker.errors import ValidationError
from tests.conftest import PASSWORD
from tests.servers import failed_logins, gunicorn, redis_rate_limits

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "reuse_tracker" / "templates"


def test_every_page_sends_the_security_headers(client, login):
    login("viewer")
    answer = client.get("/devices")
    csp = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Permissions-Policy"].startswith("camera=(self)")
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert "Strict-Transport-Security" not in answer.headers  # plain HTTP: no HSTS
    names = [name.lower() for name, _value in answer.headers.items()]
    assert len(names) == len(set(names))  # each said once
    static = client.get("/static/css/app.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")  # a file may be kept


def test_no_template_holds_an_inline_script_or_handler():
    """The CSP forbids inline scripts: every script is a file of static/js."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    found = []
    for template in [*TEMPLATES.rglob("*.html"), *ROOT.glob("reuse_tracker/*/templates/**/*.html")]:
        text = template.read_text(encoding="utf-8")
        if inline_script.search(text) or handler.search(text):
            found.append(str(template.relative_to(ROOT)))
    assert found == []


def test_hsts_is_sent_over_https_behind_the_proxy(app):
    proxied = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "test",
            "PROXY_FIX_HOPS": 1,
        }
    )
    answer = proxied.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in proxied.test_client().get("/login").headers


def _cookie(answer, name: str) -> str:
    return next(value for value in answer.headers.getlist("Set-Cookie") if value.startswith(name))


def test_session_and_remember_cookies_are_httponly_samesite_and_secure_over_https(app, make_user):
    user = make_user("viewer")
    form = {"email": user.email, "password": PASSWORD, "remember": "y"}
    answer = app.test_client().post("/login", data=form)
    for name in ("session=", "remember_token="):
        cookie = _cookie(answer, name)
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Secure" not in cookie
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    try:
        answer = app.test_client().post("/login", data=form, base_url="https://localhost")
        for name in ("session=", "remember_token="):
            assert "Secure" in _cookie(answer, name)
    finally:
        app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)


def test_a_session_ends_after_thirty_minutes_without_a_request(client, login, frozen_clock, app):
    start = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    frozen_clock(start)
    login("viewer")
    assert client.get("/devices").status_code == 200
    frozen_clock(start + timedelta(minutes=29))
    assert client.get("/devices").status_code == 200  # each request restarts the count
    frozen_clock(start + timedelta(minutes=29 + 31))
    answer = client.get("/devices")
    assert answer.status_code == 302 and "/login" in answer.location
    assert client.get("/devices").status_code == 302  # signed out for good
    assert app.config["SESSION_IDLE_MINUTES"] == 30


def test_pages_read_within_a_minute_send_no_new_session_cookie(client, login, frozen_clock):
    start = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    frozen_clock(start)
    client.get("/login")  # as a browser does: the form's CSRF token goes into the session
    login("viewer")
    assert "Set-Cookie" not in client.get("/devices").headers  # the sign-in's cookie holds
    frozen_clock(start + timedelta(seconds=40))
    assert "Set-Cookie" not in client.get("/devices").headers  # nothing new to say
    frozen_clock(start + timedelta(seconds=70))
    assert "session=" in client.get("/devices").headers.get("Set-Cookie", "")  # time noted
    frozen_clock(start + timedelta(seconds=70, minutes=29))
    assert client.get("/devices").status_code == 200  # idle counted from the noted time


@pytest.mark.parametrize(
    "password", ["court", "motdepasse2024", "PASSWORD123456", "azertyuiop123", "qwertyuiop123"]
)
def test_a_short_or_common_password_is_refused(app_ctx, password):
    with pytest.raises(ValidationError) as refused:
        services.create_user("nouveau@example.org", "viewer", password)
    assert "password" in refused.value.fields


def test_the_password_policy_speaks_french(app_ctx, french):
    from flask_babel import force_locale

    with force_locale("fr"), pytest.raises(ValidationError) as refused:
        services.check_password("password1234")
    assert "mots de passe courants" in refused.value.fields["password"]
    with force_locale("fr"), pytest.raises(ValidationError) as refused:
        services.check_password("court")
    assert "12 caractères au moins" in refused.value.fields["password"]


def test_the_email_cannot_be_the_password(app_ctx, make_user):
    user = make_user("viewer", email="camille.durand.nantes@example.org")
    with pytest.raises(ValidationError):
        services.set_password(user, "camille.durand.nantes")
    services.set_password(user, "une phrase de passe assez longue")
    assert user.check_password("une phrase de passe assez longue")


# --- Login rate limiting across gunicorn workers, kept in Redis ------------------------------


@pytest.fixture
def three_workers(app_ctx, database_url, tmp_path):
    """``gunicorn -w 3`` on this run's database, its login limit kept in Redis."""
    env = redis_rate_limits("5 per minute")
    with gunicorn(database_url, tmp_path / "gunicorn.log", workers=3, env=env) as base:
        yield base


def test_the_login_limit_holds_across_three_workers(three_workers, make_user):
    user = make_user("viewer")
    # Each attempt on a new connection: the workers share them out.
    statuses = failed_logins([three_workers], user.email, 12)
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429] * 7  # one count for all three workers


@pytest.fixture
def limited_app(app):
    """Build an application of its own with rate-limit settings; the shared limiter's counts and
    defaults are put back afterwards."""
    from reuse_tracker.extensions import db, limiter

    built = []

    def build(**settings):
        limiter.reset()
        settings = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], **settings}
        built.append(create_app({"TESTING": True, "SECRET_KEY": "test", **settings}))
        return built[-1]

    yield build
    limiter.limit_manager.set_default_limits([])  # the one limiter keeps an app's defaults
    limiter.reset()
    for other in built:
        with other.app_context():
            db.engine.dispose()


def test_the_document_checks_are_limited_and_other_pages_are_not(limited_app):
    client = limited_app().test_client()
    codes = [client.get("/verify?code=NO-SUCH").status_code for _ in range(61)]
    assert codes[:60] == [404] * 60 and codes[60] == 429  # 60 per minute
    assert [client.get("/healthz").status_code for _ in range(70)] == [200] * 70


def test_a_limit_set_for_every_route_counts_every_route(limited_app):
    client = limited_app(RATELIMIT_DEFAULT="5 per minute").test_client()
    assert [client.get("/healthz").status_code for _ in range(6)] == [200] * 5 + [429]


def test_a_route_without_a_limit_is_not_checked_at_all(limited_app, monkeypatch):
    from flask_limiter import Limiter

    checked = []
    check = Limiter._check_request_limit

    def counting(self, *args, **kwargs):
        checked.append(1)
        return check(self, *args, **kwargs)

    monkeypatch.setattr(Limiter, "_check_request_limit", counting)
    client = limited_app().test_client()
    assert client.get("/healthz").status_code == 200 and checked == []
    assert client.get("/verify?code=NO-SUCH").status_code == 404 and checked  # its limit

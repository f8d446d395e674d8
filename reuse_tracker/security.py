"""Security headers on every answer, the reverse proxy, and sessions that end when idle."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, Response, flash, redirect, request, session, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

from reuse_tracker import clock
from reuse_tracker.i18n import lazy_gettext as _l

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "media-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
#: Where the time of the signed-in user's last request is kept in the session.
LAST_SEEN = "last_seen"
#: The time is noted again only when it is this old: a session cookie re-signed and sent back
#: with every answer costs each request its serialisation (the idle limit moves by at most it).
LAST_SEEN_STEP = timedelta(minutes=1)


def register_security(app: Flask) -> None:
    """Add security headers, trust the proxy if told to, and end idle sessions."""
    hops = int(app.config.get("PROXY_FIX_HOPS") or 0)
    if hops:
        # Behind a reverse proxy: the client's address, scheme and host come from it.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    idle = timedelta(minutes=int(app.config.get("SESSION_IDLE_MINUTES") or 30))
    app.config["PERMANENT_SESSION_LIFETIME"] = idle
    # The cookie is sent again when the session changes (its time, at most once a minute),
    # not re-signed for every answer.
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False

    @app.before_request
    def _end_idle_session():
        return end_idle_session(idle)

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
        if request.is_secure:  # HTTPS, or HTTPS at the proxy (PROXY_FIX_HOPS)
            headers.setdefault("Strict-Transport-Security", HSTS)
        if not (request.endpoint or "").endswith("static"):
            response.cache_control.private = True
            response.cache_control.no_store = True
        return response


def end_idle_session(idle: timedelta):
    """Sign out a user whose previous request is older than ``idle``; note this request's time
    (at most once per ``LAST_SEEN_STEP``)."""
    from flask_login import logout_user

    if "_user_id" not in session or (request.endpoint or "").endswith("static"):
        return None
    now = clock.now()
    seen = session.get(LAST_SEEN)
    try:
        quiet = None if seen is None else now - datetime.fromisoformat(seen)
    except (TypeError, ValueError):
        quiet = idle + LAST_SEEN_STEP  # an unreadable time: as if long ago
    expired = quiet is not None and quiet > idle
    if expired:
        logout_user()
        session.clear()
        session["_remember"] = "clear"  # Flask-Login then deletes the remember-me cookie too
        if request.path.startswith("/api/"):
            return None  # the API signs in by token; the session is simply gone
        flash(_l("Your session ended after a period without activity. Please sign in again."))
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if not session.permanent:
        session.permanent = True
    if quiet is None or quiet >= LAST_SEEN_STEP or quiet < timedelta(0):
        session[LAST_SEEN] = now.isoformat(timespec="seconds")
    return None

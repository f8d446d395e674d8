"""Security headers on every answer, the reverse proxy, and sessions that end when idle."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from flask import Flask, Response, current_app, flash, redirect, request, session, url_for
from flask_limiter.util import get_qualified_name
from flask_login import user_logged_in
from werkzeug.middleware.proxy_fix import ProxyFix

from reuse_tracker import clock
from reuse_tracker.extensions import limiter
from reuse_tracker.i18n import lazy_gettext as _l

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "media-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"
#: Sent with every answer that does not set them itself. Added in one go: a header set one at a
#: time looks through the answer's headers each time (a tenth of a page's fixed cost).
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(self), microphone=(), geolocation=()"),
)
#: What a page's answer may be kept as: by the browser only, and not on disk.
PRIVATE = "private, no-store"
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

    _count_only_limited_routes(app)

    # The sign-in answer's cookie already holds what the next request would add (a permanent
    # session, its time): the first page after it then sends no new cookie either.
    user_logged_in.connect(_note_sign_in, app)

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        present = {name.lower() for name, _value in headers.items()}
        headers.extend([pair for pair in SECURITY_HEADERS if pair[0].lower() not in present])
        if request.is_secure and "strict-transport-security" not in present:
            headers.add("Strict-Transport-Security", HSTS)  # HTTPS, or HTTPS at the proxy
        if not (request.endpoint or "").endswith("static"):
            if "cache-control" in present:  # the view's own directives, and these
                response.cache_control.private = True
                response.cache_control.no_store = True
            else:
                headers.add("Cache-Control", PRIVATE)
        return response


#: Where an application keeps, for each endpoint, whether no rate limit applies to it.
UNLIMITED = "reuse_tracker.unlimited"
#: Settings that set a limit for every route: with any of them, every request is counted.
LIMITS_FOR_ALL = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")


def _count_only_limited_routes(app: Flask) -> None:
    """Let the rate limiter pass over the routes that have no limit.

    Flask-Limiter works out every request's limits (the defaults, the blueprint's, the
    view's): a tenth of a plain page's fixed cost, though three views only have one (sign-in,
    the document checks). Whether a route has one does not change once the routes are made:
    it is worked out at its first request, the way Flask-Limiter itself does."""
    if any(app.config.get(name) for name in LIMITS_FOR_ALL):
        return
    app.extensions[UNLIMITED] = {}
    # The filter below makes Flask-Limiter's check of such a route short; going round the
    # check altogether saves it the rest (20 µs of a 0.37 ms request). Were the check not
    # where Flask-Limiter puts it, the filter alone would do.
    hooks = app.before_request_funcs.setdefault(None, [])
    check = limiter._check_request_limit
    if check in hooks:
        hooks[hooks.index(check)] = partial(_check_if_limited, check)


def _check_if_limited(check):
    return None if _unlimited() else check()


@limiter.request_filter
def _unlimited() -> bool:
    known = current_app.extensions.get(UNLIMITED)
    if known is None:
        return False
    endpoint = request.endpoint or ""
    unlimited = known.get(endpoint)
    if unlimited is None:
        manager = limiter.limit_manager
        view = current_app.view_functions.get(endpoint)
        unlimited = known[endpoint] = not (
            manager.default_limits
            or manager.application_limits
            or manager.has_hints(endpoint)
            or (view is not None and manager.decorated_limits(get_qualified_name(view)))
            or (request.blueprint and manager.blueprint_limits(current_app, request.blueprint))
        )
    return unlimited


def _note_sign_in(app: Flask, **_extra) -> None:
    session.permanent = True
    session[LAST_SEEN] = clock.now().isoformat(timespec="seconds")


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

"""Bearer tokens for the JSON API: the only way in, never a session cookie.

The API is exempt from CSRF, so a cookie must never authenticate it: a page on
another site could otherwise make a signed-in browser call it.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, g, request
from flask_babel import get_locale

from reuse_tracker.auth import services as auth_services
from reuse_tracker.auth.access import Unauthenticated
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l

#: Endpoints anyone may call without a token.
PUBLIC_ENDPOINTS = frozenset({"api.openapi"})


def public(view: Callable) -> Callable:
    """Mark an API view that anyone may call without a token (open data)."""
    view.is_public = True
    return view


def is_public(endpoint: str | None) -> bool:
    """Tell whether ``endpoint`` takes no token."""
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return endpoint in PUBLIC_ENDPOINTS or getattr(view, "is_public", False)


def bearer_token() -> str | None:
    """Return the token of the ``Authorization: Bearer <token>`` header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def authenticate() -> None:
    """Resolve the bearer token into ``g.api_user``, or refuse the request with 401."""
    g.api_user, g.invalid_token = None, False
    if is_public(request.endpoint):
        return
    token = bearer_token()
    if token is None:
        raise Unauthenticated(_l("A valid API token is required."))
    api_token = auth_services.live_token(token)
    if api_token is None:
        g.invalid_token = True
        raise Unauthenticated(_l("This API token is invalid or has been revoked."))
    g.api_user = api_token.user
    if auth_services.touch_token(api_token):
        # Committed now, alone: the request's own work commits or rolls back later.
        db.session.commit()


def finish(response: Response) -> Response:
    """Add the Bearer challenge to 401 answers and say which language messages are in."""
    if response.status_code == 401:
        challenge = 'Bearer realm="reuse_tracker"'
        if g.get("invalid_token"):
            challenge += ', error="invalid_token"'
        response.headers["WWW-Authenticate"] = challenge
    response.headers.setdefault("Content-Language", str(get_locale() or "fr"))
    return response

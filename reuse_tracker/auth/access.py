"""Role checks for pages and the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g, request
from flask_login import current_user

from reuse_tracker.errors import PermissionDenied, UserError
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.policy import EDIT_INTAKE, READ, WORKSHOP

__all__ = ["EDIT_INTAKE", "READ", "WORKSHOP", "current_actor", "roles_required"]


class Unauthenticated(UserError):
    status = 401
    code = "unauthorized"


def current_actor():
    """Return the user behind this request: the API token's or the session's."""
    return getattr(g, "api_user", None) or (current_user if current_user.is_authenticated else None)


def roles_required(*roles: str) -> Callable:
    """Let a view run only for signed-in users with one of ``roles`` (admins always)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = current_actor()
            if user is None:
                if request.path.startswith("/api/"):
                    raise Unauthenticated(_l("A valid API token is required."))
                from reuse_tracker.extensions import login_manager

                return login_manager.unauthorized()
            if not user.has_role(*roles):
                raise PermissionDenied(_l("Your role does not allow this."))
            return view(*args, **kwargs)

        wrapper.allowed_roles = tuple(roles)
        return wrapper

    return decorator

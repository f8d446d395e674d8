"""What admins change about users and tokens: each change audited, nothing ever deleted.

A password is reset through a one-time link: a signed token that carries a fingerprint of
the password hash it was issued for, so it stops working once the password has changed.
"""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from reuse_tracker.auth import audit, services
from reuse_tracker.auth.models import ApiToken, Role, User
from reuse_tracker.db_types import utcnow
from reuse_tracker.errors import ConflictError, NotFoundError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l

#: How long a reset link works, in seconds (two days: time to read one's mail).
RESET_LINK_MAX_AGE = 2 * 24 * 3600


def users() -> list[User]:
    """Every user, enabled first, by email, with their tokens loaded (one query)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .options(sa.orm.selectinload(User.tokens))
            .order_by(User.is_enabled.desc(), User.email)
        )
    )


def tokens() -> list[ApiToken]:
    """Every API token, live ones first, newest first, with its user."""
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .options(sa.orm.joinedload(ApiToken.user))
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())
        )
    )


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError(_l("No user has this number."))
    return user


def create(email: str, role: str, name: str, *, actor: User) -> User:
    """Add a user with an unusable random password (they set theirs by a reset link); flush."""
    user = services.create_user(email, role, secrets.token_urlsafe(24) + "aA1!", name or None)
    audit.record(
        "user.created", f"user:{user.id}", {"email": user.email, "role": role}, actor=actor
    )
    return user


def change_role(user: User, role: str, *, actor: User) -> None:
    """Give ``user`` another role; an admin cannot take their own away; flush."""
    if role not in set(Role):
        raise ValidationError(_l("Unknown role."), {"role": str(_l("choose a role in the list"))})
    if user.id == actor.id and role != user.role:
        raise ConflictError(_l("You cannot change your own role: ask another administrator."))
    if role == user.role:
        return
    old, user.role = user.role, role
    audit.record("user.role_changed", f"user:{user.id}", {"old": old, "new": role}, actor=actor)
    db.session.flush()


def set_enabled(user: User, enabled: bool, *, actor: User) -> None:
    """Deactivate (never delete) or reactivate ``user``; their tokens stop working meanwhile."""
    if user.id == actor.id and not enabled:
        raise ConflictError(_l("You cannot deactivate your own account."))
    if user.is_enabled == enabled:
        return
    user.is_enabled = enabled
    action = "user.reactivated" if enabled else "user.deactivated"
    audit.record(action, f"user:{user.id}", {"email": user.email}, actor=actor)
    db.session.flush()


def revoke_token(token_id: int, *, actor: User) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFoundError(_l("No API token has this number."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            "token.revoked",
            f"token:{token.id}",
            {"prefix": token.prefix, "user": token.user.email},
            actor=actor,
        )
        db.session.flush()
    return token


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def reset_token(user: User, *, actor: User) -> str:
    """Issue a one-time password-reset token for ``user``; audited; flush."""
    audit.record("user.reset_link_issued", f"user:{user.id}", {"email": user.email}, actor=actor)
    return _serializer().dumps({"user": user.id, "fp": _fingerprint(user)})


def user_for_reset(token: str) -> User:
    """Return the user a live reset token is for; raise ValidationError when it is not."""
    try:
        data = _serializer().loads(token, max_age=RESET_LINK_MAX_AGE)
    except SignatureExpired:
        raise ValidationError(
            _l("This link has expired: ask an administrator for a new one.")
        ) from None
    except BadSignature:
        raise ValidationError(_l("This link is not valid.")) from None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or not user.is_enabled or data.get("fp") != _fingerprint(user):
        raise ValidationError(_l("This link has already been used or is no longer valid."))
    return user


def reset_password(token: str, password: str) -> User:
    """Set the password of the token's user; the link then stops working; flush."""
    user = user_for_reset(token)
    if len(password) < services.MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _l("Password too short."),
            {"password": str(_l("at least %(n)s characters", n=services.MIN_PASSWORD_LENGTH))},
        )
    user.set_password(password)
    audit.record("user.password_reset", f"user:{user.id}", {}, actor=user)
    db.session.flush()
    return user

"""Creating users and API tokens, and finding who a token belongs to."""

from __future__ import annotations

import functools
import secrets
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

from reuse_tracker.auth.models import ApiToken, Role, User
from reuse_tracker.db_types import utcnow
from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l

MIN_PASSWORD_LENGTH = 12
#: Passwords long enough but known to every attacker's list (one a line, ``#`` comments).
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


@functools.cache
def common_passwords() -> frozenset[str]:
    """Return the bundled list of common passwords, lower-cased."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def check_password(password: str, email: str = "") -> None:
    """Refuse a password under the policy: too short, too common, or the e-mail itself."""
    problem = None
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        problem = _l("at least %(n)s characters", n=MIN_PASSWORD_LENGTH)
    elif password.strip().lower() in common_passwords():
        problem = _l("this password is in the lists of common passwords: choose another")
    elif email and password.strip().lower() in {email.lower(), email.split("@")[0].lower()}:
        problem = _l("must not be your email address")
    if problem is not None:
        raise ValidationError(
            _l("The password does not meet the policy."), {"password": str(problem)}
        )


def set_password(user: User, password: str) -> None:
    """Give ``user`` a new password after checking it against the policy; flush."""
    check_password(password, user.email)
    user.set_password(password)
    db.session.flush()


def normalise_email(raw: str) -> str:
    """Return the email checked and lower-cased, or raise ValidationError."""
    from email_validator import EmailNotValidError, validate_email  # on first use only

    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValidationError(_l("Invalid email address."), {"email": str(error)}) from None


def create_user(email: str, role: str, password: str, name: str | None = None) -> User:
    """Add a user; flush."""
    email = normalise_email(email)
    if role not in set(Role):
        raise ValidationError(_l("Unknown role."), {"role": ", ".join(Role)})
    check_password(password, email)
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise ValidationError(_l("A user with this email already exists."), {"email": email})
    user = User(email=email, role=role, name=name or email.split("@")[0])
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def signed_in_user(user_id: int) -> User | None:
    """Return the user a session names, or None: read at the start of every signed-in request,
    by a statement built once (``session.get`` builds its query each time: 118 → 90 µs)."""
    return db.session.scalar(_user_by_id(), {"id": user_id})


@lru_cache(maxsize=1)
def _user_by_id() -> sa.Select:
    return sa.select(User).where(User.id == sa.bindparam("id"))


def create_token(user: User, name: str = "") -> str:
    """Issue a new API token for ``user``; return it (it is stored hashed only); flush."""
    token = "rt_" + secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(user=user, token_hash=ApiToken.hash(token), prefix=token[:10], name=name)
    )
    db.session.flush()
    return token


def live_token(token: str) -> ApiToken | None:
    """Return the unrevoked token of an enabled user, its user loaded, or None."""
    api_token = db.session.scalar(_live_token(), {"hash": ApiToken.hash(token)})
    if api_token is None or not api_token.user.is_active:
        return None
    return api_token


@lru_cache(maxsize=1)
def _live_token() -> sa.Select:
    """``live_token``'s statement, built once (every API request runs it)."""
    return (
        sa.select(ApiToken)
        .where(ApiToken.token_hash == sa.bindparam("hash"), ApiToken.revoked_at.is_(None))
        .options(sa.orm.joinedload(ApiToken.user))
    )


def user_for_token(token: str) -> User | None:
    """Return the enabled user owning a live token, or None."""
    api_token = live_token(token)
    return api_token.user if api_token else None


def touch_token(api_token: ApiToken, every: timedelta = timedelta(minutes=1)) -> bool:
    """Record the token's use at most once per ``every`` (no write per request); tell if so."""
    now = utcnow()
    if api_token.last_used_at is not None and now - api_token.last_used_at < every:
        return False
    api_token.last_used_at = now
    return True


def touch_login(user: User) -> None:
    user.last_login_at = utcnow()

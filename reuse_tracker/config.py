"""Configuration read from the environment, with working embedded defaults."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{Path(instance_path) / 'reuse_tracker.sqlite'}"
    # Heroku-style URLs and bare postgresql:// select the psycopg 3 driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _secret_key(instance_path: str) -> str:
    """Return SECRET_KEY, or a random key kept in the instance folder."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when several workers start at once, exactly one writes the key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as key_file:
            key_file.write(secrets.token_hex(32))
    for _attempt in range(50):
        if key := path.read_text().strip():
            return key
        time.sleep(0.01)  # the writer has created the file but not yet written the key
    raise RuntimeError(f"{path} is empty; delete it or set SECRET_KEY")


def from_environment(instance_path: str) -> dict:
    """Build the configuration mapping from environment variables."""
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "ASSET_TAG_PREFIX": os.environ.get("ASSET_TAG_PREFIX", "RT"),
        "PROGRAMME_NAME": os.environ.get(
            "PROGRAMME_NAME", "Ville de Nantes — Programme de réemploi informatique"
        ),
        "WORKSHOP_NAME": os.environ.get("WORKSHOP_NAME", "Atelier de reconditionnement"),
        #: Who signs erasure certificates (default: the user who prints it).
        "WORKSHOP_LEAD": os.environ.get("WORKSHOP_LEAD", ""),
        "WORKSHOP_LEAD_ROLE": os.environ.get("WORKSHOP_LEAD_ROLE", ""),
        "DEFAULT_LABEL_LAYOUT": os.environ.get("DEFAULT_LABEL_LAYOUT", "avery-l7160"),
        "BABEL_DEFAULT_LOCALE": os.environ.get("DEFAULT_LOCALE", "fr"),
        "TIMEZONE": os.environ.get("TIMEZONE", "Europe/Paris"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Europe/Paris"),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", 5 * 1024 * 1024)),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        #: How passwords are hashed (Werkzeug's method). OWASP's scrypt setting of 8 MiB (N=2^13,
        #: r=8, p=10) rather than Werkzeug's default (N=2^15, p=1: 32 MiB a sign-in, in every
        #: worker's peak memory, and less work than OWASP's minimum).
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt:8192:8:10"),
        #: Minutes without a request after which a signed-in session ends.
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", 30)),
        #: How many reverse proxies stand in front (their X-Forwarded-* headers are trusted).
        "PROXY_FIX_HOPS": int(os.environ.get("PROXY_FIX_HOPS", 0)),
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "reuse_tracker"),
        "WTF_CSRF_TIME_LIMIT": None,
        "BOOTSTRAP_SERVE_LOCAL": True,
        "BOOTSTRAP_BOOTSWATCH_THEME": None,
        "DEVICES_PER_PAGE": 50,
        "IMPORT_MAX_ROWS": int(os.environ.get("IMPORT_MAX_ROWS", 20000)),
        "LOAN_DURATION_DAYS": int(os.environ.get("LOAN_DURATION_DAYS", 365)),
        "FAMILY_RETENTION_DAYS": int(os.environ.get("FAMILY_RETENTION_DAYS", 365)),
        "READINESS_WINDOW_DAYS": int(os.environ.get("READINESS_WINDOW_DAYS", 28)),
        "SIGNATURE_MAX_BYTES": int(os.environ.get("SIGNATURE_MAX_BYTES", 200_000)),
        #: Families the programme means to equip (Nantes 2021: 660 computers).
        "PROGRAMME_TARGET": int(os.environ.get("PROGRAMME_TARGET", 660)),
        #: Seconds a worker keeps the figures of an open period before computing them again.
        "METRICS_MAX_AGE": int(os.environ.get("METRICS_MAX_AGE", 300)),
        #: Families the associations mean to accompany each year (Nantes: 2,500).
        "SUPPORT_TARGET": int(os.environ.get("SUPPORT_TARGET", 2500)),
        #: Counts below this never leave through open data (French public statistics: 11).
        "OPEN_DATA_MIN_COUNT": int(os.environ.get("OPEN_DATA_MIN_COUNT", 11)),
        #: SMTP for the e-mails sent to donors (none: sending is refused with a message).
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 25)),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "reuse-tracker@localhost"),
    }

"""Configuration read from the environment, with working embedded defaults."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
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
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


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
        "DEFAULT_LABEL_LAYOUT": os.environ.get("DEFAULT_LABEL_LAYOUT", "avery-l7160"),
        "BABEL_DEFAULT_LOCALE": os.environ.get("DEFAULT_LOCALE", "fr"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TIMEZONE", "Europe/Paris"),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_BYTES", 5 * 1024 * 1024)),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "BOOTSTRAP_SERVE_LOCAL": True,
        "BOOTSTRAP_BOOTSWATCH_THEME": None,
        "DEVICES_PER_PAGE": 50,
        "IMPORT_MAX_ROWS": int(os.environ.get("IMPORT_MAX_ROWS", 20000)),
    }

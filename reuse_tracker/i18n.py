"""Language selection (French first, English available) and locale-aware filters."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, format_date, format_datetime, format_decimal, get_locale

LANGUAGES = {"fr": "Français", "en": "English"}


def select_locale() -> str | None:
    """Use the language the user chose, else French (also outside requests: the CLI)."""
    if not has_request_context():
        return None
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(LANGUAGES) or default
    return default


def register_i18n(app: Flask, babel: Babel) -> None:
    """Bind Flask-Babel and expose dates and numbers in the user's format to templates."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(
        date=lambda value, fmt="medium": format_date(value, fmt) if value else "",
        datetime=lambda value, fmt="medium": format_datetime(value, fmt) if value else "",
        number=lambda value: format_decimal(value) if value is not None else "",
    )

    @app.context_processor
    def _languages():
        return {"LANGUAGES": LANGUAGES, "current_locale": str(get_locale())}

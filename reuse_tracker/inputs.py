"""One input layer: every number and every text a request brings is read here, the same way.

Numbers are ASCII digits only (``str.isdigit`` also accepts "²" and "٣", which ``int`` then
refuses or reads as 3) and stay within bounds: record ids within what an INTEGER column holds
(``sizes.MAX_ID``), page numbers, counts. Texts are NFC-normalised, have a maximum length per
kind of field and refuse NUL and other control characters (tab and newline only where the
field takes several lines). Everything else is refused naming the field, never a 500.

``register(app)`` installs the two pieces that need no call site: the URL converter ``int``
(ASCII digits, at most ``MAX_ID``) and a guard that refuses, before any view runs, a query or
form value no field could store (a control character, or more than ``MAX_FIELD_CHARS``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask, abort, has_request_context, render_template, request
from werkzeug import routing

from reuse_tracker.errors import INVALID_FIELDS, ConflictError, ValidationError, wants_json
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.sizes import MAX_ID

#: The highest page number a list accepts (beyond it, the last page is shown).
MAX_PAGE = 1_000_000
#: The longest value any single form or query field may carry (a drawn signature's data URL
#: is the longest legitimate one); longer values are refused before a view runs.
MAX_FIELD_CHARS = 300_000
#: The largest count a form may ask for (labels to print, parts counted, wave targets).
MAX_COUNT = 100_000

_DIGITS = re.compile(r"[0-9]{1,19}", re.ASCII)
#: C0 controls, DEL and C1 controls; tab, newline and carriage return are handled apart.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]")

#: Kinds of text fields: (maximum length, whether the field takes several lines).
TEXT_KINDS: dict[str, tuple[int, bool]] = {
    "line": (200, False),
    "name": (200, False),
    "code": (80, False),
    "email": (254, False),
    "phone": (40, False),
    "search": (80, False),
    "address": (500, True),
    "notes": (2000, True),
    "long": (20_000, True),
}


def integer(raw: Any, *, low: int = 0, high: int = MAX_ID) -> int:
    """Return ``raw`` as a whole number from ``low`` to ``high``; raise ValueError saying why.

    Accepts an int or ASCII digits (an optional leading minus when ``low`` is negative),
    surrounding spaces ignored; never "²", "٣", "1e20" or "3.0".
    """
    if isinstance(raw, bool):
        raise ValueError(_l("must be a whole number"))
    if isinstance(raw, int):
        number = raw
    else:
        text = str(raw).strip() if isinstance(raw, str) else ""
        negative = text.startswith("-") and low < 0
        digits = text[1:] if negative else text
        if not _DIGITS.fullmatch(digits):
            raise ValueError(_l("must be a whole number"))
        number = -int(digits) if negative else int(digits)
    if not low <= number <= high:
        raise ValueError(_l("must be a whole number from %(low)s to %(high)s", low=low, high=high))
    return number


def optional_integer(raw: Any, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """Return ``integer(raw)``, or None when ``raw`` is missing or blank."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return integer(raw, low=low, high=high)


def record_id(raw: Any) -> int | None:
    """Return ``raw`` as a record number if it can be one, else None (for filters and lookups)."""
    try:
        return integer(raw, low=1, high=MAX_ID)
    except ValueError:
        return None


def page(raw: Any) -> int:
    """Return the page a list was asked for: 1 when malformed, at most ``MAX_PAGE``."""
    try:
        return min(integer(raw, low=1, high=10**19), MAX_PAGE)
    except ValueError:
        return 1


def per_page(raw: Any, default: int, maximum: int) -> int:
    """Return how many rows a page shows: ``default`` if malformed, at most ``maximum``."""
    try:
        return min(integer(raw, low=1, high=10**19), maximum)
    except ValueError:
        return default


def field_integer(raw: Any, name: str, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """Return an optional whole number of field ``name``; raise ValidationError naming it."""
    try:
        return optional_integer(raw, low=low, high=high)
    except ValueError as error:
        raise ValidationError(INVALID_FIELDS, {name: str(error)}) from None


def form_version(form: Mapping[str, str]) -> int:
    """Return the ``version`` a page form was filled from; refuse it missing or malformed.

    A form without its version is as stale as one with an old version (409): the stale
    check cannot be skipped by leaving it out or sending "²".
    """
    try:
        return integer(form.get("version"), low=0, high=MAX_ID)
    except ValueError:
        raise ConflictError(
            _l("This form is incomplete or out of date: reload the page and try again."),
            {"version": str(_l("must be the version the page was shown with"))},
            {"version": str(_l("Version"))},
        ) from None


def clean_text(
    raw: Any, kind: str = "line", *, max_length: int | None = None, multiline: bool | None = None
) -> str:
    """Return ``raw`` NFC-normalised and trimmed; raise ValueError saying why it is refused.

    ``kind`` (see ``TEXT_KINDS``) gives the maximum length and whether tab and newline are
    allowed; ``max_length`` and ``multiline`` override it.
    """
    limit, several_lines = TEXT_KINDS[kind]
    limit = limit if max_length is None else max_length
    several_lines = several_lines if multiline is None else multiline
    if raw is None:
        return ""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ValueError(_l("must be a text"))
    text = unicodedata.normalize("NFC", str(raw)).strip()
    if len(text) > limit:
        raise ValueError(_l("must be at most %(n)s characters", n=limit))
    if _CONTROLS.search(text) or _unpaired_surrogate(text):
        raise ValueError(_l("contains a control character that cannot be stored"))
    if not several_lines and _LINE_BREAKS.search(text):
        raise ValueError(_l("must be on one line"))
    return text.replace("\r\n", "\n") if several_lines else text


def all_single_lines(texts: Iterable[str]) -> bool:
    """Tell whether ``clean_text`` would take every one of ``texts`` unchanged, as one line.

    The quick check of a whole column of an import: one pass over the joined text.
    """
    joined = "".join(texts)
    return (
        unicodedata.is_normalized("NFC", joined)
        and not _CONTROLS.search(joined)
        and not _LINE_BREAKS.search(joined)
        and not _unpaired_surrogate(joined)
    )


def text_problem(raw: Any, kind: str = "line", **options: Any) -> str | None:
    """Return why ``clean_text`` refuses ``raw``, or None when it is accepted."""
    try:
        clean_text(raw, kind, **options)
    except ValueError as error:
        return str(error)
    return None


def not_one_of(allowed: Iterable[str], titles: Mapping[str, Any] | None = None) -> str:
    """Say that a value is none of ``allowed``: by their codes to the API, on a page in words.

    A page offers its choices in a list (only a tampered form gets here): its reader is told
    the choices' ``titles``, or that the value is none of those offered; never the codes.
    """
    codes = list(allowed)
    if not has_request_context() or wants_json():
        return str(_l("must be one of: %(allowed)s", allowed=", ".join(codes)))
    if titles is None:
        return str(_l("must be one of the choices offered"))
    return str(_l("must be one of: %(allowed)s", allowed=", ".join(str(titles[c]) for c in codes)))


def _unpaired_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class InputRefused(ValidationError):
    """A request value no field of the application could store, refused before any view."""


def _request_values() -> Iterable[tuple[str, str]]:
    yield from request.args.items(multi=True)
    has_body = request.content_length or request.headers.get("Transfer-Encoding")
    if has_body and request.mimetype != "application/json":  # without a body, no form to read
        yield from request.form.items(multi=True)


def storable_problem(value: str) -> str | None:
    """Say why no field could store ``value`` (a control character, too long), or None."""
    if len(value) > MAX_FIELD_CHARS:
        return str(_l("must be at most %(n)s characters", n=MAX_FIELD_CHARS))
    if _CONTROLS.search(value) or _unpaired_surrogate(value):
        return str(_l("contains a control character that cannot be stored"))
    return None


def refuse_unstorable() -> None:
    """Refuse a query, path or form value carrying a control character or too long to store."""
    if request.endpoint in {"static", "bootstrap.static"}:
        return
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and storable_problem(value) is not None:
            abort(404)  # a path that no record's name can hold names nothing
    errors = {
        name[:60]: problem
        for name, value in _request_values()
        if (problem := storable_problem(value)) is not None
    }
    if errors:
        raise InputRefused(INVALID_FIELDS, errors)


def _refused_page(error: InputRefused):
    """Answer a refused value with 422, on the page (never a redirect).

    The JSON answer names each field by its key; a page names no key (``device_type`` means
    nothing to the person who filled the form): it says what is wrong with the value.
    """
    from flask import jsonify

    if wants_json():
        return jsonify(error.to_dict()), error.status
    problems = "; ".join(dict.fromkeys(error.fields.values()))
    message = _l("A value of this form cannot be stored: it %(problems)s.", problems=problems)
    return render_template("errors/error.html", status=error.status, message=message), (
        error.status
    )


class IntegerConverter(routing.IntegerConverter):
    """``<int:…>`` in a URL: ASCII digits only, at most ``MAX_ID`` (else 404, never a 500).

    It keeps Werkzeug's class name: code that reads a rule's converters still knows it.
    """

    regex = r"[0-9]{1,19}"

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=False)


def register(app: Flask) -> None:
    """Install the URL converter and the guard of the one input layer (before any route)."""
    app.url_map.converters["int"] = IntegerConverter
    app.before_request(refuse_unstorable)
    app.register_error_handler(InputRefused, _refused_page)

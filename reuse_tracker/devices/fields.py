"""The fields each action takes: one description drives validation, forms and the API schema."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import LazyString

from reuse_tracker import inputs
from reuse_tracker.errors import INVALID_FIELDS, ValidationError
from reuse_tracker.features import registry
from reuse_tracker.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Field:
    """One input of an action."""

    name: str
    label: LazyString
    kind: str = "text"  # text | longtext | choice | int | decimal | date | datetime | checks
    required: bool = False
    choices: tuple[tuple[str, LazyString], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = 200
    #: A feature's own check, run on the value the kind accepted (may normalise it).
    cleaner: Callable[[Any], Any] | None = None
    #: How the history shows a recorded value (default: as stored, choices translated).
    display: Callable[[Any], str] | None = None
    #: The values a text field offers to pick from (its ``cleaner`` decides what it takes).
    suggestions: Callable[[], list[str]] | None = None

    def clean(self, raw: Any) -> Any:
        """Return the value checked and normalised, or raise ValueError with the reason."""
        value = self._clean_kind(raw)
        return self.cleaner(value) if self.cleaner else value

    def _clean_kind(self, raw: Any) -> Any:
        if self.kind == "checks":
            return _clean_checks(raw)
        if self.kind == "longtext" and self.cleaner and isinstance(raw, list):
            return raw  # a list of items sent as JSON goes straight to the feature's check
        if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal | date):
            raise ValueError(_l("must be a single value"))
        if isinstance(raw, str) and "\x00" in raw:
            raise ValueError(_l("contains a character that cannot be stored"))
        text = raw.strip() if isinstance(raw, str) else raw
        if self.kind == "choice":
            if text not in {value for value, _label in self.choices}:
                # The choices as people read them: the codes are in the API's schema.
                allowed = ", ".join(str(label) for _value, label in self.choices)
                raise ValueError(_l("must be one of: %(allowed)s", allowed=allowed))
            return text
        if self.kind in {"int", "decimal"}:
            return self._number(text)
        if self.kind == "date":
            return _clean_date(text)
        if self.kind == "datetime":
            return _clean_datetime(text)
        return inputs.clean_text(
            str(text), max_length=self.max_length, multiline=self.kind == "longtext"
        )

    def _number(self, raw: Any) -> int | float:
        if isinstance(raw, str) and not raw.isascii():
            raise ValueError(_l("must be a number"))  # Decimal would read "٣" as 3
        try:
            number = Decimal(str(raw).replace(",", ".").strip())
        except InvalidOperation:
            raise ValueError(_l("must be a number")) from None
        if not number.is_finite():
            raise ValueError(_l("must be a number"))
        if self.kind == "int":
            if number != number.to_integral_value():
                raise ValueError(_l("must be a whole number"))
            number = int(number)
        if self.minimum is not None and number < self.minimum:
            raise ValueError(_l("must be at least %(n)s", n=self.minimum))
        if self.maximum is not None and number > self.maximum:
            raise ValueError(_l("must be at most %(n)s", n=self.maximum))
        return int(number) if self.kind == "int" else float(number)


def _clean_date(raw: Any) -> str:
    if isinstance(raw, date):
        return raw.isoformat()
    try:
        return date.fromisoformat(str(raw)).isoformat()
    except ValueError:
        raise ValueError(_l("must be a date (YYYY-MM-DD)")) from None


def _clean_datetime(raw: Any) -> str:
    """Accept an ISO 8601 moment (``2021-03-12T09:14`` or with seconds, or a zone)."""
    if isinstance(raw, datetime):
        return raw.isoformat(timespec="seconds")
    try:
        moment = datetime.fromisoformat(str(raw).strip().replace(" ", "T", 1))
    except ValueError:
        raise ValueError(_l("must be a date and time (YYYY-MM-DDTHH:MM)")) from None
    return moment.isoformat(timespec="seconds")


def clean_serial(raw: str) -> str:
    """Keep a storage serial as the drive reports it: trimmed, single spaces, upper case."""
    return " ".join(raw.split()).upper()


def clean_sha256(raw: str) -> str:
    """Accept a SHA-256 as its 64 hexadecimal digits."""
    digest = raw.lower()
    if len(digest) != 64 or set(digest) - set("0123456789abcdef"):
        raise ValueError(_l("must be a SHA-256: 64 hexadecimal digits"))
    return digest


def _clean_checks(raw: Any) -> dict[str, str]:
    """Accept {"screen": "passed", ...} or a list of the names that failed."""
    if isinstance(raw, Mapping):
        checks = {str(k): str(v) for k, v in raw.items()}
        if any(v not in {"passed", "failed"} for v in checks.values()):
            raise ValueError(_l("each check must be passed or failed"))
        return checks
    raise ValueError(_l("must map each check to passed or failed"))


def choices(*pairs: tuple[str, LazyString]) -> tuple[tuple[str, LazyString], ...]:
    return tuple(pairs)


PASS_FAIL = choices(("passed", _l("passed")), ("failed", _l("failed")))
NOTES = Field("notes", _l("Notes"), kind="longtext", max_length=2000)


def fields_for(action: str) -> tuple[Field, ...]:
    """Return the fields ``action`` takes, from its ActionSpec."""
    from reuse_tracker.devices.actions import fields_for as spec_fields

    return spec_fields(action)


def labels_of(action: str) -> dict[str, LazyString]:
    """Return what each field of ``action`` is called on the page (refusals name fields so)."""
    return {field.name: field.label for field in fields_for(action)}


def validate(action: str, data: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check the fields of ``action``; return the clean values or raise ValidationError."""
    data = data or {}
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields_for(action):
        raw = data.get(field.name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if field.required:
                errors[field.name] = str(_l("is required"))
            continue
        try:
            clean[field.name] = field.clean(raw)
        except ValueError as error:
            errors[field.name] = str(error)
    if errors:
        raise ValidationError(INVALID_FIELDS, errors, labels_of(action))
    return clean


#: The diagnostic checklist offered for each device type.
DIAGNOSTIC_CHECKS: dict[str, tuple[str, ...]] = {
    "laptop": (
        "power",
        "screen",
        "keyboard",
        "touchpad",
        "battery",
        "storage",
        "memory",
        "wifi",
        "webcam",
        "ports",
    ),
    "desktop": ("power", "storage", "memory", "network", "ports", "video_output"),
    "monitor": ("power", "screen", "inputs"),
    "tablet": ("power", "screen", "touch", "battery", "wifi", "camera", "ports"),
    "smartphone": ("power", "screen", "touch", "battery", "wifi", "camera", "ports", "sim"),
}

CHECK_TITLES: dict[str, LazyString] = {
    "power": _l("Power"),
    "screen": _l("Screen"),
    "keyboard": _l("Keyboard"),
    "touchpad": _l("Touchpad"),
    "battery": _l("Battery"),
    "storage": _l("Storage"),
    "memory": _l("Memory"),
    "wifi": _l("Wi-Fi"),
    "webcam": _l("Webcam"),
    "ports": _l("Ports"),
    "network": _l("Network"),
    "video_output": _l("Video output"),
    "inputs": _l("Inputs"),
    "touch": _l("Touch screen"),
    "camera": _l("Camera"),
    "sim": _l("SIM slot"),
}


def check_title(name: str) -> str:
    """Return the title of a check: translated if built in, else the name made readable."""
    title = CHECK_TITLES.get(name)
    return str(title) if title else name.replace("_", " ").capitalize()


def default_checklist(device_type: str) -> tuple[str, ...]:
    """Return the built-in checklist of ``device_type``."""
    return DIAGNOSTIC_CHECKS.get(device_type, ())


def checklist_for(device_type: str) -> tuple[str, ...]:
    """Return the diagnostic checks offered for ``device_type`` (a feature may provide them)."""
    provider = registry().providers.get("checklist", default_checklist)
    return provider(device_type)


def from_form(action: str, form: Mapping[str, str]) -> dict[str, Any]:
    """Turn posted form fields into the action's data (``checks.<name>`` into a mapping)."""
    data: dict[str, Any] = {
        f.name: form.get(f.name) for f in fields_for(action) if f.kind != "checks"
    }
    checks = {
        key.split(".", 1)[1]: value
        for key, value in form.items()
        if key.startswith("checks.") and value in {"passed", "failed"}
    }
    if checks and any(f.kind == "checks" for f in fields_for(action)):
        data["checks"] = checks
    return data


#: Labels of values an action records without taking them as a field.
RECORDED_TITLES: dict[str, LazyString] = {"loan": _l("Loan number")}


def field_title(action: str, name: str) -> str:
    """Return the label of a recorded field, for the history."""
    for field in fields_for(action):
        if field.name == name:
            return str(field.label)
    return str(RECORDED_TITLES.get(name, name))


def value_title(action: str, name: str, value: Any) -> str:
    """Return a recorded value as the user reads it (choice labels translated)."""
    for field in fields_for(action):
        if field.name != name:
            continue
        if field.display:
            return field.display(value)
        if field.choices:
            return str(dict(field.choices).get(value, value))
        return _localised(field.kind, value)
    return _localised("", value)


def _localised(kind: str, value: Any) -> str:
    """Write a number or a date as the reader's language does (``1,85``, ``12 mars 2026``)."""
    from flask_babel import format_decimal

    from reuse_tracker.i18n import day

    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return format_decimal(value)
    if kind == "date" and isinstance(value, str):
        try:
            return day(date.fromisoformat(value), "medium")
        except ValueError:
            return value
    return str(value)

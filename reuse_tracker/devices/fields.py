"""The fields each action takes: one description drives validation, forms and the API schema."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from reuse_tracker.errors import ValidationError


@dataclass(frozen=True)
class Field:
    """One input of an action."""

    name: str
    label: LazyString
    kind: str = "text"  # text | longtext | choice | int | decimal | date | checks
    required: bool = False
    choices: tuple[tuple[str, LazyString], ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = 200

    def clean(self, raw: Any) -> Any:
        """Return the value checked and normalised, or raise ValueError with the reason."""
        if self.kind == "checks":
            return _clean_checks(raw)
        text = raw.strip() if isinstance(raw, str) else raw
        if self.kind == "choice":
            if text not in {value for value, _label in self.choices}:
                allowed = ", ".join(value for value, _label in self.choices)
                raise ValueError(_l("must be one of: %(allowed)s", allowed=allowed))
            return text
        if self.kind in {"int", "decimal"}:
            return self._number(text)
        if self.kind == "date":
            return _clean_date(text)
        text = str(text)
        if len(text) > self.max_length:
            raise ValueError(_l("must be at most %(n)s characters", n=self.max_length))
        return text

    def _number(self, raw: Any) -> int | float:
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


def _clean_checks(raw: Any) -> dict[str, str]:
    """Accept {"screen": "passed", ...} or a list of the names that failed."""
    if isinstance(raw, Mapping):
        checks = {str(k): str(v) for k, v in raw.items()}
        if any(v not in {"passed", "failed"} for v in checks.values()):
            raise ValueError(_l("each check must be passed or failed"))
        return checks
    raise ValueError(_l("must map each check to passed or failed"))


def _choices(*pairs: tuple[str, LazyString]) -> tuple[tuple[str, LazyString], ...]:
    return tuple(pairs)


PASS_FAIL = _choices(("passed", _l("passed")), ("failed", _l("failed")))
NOTES = Field("notes", _l("Notes"), kind="longtext", max_length=2000)

ACTION_FIELDS: dict[str, tuple[Field, ...]] = {
    "start_reconditioning": (NOTES,),
    "record_erasure": (
        Field("method", _l("NIST SP 800-88 method"), "choice", True, _choices(
            ("clear", _l("Clear")), ("purge", _l("Purge")), ("destroy", _l("Destroy")))),
        Field("technique", _l("Technique"), "choice", True, _choices(
            ("overwrite", _l("Overwrite")), ("block_erase", _l("Block erase")),
            ("crypto_erase", _l("Cryptographic erase")), ("sanitize", _l("Sanitize command")),
            ("physical_destruction", _l("Physical destruction")))),
        Field("tool", _l("Tool"), required=True, max_length=80),
        Field("tool_version", _l("Tool version"), max_length=40),
        Field("verification", _l("Verification"), "choice", True, _choices(
            ("full", _l("Full")), ("sampling", _l("Sampling")), ("none", _l("None")))),
        Field("result", _l("Result"), "choice", True, PASS_FAIL),
        Field("storage_serial", _l("Storage serial number"), max_length=80),
        NOTES,
    ),
    "record_diagnostics": (
        Field("result", _l("Result"), "choice", True, PASS_FAIL),
        Field("checks", _l("Checks"), "checks"),
        Field("battery_health_pct", _l("Battery health (%)"), "int", minimum=0, maximum=100),
        Field("storage_health", _l("Storage health"), "choice", choices=_choices(
            ("good", _l("good")), ("warning", _l("warning")), ("failing", _l("failing")))),
        NOTES,
    ),
    "grade": (
        Field("grade", _l("Cosmetic grade"), "choice", True, _choices(
            ("A", _l("A — like new")), ("B", _l("B — light wear")), ("C", _l("C — visible wear")))),
        Field("os", _l("Operating system installed"), max_length=120),
        NOTES,
    ),
    "mark_ready": (),
    "harvest": (NOTES,),
    "recycle": (
        Field("weight_kg", _l("Weight (kg)"), "decimal", True, minimum=0.01, maximum=50),
        Field("channel", _l("WEEE channel (eco-organisation)"), required=True, max_length=80),
        Field("reference", _l("Pick-up reference"), max_length=80),
        NOTES,
    ),
}


def fields_for(action: str) -> tuple[Field, ...]:
    return ACTION_FIELDS.get(action, ())


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
        raise ValidationError(_l("Some fields are missing or invalid."), errors)
    return clean


#: The diagnostic checklist offered for each device type.
DIAGNOSTIC_CHECKS: dict[str, tuple[str, ...]] = {
    "laptop": ("power", "screen", "keyboard", "touchpad", "battery", "storage", "memory",
               "wifi", "webcam", "ports"),
    "desktop": ("power", "storage", "memory", "network", "ports", "video_output"),
    "monitor": ("power", "screen", "inputs"),
    "tablet": ("power", "screen", "touch", "battery", "wifi", "camera", "ports"),
    "smartphone": ("power", "screen", "touch", "battery", "wifi", "camera", "ports", "sim"),
}

CHECK_TITLES: dict[str, LazyString] = {
    "power": _l("Power"), "screen": _l("Screen"), "keyboard": _l("Keyboard"),
    "touchpad": _l("Touchpad"), "battery": _l("Battery"), "storage": _l("Storage"),
    "memory": _l("Memory"), "wifi": _l("Wi-Fi"), "webcam": _l("Webcam"), "ports": _l("Ports"),
    "network": _l("Network"), "video_output": _l("Video output"), "inputs": _l("Inputs"),
    "touch": _l("Touch screen"), "camera": _l("Camera"), "sim": _l("SIM slot"),
}


def from_form(action: str, form: Mapping[str, str]) -> dict[str, Any]:
    """Turn posted form fields into the action's data (``checks.<name>`` into a mapping)."""
    data: dict[str, Any] = {f.name: form.get(f.name) for f in fields_for(action)
                            if f.kind != "checks"}
    checks = {key.split(".", 1)[1]: value for key, value in form.items()
              if key.startswith("checks.") and value in {"passed", "failed"}}
    if checks and any(f.kind == "checks" for f in fields_for(action)):
        data["checks"] = checks
    return data


def field_title(action: str, name: str) -> str:
    """Return the label of a recorded field, for the history."""
    for field in fields_for(action):
        if field.name == name:
            return str(field.label)
    return name


def value_title(action: str, name: str, value: Any) -> str:
    """Return a recorded value as the user reads it (choice labels translated)."""
    for field in fields_for(action):
        if field.name == name and field.choices:
            return str(dict(field.choices).get(value, value))
    return str(value)

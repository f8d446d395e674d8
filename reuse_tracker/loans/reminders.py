"""Following up overdue loans: reminders recorded with their outcome, and the association's CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from reuse_tracker import clock
from reuse_tracker.auth.models import User
from reuse_tracker.errors import INVALID_FIELDS, ConflictError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.loans.models import REMINDER_KINDS, REMINDER_OUTCOMES, Loan, LoanReminder
from reuse_tracker.loans.programme import parse_date, text
from reuse_tracker.vocabulary import LoanStatus

KIND_TITLES = dict(
    zip(
        REMINDER_KINDS,
        (_l("phone call"), _l("SMS"), _l("letter"), _l("home visit")),
        strict=True,
    )
)
OUTCOME_TITLES = dict(
    zip(
        REMINDER_OUTCOMES,
        (
            _l("family reached"),
            _l("no answer"),
            _l("return promised"),
            _l("device brought back"),
            _l("refuses to return it"),
        ),
        strict=True,
    )
)
#: A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def record_reminder(loan: Loan, data: Mapping[str, Any], actor: User | None) -> LoanReminder:
    """Record one follow-up of a running loan; flush."""
    if loan.status != LoanStatus.ON_LOAN:
        raise ConflictError(_l("This loan is not running: there is nobody to remind."))
    errors: dict[str, str] = {}
    kind, outcome = data.get("kind"), data.get("outcome")
    if kind not in REMINDER_KINDS:
        errors["kind"] = str(_l("choose how the family was reminded"))
    if outcome not in REMINDER_OUTCOMES:
        errors["outcome"] = str(_l("choose what came of it"))
    done_on = parse_date(data.get("done_on"), errors, "done_on") or clock.today()
    if done_on > clock.today():
        errors["done_on"] = str(_l("cannot be in the future"))
    note = text(data.get("note"), 500, errors, "note") or ""
    if errors:
        raise ValidationError(INVALID_FIELDS, errors)
    reminder = LoanReminder(
        loan_id=loan.id,
        kind=kind,
        outcome=outcome,
        done_on=done_on,
        note=note,
        by_id=actor.id if actor else None,
    )
    db.session.add(reminder)
    db.session.flush()
    return reminder


def neutralise(value: Any) -> str:
    """Return a cell's text that no spreadsheet runs as a formula (a leading quote)."""
    cell = "" if value is None else str(value)
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def overdue_csv(rows: Iterable[Any], today) -> str:
    """Return the overdue loans as CSV for an association: references, never identities."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            str(_l("Family")),
            str(_l("School")),
            str(_l("Association")),
            str(_l("Device")),
            str(_l("Due on")),
            str(_l("Days late")),
            str(_l("Last reminder")),
            str(_l("Outcome")),
            str(_l("Note")),
        ]
    )
    for loan, family, device, school, association, reminder in rows:
        writer.writerow(
            neutralise(cell)
            for cell in (
                family.reference,
                school.name if school else "",
                association.name if association else "",
                device.asset_tag,
                loan.due_on.isoformat(),
                (today - loan.due_on).days,
                f"{reminder.done_on.isoformat()} {KIND_TITLES[reminder.kind]}" if reminder else "",
                OUTCOME_TITLES[reminder.outcome] if reminder else "",
                reminder.note if reminder else "",
            )
        )
    return out.getvalue()

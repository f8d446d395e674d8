"""Following up overdue loans: reminders recorded with their outcome, and the association's CSV."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from reuse_tracker import clock, csv_export
from reuse_tracker.auth.models import User
from reuse_tracker.errors import INVALID_FIELDS, ConflictError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
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


def check_running(loan: Loan) -> None:
    """Refuse to remind anyone of a loan that is not running."""
    if loan.status != LoanStatus.ON_LOAN:
        raise ConflictError(_l("This loan is not running: there is nobody to remind."))


def record_reminder(loan: Loan, data: Mapping[str, Any], actor: User | None) -> LoanReminder:
    """Record one follow-up of a running loan; flush."""
    check_running(loan)
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


def overdue_csv(rows: Iterable[Any], today) -> str:
    """Return the overdue loans as CSV for an association: references, never identities.

    ``rows`` are ``queries.overdue_export_statement``'s: columns, not records (16,000 overdue
    loans read as six records each took seconds).
    """
    header = [
        _l("Family"),
        _l("School"),
        _l("Association"),
        _l("Device"),
        _l("Due on"),
        _l("Days late"),
        _l("Last reminder"),
        _l("Outcome"),
        _l("Note"),
    ]
    # Translated once, not once a row.
    kinds = {kind: str(title) for kind, title in KIND_TITLES.items()}
    outcomes = {outcome: str(title) for outcome, title in OUTCOME_TITLES.items()}
    lines = (
        (
            reference,
            school or "",
            association or "",
            asset_tag,
            due_on.isoformat(),
            (today - due_on).days,
            f"{done_on.isoformat()} {kinds[kind]}" if kind else "",
            outcomes[outcome] if outcome else "",
            note or "",
        )
        for reference, school, association, asset_tag, due_on, done_on, kind, outcome, note in rows
    )
    return "".join(csv_export.stream(header, [lines]))

"""Around the hand-over day: returns recorded where the family is met, a loan's page, the sheet."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from reuse_tracker import clock
from reuse_tracker.auth.access import roles_required
from reuse_tracker.devices import services as device_services
from reuse_tracker.errors import ConflictError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.loans import bp, queries
from reuse_tracker.loans.models import Loan, School, Wave
from reuse_tracker.policy import FAMILY_STAFF
from reuse_tracker.sizes import ID_CONVERTER as ID
from reuse_tracker.vocabulary import LoanStatus
from reuse_tracker.web import actor, get_or_404


def _back(loan: Loan) -> str:
    """Return the page the return was recorded from: the hand-over day or the family."""
    school_id = loan.family.school_id
    if request.form.get("back") == "handover" and loan.wave_id and school_id:
        return url_for(".handover", wave_id=loan.wave_id, school_id=school_id)
    return url_for(".family", reference=loan.family.reference)


@bp.route(f"/loans/<{ID}:loan_id>/return", methods=["POST"])
@roles_required(*FAMILY_STAFF)
def record_return(loan_id: int):
    """Record the return of a lent device from the family's or the hand-over page."""
    loan = get_or_404(Loan, loan_id)
    if loan.status != LoanStatus.ON_LOAN:
        raise ConflictError(_("This loan is not running: there is nothing to return."))
    back, tag = _back(loan), loan.device.asset_tag
    data = {"condition": request.form.get("condition", ""), "notes": request.form.get("notes")}
    device_services.perform(loan.device, "return", data, actor=actor())
    db.session.commit()
    flash(_("Return of %(tag)s recorded.", tag=tag), "success")
    return redirect(back)


@bp.route(f"/loans/<{ID}:loan_id>")
@roles_required(*FAMILY_STAFF)
def loan(loan_id: int):
    """A loan is read on its family's page (the device history links here)."""
    found = get_or_404(Loan, loan_id)
    return redirect(url_for(".family", reference=found.family.reference) + f"#loan-{found.id}")


@bp.route(f"/handover/<{ID}:wave_id>/<{ID}:school_id>/sheet")
@roles_required(*FAMILY_STAFF)
def handover_sheet(wave_id: int, school_id: int):
    """The day's sign-off sheet to print, for schools without tablets."""
    wave, school = get_or_404(Wave, wave_id), get_or_404(School, school_id)
    return render_template(
        "loans/handover_sheet.html",
        wave=wave,
        school=school,
        loans=queries.handover_loans(wave.id, school.id),
        today=clock.today(),
    )

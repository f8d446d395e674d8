"""Hand-over day, overdue loans, the charter (PDF, tablet signature) and its settings."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from reuse_tracker import clock
from reuse_tracker.auth.access import roles_required
from reuse_tracker.devices import services as device_services
from reuse_tracker.devices.models import Device
from reuse_tracker.devices.scanning import scanned_tag
from reuse_tracker.errors import UserError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.loans import bp, charter, charter_text, queries, signature
from reuse_tracker.loans.families import waiting_statement
from reuse_tracker.loans.models import Association, Family, Loan, School, Wave
from reuse_tracker.loans.programme import record_id
from reuse_tracker.loans.services import active_loan, default_due_on
from reuse_tracker.policy import COORDINATION, FAMILY_STAFF
from reuse_tracker.sizes import ID_CONVERTER as ID
from reuse_tracker.vocabulary import LoanStatus
from reuse_tracker.web import actor, pdf_response


def _get(model: type, key: int):
    found = db.session.get(model, key)
    if found is None:
        abort(404)
    return found


#: Overdue loans per page: a mediator's calls for a morning.
OVERDUE_PER_PAGE = 50


@bp.route(f"/handover/<{ID}:wave_id>/<{ID}:school_id>")
@roles_required(*FAMILY_STAFF)
def handover(wave_id: int, school_id: int):
    wave, school = _get(Wave, wave_id), _get(School, school_id)
    loans = db.session.execute(
        sa.select(Loan, Family, Device)
        .join(Family, Family.id == Loan.family_id)
        .join(Device, Device.id == Loan.device_id)
        .where(
            Loan.wave_id == wave.id,
            Family.school_id == school.id,
            Loan.status != LoanStatus.CANCELLED,
        )
        .order_by(Loan.status.desc(), Family.referred_on, Family.id)
    ).all()
    waiting = db.session.scalars(
        waiting_statement(wave.id).where(Family.school_id == school.id)
    ).all()
    associations = db.session.execute(
        sa.select(Association.id, Association.name).order_by(Association.name)
    ).all()
    return render_template(
        "loans/handover.html",
        wave=wave,
        school=school,
        loans=loans,
        waiting=waiting,
        associations=associations,
        today=clock.today(),
        default_due=default_due_on(clock.today()),
    )


@bp.route(f"/handover/<{ID}:wave_id>/<{ID}:school_id>", methods=["POST"])
@roles_required(*FAMILY_STAFF)
def hand_over(wave_id: int, school_id: int):
    """Hand the scanned device to the family it is reserved for."""
    wave, school = _get(Wave, wave_id), _get(School, school_id)
    code = request.form.get("code", "")
    tag = scanned_tag(code)
    if tag is None:
        raise UserError(_("“%(code)s” is not a device label.", code=code.strip()[:60]))
    device = device_services.get_device(tag)
    loan = active_loan(device.id)
    if loan is None or loan.wave_id != wave.id or loan.family.school_id != school.id:
        raise UserError(
            _(
                "%(tag)s is not reserved for a family of this school in this wave.",
                tag=device.asset_tag,
            )
        )
    data = {
        "charter_signed_on": request.form.get("charter_signed_on") or clock.today(),
        "association": request.form.get("association")
        or (str(loan.family.association_id) if loan.family.association_id else ""),
        "due_on": request.form.get("due_on", ""),
    }
    device_services.perform(device, "hand_over", data, actor=actor())
    db.session.commit()
    flash(
        _("%(tag)s handed over to %(family)s.", tag=device.asset_tag, family=loan.family.reference),
        "success",
    )
    return redirect(url_for(".handover", wave_id=wave.id, school_id=school.id))


@bp.route("/loans/overdue")
@roles_required(*FAMILY_STAFF)
def overdue():
    today = clock.today()
    filters = {
        "association": record_id(request.args.get("association", "")),
        "school": record_id(request.args.get("school", "")),
    }
    late = queries.overdue_statement(today, **filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(late.subquery()))
    rows, page, pages = queries.page_of(
        late, total, OVERDUE_PER_PAGE, request.args.get("page", 1, type=int)
    )
    by_association = queries.overdue_by_association(today)
    return render_template(
        "loans/overdue.html",
        rows=rows,
        today=today,
        total=total,
        page=page,
        pages=pages,
        filters=filters,
        by_association=by_association,
        associations=[(id_, name) for id_, name, _count in by_association if id_],
        schools=db.session.execute(sa.select(School.id, School.name).order_by(School.name)).all(),
    )


@bp.route(f"/loans/<{ID}:loan_id>/charter.pdf")
@roles_required(*FAMILY_STAFF)
def charter_pdf(loan_id: int):
    found = charter.for_loan(loan_id)
    if found is None:
        abort(404)
    loan, data = found
    filename = f"charte-{data.family}-{loan.id}.pdf"
    return pdf_response(charter.render(data), filename)


@bp.route(f"/loans/<{ID}:loan_id>/sign", methods=["GET", "POST"])
@roles_required(*FAMILY_STAFF)
def sign(loan_id: int):
    """Let the family read the charter and sign it with a finger on a tablet."""
    loan = _get(Loan, loan_id)
    if request.method == "POST":
        try:
            signature.sign(loan, request.form.get("signature", ""), actor())
        except ValidationError as error:
            db.session.rollback()
            flash(error.full_message, "danger")
            return redirect(url_for(".sign", loan_id=loan_id))
        db.session.commit()
        flash(_("The charter is signed."), "success")
        return redirect(url_for(".family", reference=loan.family.reference))
    found = charter.for_loan(loan_id)
    return render_template("loans/sign.html", loan=loan, data=found[1])


@bp.route("/charter/settings", methods=["GET", "POST"])
@roles_required(*COORDINATION)
def charter_settings():
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            charter_text.save_texts(request.form, actor())
        except ValidationError as error:
            db.session.rollback()
            errors = error.fields
            flash(error.full_message, "danger")
        else:
            db.session.commit()
            flash(_("The charter's text was saved."), "success")
            return redirect(url_for(".charter_settings"))
    texts = {locale: charter_text.section_texts(locale) for locale in charter_text.LOCALES}
    if errors:
        for key in request.form:
            locale, _sep, section = key.partition(".")
            if locale in texts and section in texts[locale]:
                texts[locale][section] = request.form[key]
    return render_template(
        "loans/charter_settings.html",
        texts=texts,
        errors=errors,
        titles=charter_text.SECTION_TITLES,
        placeholders=charter_text.placeholders_for(str(get_locale())),
        locales=charter_text.LOCALES,
        current=str(get_locale() or "fr"),
    ), 422 if errors else 200

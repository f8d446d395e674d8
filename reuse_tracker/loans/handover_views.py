"""Hand-over day, overdue loans, the charter (PDF, tablet signature) and its settings."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale

from reuse_tracker import clock, inputs
from reuse_tracker.auth.access import roles_required
from reuse_tracker.devices import services as device_services
from reuse_tracker.devices.scanning import scanned_tag
from reuse_tracker.errors import ConflictError, UserError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.loans import bp, charter, charter_text, queries, reminders, signature
from reuse_tracker.loans.actions import CHARTER_WAY_TITLES
from reuse_tracker.loans.families import waiting_statement
from reuse_tracker.loans.models import Association, Family, Loan, School, Wave
from reuse_tracker.loans.programme import record_id
from reuse_tracker.loans.services import active_loan, default_due_on
from reuse_tracker.policy import COORDINATION, FAMILY_STAFF
from reuse_tracker.sizes import ID_CONVERTER as ID
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
    loans = queries.handover_loans(wave.id, school.id)
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
    data = _charter_data(loan, request.form)
    device_services.perform(device, "hand_over", data, actor=actor())
    db.session.commit()
    flash(
        _(
            "%(tag)s handed over to %(family)s (charter signed %(way)s).",
            tag=device.asset_tag,
            family=loan.family.reference,
            way=CHARTER_WAY_TITLES[data["charter_way"]],
        ),
        "success",
    )
    return redirect(url_for(".handover", wave_id=wave.id, school_id=school.id))


def _charter_data(loan: Loan, form) -> dict[str, str]:
    """Say how the charter was signed: on record on the screen, or ticked on paper; else refuse."""
    data = {"due_on": form.get("due_on", "")}
    if loan.signed_at is not None:
        family_association = loan.family.association_id
        data["charter_way"] = "screen"
        data["association"] = form.get("association") or (
            str(family_association) if family_association else ""
        )
        return data
    if form.get("charter_paper") == "1":
        data["charter_way"] = "paper"
        data["charter_signed_on"] = form.get("charter_signed_on", "")
        data["association"] = form.get("association", "")
        return data
    raise ConflictError(
        _(
            "%(tag)s was not handed over: %(family)s has not signed the charter. Have it "
            "signed on the screen, or tick “Charter signed on paper” with its date and the "
            "association present.",
            tag=loan.device.asset_tag,
            family=loan.family.reference,
        )
    )


def _overdue_filters() -> dict:
    return {
        "association": record_id(request.args.get("association", "")),
        "school": record_id(request.args.get("school", "")),
    }


@bp.route("/loans/overdue")
@roles_required(*FAMILY_STAFF)
def overdue():
    today = clock.today()
    filters = _overdue_filters()
    by_association = queries.overdue_by_association(today)
    total = queries.overdue_count(today, **filters, by_association=by_association)
    late = queries.overdue_statement(today, **filters)
    rows, page, pages = queries.page_of(
        late, total, OVERDUE_PER_PAGE, inputs.page(request.args.get("page"))
    )
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
        kinds=reminders.KIND_TITLES,
        outcomes=reminders.OUTCOME_TITLES,
    )


@bp.route("/loans/overdue.csv")
@roles_required(*FAMILY_STAFF)
def overdue_csv():
    """The overdue loans and their last reminder, for an association (no identities)."""
    today = clock.today()
    rows = db.session.execute(queries.overdue_export_statement(today, **_overdue_filters()))
    response = Response(reminders.overdue_csv(rows, today), mimetype="text/csv")
    name = f"retards-{today.isoformat()}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route(f"/loans/<{ID}:loan_id>/reminders")
@roles_required(*FAMILY_STAFF)
def reminder(loan_id: int):
    """The reminder form of one running loan: where the overdue list's links lead without
    JavaScript (with it, they open the list's own form)."""
    loan = _get(Loan, loan_id)
    reminders.check_running(loan)
    return render_template(
        "loans/reminder.html",
        loan=loan,
        today=clock.today(),
        kinds=reminders.KIND_TITLES,
        outcomes=reminders.OUTCOME_TITLES,
    )


@bp.route(f"/loans/<{ID}:loan_id>/reminders", methods=["POST"])
@roles_required(*FAMILY_STAFF)
def add_reminder(loan_id: int):
    """Record a reminder of an overdue loan from the overdue list."""
    loan = _get(Loan, loan_id)
    reminders.record_reminder(loan, request.form, actor())
    db.session.commit()
    flash(_("Reminder of %(ref)s recorded.", ref=loan.family.reference), "success")
    return redirect(_back_to_overdue(loan.id))


def _back_to_overdue(loan_id: int) -> str:
    """The overdue list the reminder was sent from, its filters and page kept, at the loan's
    row (only the list's own query is taken from the referrer: never another address)."""
    overdue_list = url_for(".overdue")
    sent_from = urlsplit(request.referrer or "")
    ours = sent_from.netloc == request.host and sent_from.path == overdue_list
    query = sent_from.query if ours else ""
    return f"{overdue_list}{'?' + query if query else ''}#overdue-{loan_id}"


@bp.route(f"/loans/<{ID}:loan_id>/charter.pdf")
@roles_required(*FAMILY_STAFF)
def charter_pdf(loan_id: int):
    found = charter.for_loan(loan_id)
    if found is None:
        abort(404)
    loan, data = found
    filename = f"charte-{data.family}-{loan.id}.pdf"
    issued = charter.issue(loan, data, actor())
    db.session.commit()
    return pdf_response(issued.content, filename)


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
            return redirect(_after_signing(loan) or url_for(".sign", loan_id=loan_id))
        db.session.commit()
        flash(_("The charter of %(ref)s is signed.", ref=loan.family.reference), "success")
        return redirect(_after_signing(loan) or url_for(".family", reference=loan.family.reference))
    found = charter.for_loan(loan_id)
    return render_template("loans/sign.html", loan=loan, data=found[1])


def _after_signing(loan: Loan) -> str | None:
    """Return the hand-over page the signature was made on (``back=handover``), if any."""
    if request.form.get("back") != "handover" or loan.wave_id is None:
        return None
    school_id = loan.family.school_id
    if school_id is None:
        return None
    return url_for(".handover", wave_id=loan.wave_id, school_id=school_id) + f"#loan-{loan.id}"


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

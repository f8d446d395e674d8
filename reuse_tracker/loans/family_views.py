"""Family pages: the list (identities for family roles only), a family, referral and edits."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from reuse_tracker import clock, inputs
from reuse_tracker.auth.access import READ, roles_required
from reuse_tracker.devices.models import Device
from reuse_tracker.errors import INVALID_FIELDS, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.loans import bp, queries, support
from reuse_tracker.loans import families as family_services
from reuse_tracker.loans.forms import (
    NEED_TITLES,
    FamilyForm,
    choices,
    family_data,
    missing_inputs,
    show_errors,
)
from reuse_tracker.loans.models import Association, Family, Loan, School, Wave
from reuse_tracker.loans.programme import record_id
from reuse_tracker.loans.services import find_family
from reuse_tracker.loans.views import loan_badge, loan_status_title
from reuse_tracker.policy import FAMILY_STAFF
from reuse_tracker.vocabulary import LoanStatus
from reuse_tracker.web import actor

PER_PAGE = 50


def _filters() -> dict:
    args = request.args
    status = args.get("status", "")
    # Only those who may see who the families are may look them up by name or phone.
    query = args.get("q", "").strip()[:120] if actor().sees_families else ""
    return {
        "q": query,
        "wave": record_id(args.get("wave", "")),
        "school": record_id(args.get("school", "")),
        "status": status if status in queries.FAMILY_STATUSES else "",
    }


@bp.route("/families")
@roles_required(*READ)
def families():
    filters = _filters()
    statement = queries.families_statement(filters)
    total = queries.families_count(filters)
    rows, page, pages = queries.page_of(
        statement, total, PER_PAGE, inputs.page(request.args.get("page"))
    )
    waves = db.session.execute(sa.select(Wave.id, Wave.name).order_by(Wave.starts_on)).all()
    schools = db.session.execute(sa.select(School.id, School.name).order_by(School.name)).all()
    return render_template(
        "loans/families.html",
        rows=rows,
        filters=filters,
        total=total,
        page=page,
        pages=pages,
        waves=waves,
        schools=schools,
        # The rows' names, from the filters' lists (the rows hold the ids; None: "—").
        wave_names={None: "—", **dict(waves)},
        school_names={None: "—", **dict(schools)},
        association_names={
            None: "—",
            **dict(db.session.execute(sa.select(Association.id, Association.name)).all()),
        },
        sees_families=actor().sees_families,
        statuses=[(status, loan_status_title(status)) for status in queries.FAMILY_STATUSES],
        # Made once for the page's 50 rows, not once a row.
        loan_badges=_family_badges(),
        need_titles={need: str(title) for need, title in NEED_TITLES.items()},
    )


def _family_badges() -> dict[str | None, Markup]:
    """Each family's badge by its latest loan's status: none, or a cancelled one, waits."""
    badges: dict[str | None, Markup] = {status: loan_badge(status) for status in LoanStatus}
    badges[None] = badges[LoanStatus.CANCELLED] = badges[LoanStatus.WAITING]
    return badges


def _choices(form: FamilyForm, family: Family | None = None) -> FamilyForm:
    form.school.choices = choices(
        (
            (str(id_), f"{name} ({uai})")
            for id_, name, uai in db.session.execute(
                sa.select(School.id, School.name, School.uai).order_by(School.name)
            )
        ),
        blank=True,
    )
    form.association.choices = choices(
        (
            (str(id_), name)
            for id_, name in db.session.execute(
                sa.select(Association.id, Association.name).order_by(Association.name)
            )
        ),
        blank=True,
    )
    current = family.wave_id if family else None
    form.wave.choices = choices(
        (
            (str(id_), name)
            for id_, name in db.session.execute(
                sa.select(Wave.id, Wave.name)
                .where(sa.or_(Wave.is_open, Wave.id == current))
                .order_by(Wave.starts_on)
            )
        ),
        blank=True,
    )
    return form


@bp.route("/families/new", methods=["GET", "POST"])
@roles_required(*FAMILY_STAFF)
def new_family():
    form = _choices(FamilyForm())
    if request.method == "GET":
        form.needs.data = ["computer"]
        form.wave.data = request.args.get("wave", "")
        return render_template("loans/family_form.html", form=form, family=None)
    try:
        family = family_services.create_family(family_data(form), actor())
    except ValidationError as error:
        db.session.rollback()
        return render_template(
            "loans/family_form.html",
            form=_choices(form),
            family=None,
            summary=show_errors(form, error.fields),
        ), 422
    db.session.commit()
    flash(_("The family %(ref)s was recorded.", ref=family.reference), "success")
    return redirect(url_for(".family", reference=family.reference))


def _family(reference: str) -> Family:
    family = find_family(reference)
    if family is None:
        abort(404)
    return family


@bp.route("/families/<reference>")
@roles_required(*FAMILY_STAFF)
def family(reference: str):
    family = _family(reference)
    loans = db.session.execute(
        sa.select(Loan, Device.asset_tag, Device.brand, Device.model, Wave.name)
        .join(Device, Device.id == Loan.device_id)
        .options(sa.orm.defer(Loan.signature_png))
        .outerjoin(Wave, Wave.id == Loan.wave_id)
        .where(Loan.family_id == family.id)
        .order_by(Loan.id.desc())
    ).all()
    sessions, offers = support.of_family(family.id)
    return render_template(
        "loans/family.html",
        family=family,
        loans=loans,
        today=clock.today(),
        sessions=sessions,
        offers=offers,
        support_kinds=support.KIND_TITLES,
    )


@bp.route("/families/<reference>/edit", methods=["GET", "POST"])
@roles_required(*FAMILY_STAFF)
def edit_family(reference: str):
    family = _family(reference)
    if request.method == "GET":
        form = _choices(FamilyForm(formdata=None, obj=family), family)
        form.school.data = str(family.school_id or "")
        form.association.data = str(family.association_id or "")
        form.wave.data = str(family.wave_id or "")
        form.referred_on.data = family.referred_on.isoformat()
        form.needs.data = family.needs
        form.consent.data = family.consent_on is not None
        return render_template("loans/family_form.html", form=form, family=family)
    form = _choices(FamilyForm(), family)
    missing = missing_inputs(request.form, with_contact=family.pseudonymised_at is None)
    try:
        if missing:
            flash(
                _("The form sent was incomplete: nothing was changed. Reload the page."), "danger"
            )
            raise ValidationError(INVALID_FIELDS, missing)
        family_services.update_family(family, family_data(form, request.form), actor())
    except ValidationError as error:
        db.session.rollback()
        family = _family(reference)
        return render_template(
            "loans/family_form.html",
            form=form,
            family=family,
            summary=show_errors(form, error.fields),
        ), 422
    db.session.commit()
    flash(_("The family %(ref)s was updated.", ref=family.reference), "success")
    return redirect(url_for(".family", reference=family.reference))

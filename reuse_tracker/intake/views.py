"""Donation pages: the list, a donation, quick entry and the intake receipt."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.orm import joinedload

from reuse_tracker import clock, database, inputs
from reuse_tracker.auth.access import EDIT_INTAKE, READ, current_actor, roles_required
from reuse_tracker.auth.models import User
from reuse_tracker.devices.models import Device
from reuse_tracker.errors import ConflictError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.features import registry
from reuse_tracker.i18n import gettext as _
from reuse_tracker.i18n import ngettext
from reuse_tracker.intake import bp, services
from reuse_tracker.intake.forms import (
    DONOR_KIND_TITLES,
    GRID_MAX_ROWS,
    GRID_ROWS,
    DonationForm,
    add_empty_rows,
    device_rows,
    donor_data,
    show_errors,
    too_many_rows,
)
from reuse_tracker.intake.models import Donation, Donor
from reuse_tracker.web import actor, pdf_response

#: Devices listed on a donation's page; the device list shows them all.
DETAIL_DEVICES = 500


def _may_edit() -> bool:
    actor = current_actor()
    return bool(actor and actor.has_role(*EDIT_INTAKE))


@bp.route("/donations")
@roles_required(*READ)
def index():
    statement = (
        sa.select(Donation)
        .options(joinedload(Donation.donor))
        .order_by(Donation.received_on.desc(), Donation.id.desc())
    )
    page = database.paginate(
        statement,
        page=inputs.page(request.args.get("page")),
        per_page=inputs.per_page(request.args.get("per_page"), 25, 100),
    )
    counts = dict(
        db.session.execute(
            sa.select(Device.donation_id, sa.func.count())
            .group_by(Device.donation_id)
            .where(Device.donation_id.in_([donation.id for donation in page.items]))
        ).all()
    )
    return render_template("intake/index.html", page=page, counts=counts, may_edit=_may_edit())


def _load(donation_id: int) -> tuple[Donation, Donor, User | None]:
    row = db.session.execute(
        sa.select(Donation, Donor, User)
        .join(Donor, Donor.id == Donation.donor_id)
        .outerjoin(User, User.id == Donation.received_by_id)
        .where(Donation.id == donation_id)
    ).first()
    if row is None:
        abort(404)
    return tuple(row)


@bp.route("/donations/<int:donation_id>")
@roles_required(*READ)
def detail(donation_id: int):
    donation, donor, received_by = _load(donation_id)
    table = db.session.execute(
        sa.select(Device.type, Device.status, sa.func.count())
        .where(Device.donation_id == donation_id)
        .group_by(Device.type, Device.status)
    ).all()
    by_type, by_status = Counter(), Counter()
    for kind, status, count in table:
        by_type[kind] += count
        by_status[status] += count
    devices = db.session.scalars(
        sa.select(Device)
        .where(Device.donation_id == donation_id)
        .order_by(Device.asset_tag)
        .limit(DETAIL_DEVICES)
    ).all()
    return render_template(
        "intake/detail.html",
        donation=donation,
        donor=donor,
        received_by=received_by,
        devices=devices,
        by_type=by_type,
        by_status=by_status,
        total=sum(by_type.values()),
        kind_title=DONOR_KIND_TITLES.get(donor.kind, donor.kind),
        has_labels="intake.labels" in current_app.view_functions,
        print_labels=request.args.get("print_labels") == "1",
        donor_panel=_donor_panel(donation, donor),
    )


def _donor_panel(donation: Donation, donor: Donor) -> dict | None:
    """What the donors feature adds to the page (the donor's review, the link's state)."""
    provider = registry().providers.get("donation_panel")
    return provider(donation, donor) if provider else None


@bp.route("/donations/new", methods=["GET", "POST"])
@roles_required(*EDIT_INTAKE)
def new():
    form = DonationForm()
    if not form.is_submitted():
        form.received_on.data = clock.today().isoformat()
        return _render_new(form)
    if too_many_rows(request.form):
        refusal = _("A form takes at most %(n)s devices: import a CSV file.", n=GRID_MAX_ROWS)
        return _render_new(form, summary=[("", refusal)], message=_("Nothing was recorded.")), 422
    if request.form.get("more_rows"):
        add_empty_rows(form, GRID_ROWS)
        return _render_new(form)
    rows, positions = device_rows(form)
    labels = [_("row %(n)s", n=position + 1) for position in positions]
    try:
        donation = services.register_donation(
            donor_data(form),
            form.received_on.data,
            rows,
            actor=actor(),
            notes=form.notes.data or "",
            row_label=labels.__getitem__,
        )
    except (ValidationError, ConflictError) as error:
        db.session.rollback()
        summary = show_errors(form, error.fields, dict(zip(labels, positions, strict=True)))
        return _render_new(form, summary=summary, message=error.message), error.status
    db.session.commit()
    message = ngettext(
        "Donation %(reference)s recorded: %(num)s device.",
        "Donation %(reference)s recorded: %(num)s devices.",
        len(rows),
        reference=donation.reference,
    )
    flash(message, "success")
    return redirect(url_for(".detail", donation_id=donation.id, print_labels=1))


def _render_new(form: DonationForm, **context) -> str:
    add_empty_rows(form)
    return render_template("intake/new.html", form=form, donor_names=_donor_names(), **context)


def _donor_names() -> list[str]:
    return list(db.session.scalars(sa.select(Donor.name).order_by(Donor.name).limit(2000)))


@bp.route("/donations/<int:donation_id>/receipt.pdf")
@roles_required(*READ)
def receipt_pdf(donation_id: int):
    from reuse_tracker.intake import receipt  # the PDF stack, only when a receipt is asked for

    donation, donor, received_by = _load(donation_id)
    issued = receipt.issue(donation, donor, received_by, actor())
    db.session.commit()
    return pdf_response(issued.content, f"{donation.reference}-receipt.pdf")

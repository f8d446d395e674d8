"""The coordinators' donor pages: the list, a donor (details, link, reviews, documents)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for

from reuse_tracker import clock
from reuse_tracker.auth.access import roles_required
from reuse_tracker.documents import services as issuing
from reuse_tracker.donors import bp, mail, queries, services
from reuse_tracker.donors.models import DonorPortal
from reuse_tracker.errors import UserError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.intake.forms import DONOR_KIND_TITLES
from reuse_tracker.intake.models import DONOR_KINDS, Donation, Donor
from reuse_tracker.policy import COORDINATION, READ
from reuse_tracker.web import actor, get_or_404

LIST_LIMIT = 500


@bp.route("/donors")
@roles_required(*READ)
def index():
    rows = db.session.execute(
        sa.select(Donor, sa.func.count(Donation.id))
        .outerjoin(Donation, Donation.donor_id == Donor.id)
        .group_by(Donor.id)
        .order_by(Donor.name)
        .limit(LIST_LIMIT)
    ).all()
    return render_template("donors/index.html", rows=rows)


@bp.route("/donors/<int:donor_id>")
@roles_required(*READ)
def detail(donor_id: int):
    return _render_detail(get_or_404(Donor, donor_id))


def _render_detail(donor: Donor, status: int = 200, **context):
    views = queries.donations_of(donor)
    ids = [view.donation.id for view in views]
    reviews = services.latest_reviews(ids)
    subjects = [f"donation:{id_}" for id_ in ids] + [f"donor:{donor.id}"]
    return render_template(
        "donors/detail.html",
        donor=donor,
        state=db.session.get(DonorPortal, donor.id),
        views=views,
        reviews=reviews,
        documents=issuing.for_subjects(subjects),
        totals=queries.totals(donor, views),
        kinds=[(kind, DONOR_KIND_TITLES.get(kind, kind)) for kind in DONOR_KINDS],
        form=request.form if request.method == "POST" else None,
        **context,
    ), status


@bp.route("/donors/<int:donor_id>/edit", methods=["POST"])
@roles_required(*COORDINATION)
def edit(donor_id: int):
    donor = get_or_404(Donor, donor_id)
    try:
        changes = services.update_donor(donor, request.form, actor())
    except UserError as error:
        db.session.rollback()
        return _render_detail(donor, error.status, errors=error.fields, error=error.message)
    db.session.commit()
    flash(_("The donor's details are saved.") if changes else _("Nothing changed."), "success")
    return redirect(url_for(".detail", donor_id=donor.id))


@bp.route("/donors/<int:donor_id>/portal-link", methods=["POST"])
@roles_required(*COORDINATION)
def new_link(donor_id: int):
    """Make (or renew) the donor's link and show it once."""
    donor = get_or_404(Donor, donor_id)
    token = services.new_link(donor, actor())
    db.session.commit()
    return _render_detail(donor, new_url=services.portal_url(token))


@bp.route("/donors/<int:donor_id>/portal-link/revoke", methods=["POST"])
@roles_required(*COORDINATION)
def revoke_link(donor_id: int):
    donor = get_or_404(Donor, donor_id)
    try:
        services.revoke_link(donor, actor())
    except UserError as error:
        db.session.rollback()
        flash(error.message, "warning")
        return redirect(url_for(".detail", donor_id=donor.id))
    db.session.commit()
    flash(_("The portal link no longer works."), "success")
    return redirect(url_for(".detail", donor_id=donor.id))


@bp.route("/donors/<int:donor_id>/portal-link/send", methods=["POST"])
@roles_required(*COORDINATION)
def send_link(donor_id: int):
    """Make a new link and e-mail it to the donor's contact (the secret is never stored)."""
    donor = get_or_404(Donor, donor_id)
    back = redirect(url_for(".detail", donor_id=donor.id))
    if not donor.contact_email:
        flash(_("Contact e-mail: the donor has none; add it first."), "danger")
        return back
    token = services.new_link(donor, actor())
    language = donor.language or "fr"
    try:
        mail.send(mail.portal_message(donor, services.portal_url(token), language))
    except UserError as error:
        db.session.rollback()
        flash(error.message, "danger")
        return back
    state = services.portal_state(donor)
    state.sent_at, state.sent_to = clock.now(), donor.contact_email
    db.session.commit()
    flash(_("A new portal link was sent to %(email)s.", email=donor.contact_email), "success")
    return back


@bp.route("/donors/<int:donor_id>/impact.pdf")
@roles_required(*READ)
def impact(donor_id: int):
    from reuse_tracker.donors import impact_pdf
    from reuse_tracker.web import pdf_response

    donor = get_or_404(Donor, donor_id)
    issued = impact_pdf.issue(donor, actor())
    db.session.commit()
    return pdf_response(issued.content, impact_pdf.filename(donor))

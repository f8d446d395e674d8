"""Support sessions and connection offers: recorded on the family's page, listed per association."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from reuse_tracker.auth.access import roles_required
from reuse_tracker.errors import NotFoundError
from reuse_tracker.extensions import db
from reuse_tracker.loans import bp, support
from reuse_tracker.loans.models import ConnectionOffer, Family
from reuse_tracker.loans.programme import record_id
from reuse_tracker.loans.services import find_family
from reuse_tracker.policy import FAMILY_STAFF
from reuse_tracker.sizes import ID_CONVERTER as ID
from reuse_tracker.web import actor, get_or_404


def _family(reference: str) -> Family:
    family = find_family(reference)
    if family is None:
        raise NotFoundError(_("No family has this reference."))
    return family


@bp.route("/families/<reference>/support", methods=["POST"])
@roles_required(*FAMILY_STAFF)
def add_support_session(reference: str):
    family = _family(reference)
    support.add_session(family, request.form, actor())
    db.session.commit()
    flash(_("The support session was recorded."), "success")
    return redirect(url_for(".family", reference=family.reference) + "#support")


@bp.route("/families/<reference>/connection", methods=["POST"])
@roles_required(*FAMILY_STAFF)
def add_connection_offer(reference: str):
    family = _family(reference)
    support.add_offer(family, request.form, actor())
    db.session.commit()
    flash(_("The connection offer was recorded."), "success")
    return redirect(url_for(".family", reference=family.reference) + "#connection")


@bp.route(f"/connection-offers/<{ID}:offer_id>/connected", methods=["POST"])
@roles_required(*FAMILY_STAFF)
def set_connected(offer_id: int):
    offer = get_or_404(ConnectionOffer, offer_id)
    support.set_connected(offer, request.form.get("connected") == "1")
    db.session.commit()
    reference = db.session.get(Family, offer.family_id).reference
    return redirect(url_for(".family", reference=reference) + "#connection")


@bp.route("/support")
@roles_required(*FAMILY_STAFF)
def support_list():
    """An association's support sessions and connection offers, the latest first."""
    association = record_id(request.args.get("association", ""))
    return render_template(
        "loans/support.html",
        association=association,
        associations=support.association_choices(),
        kinds=support.KIND_TITLES,
        **support.for_association(association),
    )

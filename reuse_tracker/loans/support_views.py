"""A family's other pages: support sessions, connection offers, its RGPD export and erasure."""

from __future__ import annotations

import json

from flask import Response, flash, redirect, render_template, request, url_for

from reuse_tracker.auth.access import roles_required
from reuse_tracker.errors import NotFoundError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.loans import bp, rights, support
from reuse_tracker.loans.models import ConnectionOffer, Family
from reuse_tracker.loans.programme import record_id
from reuse_tracker.loans.services import find_family
from reuse_tracker.policy import COORDINATION, FAMILY_STAFF
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


@bp.route("/families/<reference>/export.json")
@roles_required(*COORDINATION)
def family_export(reference: str):
    """Everything held on one family (an RGPD access request), as a JSON file."""
    family = _family(reference)
    answer = rights.access_export(family, actor())
    db.session.commit()
    body = json.dumps(answer, ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    filename = f"donnees-{family.reference}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/families/<reference>/pseudonymise", methods=["POST"])
@roles_required(*COORDINATION)
def family_pseudonymise(reference: str):
    """Pseudonymise one family on its request; the anonymous figures stay."""
    family = _family(reference)
    if request.form.get("confirm") != "1":
        raise ValidationError(
            _("Tick the box to confirm: the family's details will be erased for good."),
            {"confirm": _("required")},
        )
    rights.pseudonymise_now(family, actor())
    db.session.commit()
    flash(_("The family %(ref)s was pseudonymised.", ref=family.reference), "success")
    return redirect(url_for(".family", reference=family.reference))

"""The list of éco-organismes WEEE pick-ups choose from: coordinators add and withdraw names."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from reuse_tracker.auth.access import current_actor, roles_required
from reuse_tracker.auth.audit import record
from reuse_tracker.errors import UserError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.policy import COORDINATION, WORKSHOP
from reuse_tracker.workshop import bp, ecoorganisations


@bp.route("/workshop/eco-organisations")
@roles_required(*WORKSHOP)
def eco_organisations():
    return render_template(
        "workshop/eco_organisations.html",
        names=ecoorganisations.listed(),
        may_edit=current_actor().has_role(*COORDINATION),
    )


@bp.route("/workshop/eco-organisations", methods=["POST"])
@roles_required(*COORDINATION)
def add_eco_organisation():
    try:
        name = ecoorganisations.add(request.form.get("name", ""))
        record("eco_organisation.added", f"eco_organisation:{name}", actor=current_actor())
    except UserError as error:
        db.session.rollback()
        flash(error.full_message, "danger")
        return redirect(url_for("workshop.eco_organisations"))
    db.session.commit()
    flash(_("%(name)s added to the list.", name=name), "success")
    return redirect(url_for("workshop.eco_organisations"))


@bp.route("/workshop/eco-organisations/withdraw", methods=["POST"])
@roles_required(*COORDINATION)
def withdraw_eco_organisation():
    name = request.form.get("name", "")
    if name not in ecoorganisations.listed():
        flash(_("This name is not in the list."), "danger")
        return redirect(url_for("workshop.eco_organisations"))
    ecoorganisations.withdraw(name)
    record("eco_organisation.withdrawn", f"eco_organisation:{name}", actor=current_actor())
    db.session.commit()
    flash(_("%(name)s withdrawn from the list.", name=name), "success")
    return redirect(url_for("workshop.eco_organisations"))

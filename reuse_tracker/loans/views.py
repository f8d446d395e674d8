"""Wave pages: the list, a wave's readiness, waiting list and allocation; schools, associations."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from reuse_tracker import clock, inputs
from reuse_tracker.auth.access import READ, roles_required
from reuse_tracker.devices import services as device_services
from reuse_tracker.devices.scanning import scanned_tag
from reuse_tracker.errors import UserError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.i18n import ngettext
from reuse_tracker.loans import (
    allocation,
    bp,
    programme,
    proposals,
    queries,
    services,
    wave_moves,
)
from reuse_tracker.loans.actions import CHARTER_WAY_TITLES
from reuse_tracker.loans.forms import (
    FAMILY_DEVICE_TYPES,
    NEED_TITLES,
    NETWORK_TITLES,
    SOURCE_TITLES,
    AssociationForm,
    SchoolForm,
    WaveForm,
    choices,
    proposal_confirmation,
    show_errors,
    wave_data,
)
from reuse_tracker.loans.models import Wave
from reuse_tracker.policy import COORDINATION
from reuse_tracker.sizes import ID_CONVERTER as ID
from reuse_tracker.vocabulary import CONDITION_TITLES, LOAN_STATUS_TITLES, LoanStatus, title
from reuse_tracker.web import actor, get_or_404, plain_url


@bp.app_context_processor
def _loan_helpers():
    return {
        "NETWORK_TITLES": NETWORK_TITLES,
        "SOURCE_TITLES": SOURCE_TITLES,
        "NEED_TITLES": NEED_TITLES,
        "loan_status_title": loan_status_title,
        "condition_title": lambda c: title(CONDITION_TITLES, c),
        "CONDITION_CHOICES": tuple(CONDITION_TITLES.items()),
        "CHARTER_WAY_TITLES": CHARTER_WAY_TITLES,
        "from_iso": date.fromisoformat,
        "family_url": family_url,
        "loan_badge": loan_badge,
    }


def family_url(reference: str) -> str:
    """``url_for("loans.family", reference=...)``, its start built once a request."""
    return plain_url("loans.family", "reference", reference)


def history_link(action: str, key: str, value: Any, user: Any) -> str | None:
    """Link a device history's loan (to its family, for family roles) and wave numbers."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    if key == "loan" and user is not None and user.sees_families:
        return url_for("loans.loan", loan_id=value)
    if key == "wave" and action == "reserve":
        return url_for("loans.wave", wave_id=value)
    return None


def loan_status_title(status: str | None) -> str:
    """Name a loan status (None: the family is waiting) as people read it."""
    return title(LOAN_STATUS_TITLES, status or LoanStatus.WAITING)


#: The colour (Bootstrap's ``text-bg-*``) of each loan status's badge; waiting is "warning".
_LOAN_BADGE_COLOURS = {
    LoanStatus.RESERVED: "primary",
    LoanStatus.ON_LOAN: "success",
    LoanStatus.RETURNED: "secondary",
    LoanStatus.LOST: "dark",
    LoanStatus.TRANSFERRED: "info",
    LoanStatus.CANCELLED: "light border",
}


def loan_badge(status: str | None) -> Markup:
    """A loan status as a badge (None: the family is waiting)."""
    name = loan_status_title(status)
    colour = _LOAN_BADGE_COLOURS.get(status, "warning")
    return Markup(f'<span class="badge text-bg-{colour}">{escape(name)}</span>')


def wave_or_404(wave_id: int) -> Wave:
    """Return the wave ``wave_id`` or answer 404."""
    return get_or_404(Wave, wave_id, _("No wave has this number."))


@bp.route("/waves")
@roles_required(*READ)
def waves(form: WaveForm | None = None, errors: dict | None = None, status: int = 200):
    listing = queries.waves_with_counts()
    form = form or WaveForm(formdata=None)
    form.schools.choices = school_choices()
    return render_template(
        "loans/waves.html",
        waves=listing.waves,
        loans=listing.loans,
        families=listing.families,
        form=form,
        errors=errors or {},
        summary=show_errors(form, errors or {}),
        types=FAMILY_DEVICE_TYPES,
        may_plan=actor().has_role(*COORDINATION),
    ), status


def school_choices() -> list:
    """Return the schools as a select's choices, ``Name (UAI)``."""
    return choices((str(id_), f"{name} ({uai})") for id_, name, uai in queries.school_rows())


@bp.route("/waves", methods=["POST"])
@roles_required(*COORDINATION)
def create_wave():
    form = WaveForm()
    try:
        wave = programme.create_wave(wave_data(form, request.form))
    except ValidationError as error:
        db.session.rollback()
        return waves(form, error.fields, 422)
    db.session.commit()
    flash(_("The wave “%(name)s” was created.", name=wave.name), "success")
    return redirect(url_for(".wave", wave_id=wave.id))


#: Families of the waiting list a wave's page shows at once (and their proposed devices).
WAITING_PER_PAGE = 50


@bp.route(f"/waves/<{ID}:wave_id>")
@roles_required(*READ)
def wave(wave_id: int):
    wave = wave_or_404(wave_id)
    user = actor()
    context = {
        "wave": wave,
        "figures": queries.readiness_for(wave),
        "by_school": [],
        "may_allocate": user.has_role(*COORDINATION),
        "today": clock.today(),
        "open_waves": [],
    }
    if user.sees_families:
        context.update(_waiting_page(wave, inputs.page(request.args.get("page"))))
        context["by_school"] = queries.handover_schools(wave)
        if not wave.is_open and context["may_allocate"]:
            context["open_waves"] = queries.open_waves(exclude=wave.id)
    else:
        context["waiting_count"] = queries.waiting_count(wave.id)
    return render_template("loans/wave.html", **context)


def _waiting_page(wave: Wave, wanted: int) -> dict[str, Any]:
    """One page of the waiting list with its proposed devices, and the whole proposal summed up."""
    families, proposal = proposals.waiting_and_proposal(wave.id)
    total = len(families)
    waiting, page, pages = queries.waiting_page(families, WAITING_PER_PAGE, wanted)
    proposed = {pair.reference: pair for pair in proposal.pairs}
    return {
        "waiting": waiting,
        "waiting_count": total,
        "first_number": (page - 1) * WAITING_PER_PAGE + 1,
        "page": page,
        "pages": pages,
        "proposal": proposal,
        "summary": allocation.summary(proposal),
        "fingerprint": allocation.fingerprint(wave.id, proposal.pairs),
        "page_pairs": [proposed[f.reference] for f in waiting if f.reference in proposed],
    }


def _back_to_wave(wave: Wave, sent_page: Any) -> str:
    """The wave's page, at the page of the waiting list the form was sent from."""
    page = inputs.page(sent_page)
    return url_for(".wave", wave_id=wave.id, page=page if page > 1 else None)


@bp.route(f"/waves/<{ID}:wave_id>/reserve", methods=["POST"])
@roles_required(*COORDINATION)
def reserve(wave_id: int):
    """Reserve one scanned device for one family of the waiting list."""
    wave = wave_or_404(wave_id)
    code = request.form.get("code", "")
    tag = scanned_tag(code)
    if tag is None:
        raise UserError(_("“%(code)s” is not a device label.", code=code.strip()[:60]))
    device = device_services.get_device(tag)
    reference = request.form.get("family", "")
    device_services.perform(
        device, "reserve", {"family": reference, "wave": wave.id}, actor=actor()
    )
    db.session.commit()
    flash(
        _(
            "%(tag)s is reserved for %(family)s.",
            tag=device.asset_tag,
            family=reference.strip().upper(),
        ),
        "success",
    )
    return redirect(_back_to_wave(wave, request.form.get("page")))


@bp.route(f"/waves/<{ID}:wave_id>/allocate", methods=["POST"])
@roles_required(*COORDINATION)
def allocate(wave_id: int):
    """Reserve the proposal the coordinator saw, recomputed here: every pair, or none."""
    wave = wave_or_404(wave_id)
    fingerprint, devices = proposal_confirmation(request.form)
    count = services.confirm_proposal(wave, fingerprint, devices, actor())
    db.session.commit()
    flash(ngettext("%(num)s device reserved.", "%(num)s devices reserved.", count), "success")
    return redirect(url_for(".wave", wave_id=wave.id))


@bp.route(f"/waves/<{ID}:wave_id>/status", methods=["POST"])
@roles_required(*COORDINATION)
def wave_status(wave_id: int):
    """Open or close a wave."""
    wave = wave_or_404(wave_id)
    programme.set_wave_open(wave, request.form.get("open") == "1")
    db.session.commit()
    flash(_("The wave is open.") if wave.is_open else _("The wave is closed."), "success")
    if not wave.is_open and queries.waiting_count(wave.id):
        flash(_("Families are still waiting in this wave: move them on below."), "warning")
        return redirect(url_for(".wave", wave_id=wave.id) + "#move-waiting")
    return redirect(url_for(".wave", wave_id=wave.id))


@bp.route(f"/waves/<{ID}:wave_id>/move-waiting", methods=["POST"])
@roles_required(*COORDINATION)
def move_waiting(wave_id: int):
    """Move the waiting families of a closed wave to another open wave, in one action."""
    wave = wave_or_404(wave_id)
    target_id = programme.record_id(request.form.get("to", ""))
    target = db.session.get(Wave, target_id) if target_id else None
    moves = wave_moves.move_waiting(wave, target, actor())
    db.session.commit()
    if moves.moved:
        flash(
            ngettext(
                "%(num)s family moved to “%(wave)s”.",
                "%(num)s families moved to “%(wave)s”.",
                len(moves.moved),
                wave=target.name,
            ),
            "success",
        )
    if moves.kept:
        kept = "; ".join(f"{ref} ({why})" for ref, why in moves.kept.items())
        flash(_("Still waiting here, their referral does not fit: %(list)s", list=kept), "warning")
    return redirect(url_for(".wave", wave_id=wave.id))


@bp.route("/schools")
@roles_required(*READ)
def schools(form: SchoolForm | None = None, errors: dict | None = None, status: int = 200):
    rows = queries.schools()
    form = form or SchoolForm(formdata=None)
    return render_template(
        "loans/schools.html",
        schools=rows,
        form=form,
        summary=show_errors(form, errors or {}),
        may_edit=actor().has_role(*COORDINATION),
    ), status


@bp.route("/schools", methods=["POST"])
@roles_required(*COORDINATION)
def create_school():
    form = SchoolForm()
    try:
        school = programme.create_school(form.data)
    except ValidationError as error:
        db.session.rollback()
        return schools(form, error.fields, 422)
    db.session.commit()
    flash(_("The school %(name)s was added.", name=school.name), "success")
    return redirect(url_for(".schools"))


@bp.route("/associations")
@roles_required(*READ)
def associations(
    form: AssociationForm | None = None, errors: dict | None = None, status: int = 200
):
    rows = queries.associations()
    form = form or AssociationForm(formdata=None)
    return render_template(
        "loans/associations.html",
        associations=rows,
        form=form,
        summary=show_errors(form, errors or {}),
        may_edit=actor().has_role(*COORDINATION),
    ), status


@bp.route("/associations", methods=["POST"])
@roles_required(*COORDINATION)
def create_association():
    form = AssociationForm()
    try:
        association = programme.create_association(form.data)
    except ValidationError as error:
        db.session.rollback()
        return associations(form, error.fields, 422)
    db.session.commit()
    flash(_("The association %(name)s was added.", name=association.name), "success")
    return redirect(url_for(".associations"))

"""The wave's edit page: its name, dates, targets and schools, guarded by its version."""

from __future__ import annotations

from collections.abc import Mapping

from flask import flash, redirect, render_template, request, url_for

from reuse_tracker import inputs
from reuse_tracker.auth.access import roles_required
from reuse_tracker.devices.models import DEVICE_TYPES
from reuse_tracker.errors import ConflictError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.loans import bp, queries, wave_changes
from reuse_tracker.loans.forms import (
    FAMILY_DEVICE_TYPES,
    WaveEditForm,
    show_errors,
    target_values,
    wave_data,
)
from reuse_tracker.loans.models import Wave
from reuse_tracker.loans.views import school_choices, wave_or_404
from reuse_tracker.policy import COORDINATION
from reuse_tracker.sizes import ID_CONVERTER as ID


def _filled_form(wave: Wave) -> WaveEditForm:
    """Return the edit form filled with the wave's current values and version."""
    return WaveEditForm(
        formdata=None,
        data={
            "name": wave.name,
            "starts_on": wave.starts_on.isoformat(),
            "ends_on": wave.ends_on.isoformat() if wave.ends_on else "",
            "schools": [str(school.id) for school in wave.schools],
            "version": wave.version,
        },
    )


def _edit_page(
    wave: Wave,
    form: WaveEditForm,
    targets: Mapping[str, str] | None = None,
    errors: dict[str, str] | None = None,
    conflict: str | None = None,
    status: int = 200,
):
    """Render the edit form (``targets``: the inputs sent, else the wave's own).

    A closed wave's targets and schools are shown, not editable.
    """
    allocated = queries.allocated_by_type(wave.id)
    form.schools.choices = school_choices()
    if not wave.is_open:
        form.schools.data = [str(school.id) for school in wave.schools]
        form.schools.render_kw = {**(form.schools.render_kw or {}), "disabled": True}
        targets = None
    shown = set(FAMILY_DEVICE_TYPES) | set(wave.targets or {}) | set(allocated)
    return render_template(
        "loans/wave_form.html",
        wave=wave,
        form=form,
        targets=target_values(wave.targets or {}) if targets is None else targets,
        errors=errors or {},
        summary=show_errors(form, errors or {}),
        conflict=conflict,
        types=[kind for kind in DEVICE_TYPES if kind in shown],
        allocated=allocated,
        schools_in_use=queries.schools_in_use(wave.id),
    ), status


@bp.route(f"/waves/<{ID}:wave_id>/edit", methods=["GET", "POST"])
@roles_required(*COORDINATION)
def edit_wave(wave_id: int):
    """Change a wave's name, dates, targets and schools."""
    wave = wave_or_404(wave_id)
    if request.method == "GET":
        return _edit_page(wave, _filled_form(wave))
    form = WaveEditForm()
    data = wave_data(form, request.form)
    if not wave.is_open:
        for name in wave_changes.FROZEN_WHEN_CLOSED:
            data.pop(name)
    try:
        changed = wave_changes.update_wave(wave, data, inputs.form_version(request.form))
    except ConflictError as error:
        db.session.rollback()
        wave = wave_or_404(wave_id)
        return _edit_page(wave, _filled_form(wave), conflict=error.message, status=409)
    except ValidationError as error:
        db.session.rollback()
        return _edit_page(wave_or_404(wave_id), form, request.form, error.fields, status=422)
    db.session.commit()
    if changed:
        flash(_("The wave “%(name)s” was updated.", name=wave.name), "success")
    else:
        flash(_("Nothing was changed: the form held the wave's current values."), "info")
    return redirect(url_for(".wave", wave_id=wave.id))

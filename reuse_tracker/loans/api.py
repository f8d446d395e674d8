"""The loans feature's JSON routes, on the API blueprint: waves, readiness, families."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, jsonify, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from reuse_tracker.api import parsing
from reuse_tracker.api.views import bp
from reuse_tracker.auth.access import READ, current_actor, roles_required
from reuse_tracker.auth.models import Role
from reuse_tracker.errors import NotFoundError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.loans import families, programme, queries
from reuse_tracker.loans.models import Wave

#: Fields of a family that never go through the API: they are entered on the family's page.
PERSONAL_FIELDS = (*families.CONTACT_FIELDS, "consent")
FAMILY_FIELDS = (
    "reference",
    "school",
    "wave",
    "needs",
    "device_type",
    "referral_source",
    "referred_on",
    "child_class",
    "neighbourhood",
    "association",
)


@bp.post("/waves")
@roles_required(Role.COORDINATOR)
def create_wave() -> tuple[Response, int, dict[str, str]]:
    """Create a distribution wave with its targets per device type and its schools."""
    body = parsing.json_object()
    wave = programme.create_wave(body)
    db.session.commit()
    location = url_for(".wave_readiness", wave_id=wave.id)
    return jsonify(programme.wave_answer(wave)), 201, {"Location": location}


@bp.get("/waves")
@roles_required(*READ)
def list_waves() -> Response:
    """List the distribution waves, the latest first."""
    waves = db.session.scalars(
        sa.select(Wave)
        .options(selectinload(Wave.schools))
        .order_by(Wave.starts_on.desc(), Wave.id.desc())
    ).all()
    return jsonify({"waves": [programme.wave_answer(wave) for wave in waves]})


@bp.get("/waves/<int(max=2147483647):wave_id>/readiness")
@roles_required(*READ)
def wave_readiness(wave_id: int) -> Response:
    """Say whether the stock is there for a wave: per device type, target to shortfall."""
    wave = db.session.get(Wave, wave_id)
    if wave is None:
        raise NotFoundError(_l("No wave has the number %(id)s.", id=wave_id))
    return jsonify(queries.readiness_answer(wave, queries.readiness_for(wave)))


@bp.post("/families")
@roles_required(Role.COORDINATOR, Role.MEDIATOR)
def create_family() -> tuple[Response, int]:
    """Refer a family (no personal details here: they go through the family's page)."""
    body = parsing.json_object()
    errors = {
        name: str(_l("personal details are entered on the family's page, not here"))
        for name in PERSONAL_FIELDS
        if name in body
    }
    errors.update(
        {
            name: str(_l("unknown field"))
            for name in body
            if name not in FAMILY_FIELDS and name not in PERSONAL_FIELDS
        }
    )
    if errors:
        raise ValidationError(_l("Some fields are missing or invalid."), errors)
    data = {name: body.get(name) for name in FAMILY_FIELDS}
    family = families.create_family(data, current_actor())
    db.session.commit()
    return jsonify(
        {
            "id": family.id,
            "reference": family.reference,
            "wave": family.wave_id,
            "needs": family.needs,
        }
    ), 201

"""``POST``/``GET /api/v1/schools`` and ``/api/v1/associations`` (DESIGN.md)."""

from __future__ import annotations

from flask import Response, jsonify

from reuse_tracker.api import parsing
from reuse_tracker.auth.access import READ, roles_required
from reuse_tracker.extensions import db
from reuse_tracker.loans import api_bp as bp
from reuse_tracker.loans import programme, queries
from reuse_tracker.loans.models import Association, School
from reuse_tracker.policy import COORDINATION


def school_answer(school: School) -> dict:
    return {
        "id": school.id,
        "uai": school.uai,
        "name": school.name,
        "network": school.network,
        "neighbourhood": school.neighbourhood,
        "is_qpv": school.is_priority_neighbourhood,
    }


def association_answer(association: Association) -> dict:
    return {
        "id": association.id,
        "name": association.name,
        "contact_email": association.contact_email,
    }


@bp.post("/schools")
@roles_required(*COORDINATION)
def create_school() -> tuple[Response, int]:
    """Record a school: ``uai``, ``name``, ``network`` (REP+, REP, none), ``is_qpv``."""
    body = parsing.json_object()
    data = {**body, "is_priority_neighbourhood": body.get("is_qpv") is True}
    school = programme.create_school(data)
    db.session.commit()
    return jsonify(school_answer(school)), 201


@bp.get("/schools")
@roles_required(*READ)
def list_schools() -> Response:
    return jsonify({"schools": [school_answer(s) for s in queries.schools()]})


@bp.post("/associations")
@roles_required(*COORDINATION)
def create_association() -> tuple[Response, int]:
    """Record a mediation association: ``name``, ``contact_email``."""
    association = programme.create_association(parsing.json_object())
    db.session.commit()
    return jsonify(association_answer(association)), 201


@bp.get("/associations")
@roles_required(*READ)
def list_associations() -> Response:
    return jsonify({"associations": [association_answer(a) for a in queries.associations()]})

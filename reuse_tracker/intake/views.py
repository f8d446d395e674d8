"""Donation pages (being built)."""

from flask import Blueprint

from reuse_tracker.auth.access import READ, roles_required

bp = Blueprint("intake", __name__)


@bp.route("/donations")
@roles_required(*READ)
def index():
    return "donations"


@bp.route("/donations/<int:donation_id>")
@roles_required(*READ)
def detail(donation_id: int):
    return "donation"

"""The audit log page: who signed in, who changed users, roles and tokens (admins only)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request

from reuse_tracker import database, inputs
from reuse_tracker.auth import bp
from reuse_tracker.auth.access import roles_required
from reuse_tracker.auth.audit import AuditEntry
from reuse_tracker.auth.models import Role
from reuse_tracker.i18n import lazy_gettext as _l

PER_PAGE = 50
#: The kinds of entries the page filters on: the first word of their action code.
KINDS = {
    "login": _l("Sign-ins"),
    "user": _l("Users and roles"),
    "token": _l("API tokens"),
    "donor": _l("Donor portal links"),
}
#: How the page names each action recorded.
ACTION_TITLES = {
    "login.succeeded": _l("signed in"),
    "login.failed": _l("sign-in refused"),
    "logout": _l("signed out"),
    "user.created": _l("user created"),
    "user.role_changed": _l("role changed"),
    "token.created": _l("API token created"),
    "token.revoked": _l("API token revoked"),
}


@bp.route("/admin/audit")
@roles_required(Role.ADMIN)
def audit():
    kind = request.args.get("kind", "")
    kind = kind if kind in KINDS else ""
    statement = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if kind:
        statement = statement.where(
            sa.or_(AuditEntry.action == kind, AuditEntry.action.startswith(f"{kind}."))
        )
    page = database.paginate(
        statement, page=inputs.page(request.args.get("page")), per_page=PER_PAGE
    )
    return render_template(
        "auth/audit.html",
        page=page,
        kind=kind,
        kinds=list(KINDS.items()),
        action_title=lambda action: str(ACTION_TITLES.get(action, action)),
    )

"""The public verification page of an issued document (no sign-in)."""

from __future__ import annotations

import hashlib

from flask import abort, redirect, render_template, request, url_for

from reuse_tracker.auth.access import current_actor, roles_required
from reuse_tracker.documents import bp, services
from reuse_tracker.documents.models import IssuedDocument
from reuse_tracker.extensions import limiter
from reuse_tracker.i18n import gettext as _
from reuse_tracker.policy import FAMILY_STAFF, READ
from reuse_tracker.web import get_or_404, pdf_response


def kind_title(kind: str) -> str:
    return {
        "receipt": _("Intake receipt"),
        "erasure_certificate": _("Data erasure certificate"),
        "charter": _("Engagement charter"),
        "impact_report": _("Donor impact report"),
    }.get(kind, kind)


def _unknown(typed: str):
    """Say that no document has the code typed: not a document the programme issued."""
    return render_template("documents/lookup.html", typed=typed, unknown=True), 404


@bp.route("/verify")
@limiter.limit("60 per minute")
def lookup():
    """Find a document by the code printed on it, or by its whole verification address."""
    typed = request.args.get("code", "").strip()
    if not typed:
        return render_template("documents/lookup.html", typed="", unknown=False)
    document = services.find(typed.rstrip("/").rpartition("/")[2])
    if document is None:
        return _unknown(typed)
    return redirect(url_for(".verify", code=document.code))


@bp.route("/verify/<code>", methods=["GET", "POST"])
@limiter.limit("60 per minute")
def verify(code: str):
    """Show what the document with this code is; say whether an uploaded file is it."""
    document = services.find(code)
    if document is None:
        return _unknown(code[:32])
    verdict = None
    status = 200
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            verdict = "missing"
            status = 422
        else:
            digest = hashlib.sha256(upload.read()).hexdigest()
            verdict = "match" if digest == document.sha256 else "mismatch"
    # Only facts about the document itself: never whom it concerns (a charter names a family).
    return render_template(
        "documents/verify.html",
        document=document,
        kind=kind_title(document.kind),
        successor=services.successor(document),
        verdict=verdict,
    ), status


@bp.route("/documents/<int:document_id>.pdf")
@roles_required(*READ)
def download(document_id: int):
    """Download one stored version as it was issued (charters: family staff only)."""
    document = get_or_404(IssuedDocument, document_id)
    user = current_actor()
    if document.kind == "charter" and not user.has_role(*FAMILY_STAFF):
        abort(403)
    content = services.stored_content(document.id)
    if not content:
        abort(410)  # erased with the family's personal data; the hash still verifies copies
    return pdf_response(content, f"{document.number}-v{document.version}.pdf")

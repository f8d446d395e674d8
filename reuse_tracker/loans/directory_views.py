"""The upload page of the national school directory's export (coordinators)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from reuse_tracker.auth.access import roles_required
from reuse_tracker.errors import UserError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.loans import bp, directory
from reuse_tracker.policy import COORDINATION


@bp.route("/schools/import")
@roles_required(*COORDINATION)
def schools_import():
    return render_template("loans/schools_import.html", error=None)


@bp.route("/schools/import", methods=["POST"])
@roles_required(*COORDINATION)
def schools_import_file():
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise UserError(_("Choose the directory's CSV file to upload."))
        result = directory.import_rows(directory.read(upload.read()))
    except UserError as error:
        db.session.rollback()
        return render_template("loans/schools_import.html", error=error), 422
    db.session.commit()
    flash(
        _(
            "%(created)s schools created, %(updated)s updated, %(unchanged)s unchanged.",
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        ),
        "success",
    )
    return redirect(url_for("loans.schools"))

"""The CSV import of a donation: upload, preview with every problem, confirm, all or nothing."""

from __future__ import annotations

import json
import re
import secrets
import time
from collections import Counter
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, url_for

from reuse_tracker import clock, csv_export
from reuse_tracker.auth.access import EDIT_INTAKE, roles_required
from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.i18n import ngettext
from reuse_tracker.intake import bp, csv_import, import_mapping, services
from reuse_tracker.intake.forms import (
    ImportForm,
    donor_data,
    import_errors,
    import_form_from,
)
from reuse_tracker.intake.views import _donor_names
from reuse_tracker.web import actor

#: Devices shown in an import preview; all of them are checked and counted.
PREVIEW_ROWS = 200
#: How long an uploaded file waits for its confirmation.
UPLOAD_TTL_SECONDS = 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


@bp.route("/donations/import", methods=["GET", "POST"])
@roles_required(*EDIT_INTAKE)
def import_file():
    form = ImportForm()
    if not form.is_submitted():
        form.received_on.data = clock.today().isoformat()
        return _render_import(form)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        form.file.errors = [_("Choose a CSV file.")]
        return _render_import(form), 422
    data = upload.read()
    meta = {
        "donor": donor_data(form),
        "received_on": form.received_on.data,
        "notes": form.notes.data or "",
        "filename": Path(upload.filename).name[:200],
        "mapping": import_mapping.remembered(donor_data(form)),
    }
    preview = _preview(form, data, meta)
    if preview.get("mapping_step"):
        preview["token"] = _store_upload(data, meta)
        return _render_import(form, preview=preview)
    if preview["errors"]:
        if preview.get("offer_mapping"):
            preview["token"] = _store_upload(data, meta)
        return _render_import(form, preview=preview), 422
    preview["token"] = _store_upload(data, meta)
    return _render_import(form, preview=preview)


@bp.route("/donations/import/mapping", methods=["POST"])
@roles_required(*EDIT_INTAKE)
def import_mapping_step():
    """Read the file again with the columns and types the user picked."""
    token = request.form.get("upload", "")
    stored = _peek_upload(token)
    if stored is None:
        flash(_("This import is no longer available. Please upload the file again."), "warning")
        return redirect(url_for(".import_file"))
    data, meta = stored
    form = import_form_from(meta)
    parsed = csv_import.parse(data, current_app.config["IMPORT_MAX_ROWS"])
    try:
        meta["mapping"] = import_mapping.from_form(request.form, parsed)
    except ValidationError as error:
        preview = _preview(form, data, meta)
        preview.update(token=token, mapping_errors=error.fields, mapping_step=True)
        return _render_import(form, preview=preview), 422
    _rewrite_meta(token, meta)
    preview = _preview(form, data, meta)
    preview["token"] = token
    if preview.get("mapping_step") or preview["errors"]:
        return _render_import(form, preview=preview), 422
    return _render_import(form, preview=preview)


def _preview(form: ImportForm, data: bytes, meta: dict, *, record: bool = False) -> dict:
    """Check (or, with ``record``, register) an uploaded file; return what the page shows."""
    mapping = import_mapping.as_mapping(meta)
    parsed = csv_import.parse(data, current_app.config["IMPORT_MAX_ROWS"], mapping)
    preview = {"parsed": parsed, "meta": meta, "errors": [], "specs": [], "donation": None}
    if parsed.missing and parsed.headers and not record:
        # A required column was not recognised: ask for it instead of refusing the file.
        preview.update(mapping_step=True, fields=_mapping_fields(parsed, mapping))
        preview["missing"] = csv_import.describe_errors(parsed.errors, parsed)
        return preview
    if parsed.unknown_types and not record:
        preview.update(offer_mapping=True, fields=_mapping_fields(parsed, mapping))
    if "file" in parsed.errors:
        preview["errors"] = csv_import.describe_errors(parsed.errors, parsed)
        return preview
    record = record and not parsed.errors
    try:
        if record:
            preview["donation"] = services.register_donation(
                meta["donor"],
                meta["received_on"],
                parsed.rows,
                actor=actor(),
                notes=meta["notes"],
                row_label=parsed.row_label,
            )
            return preview
        received, specs = services.check_donation(
            meta["donor"], meta["received_on"], parsed.rows, row_label=parsed.row_label
        )
    except ValidationError as error:
        preview["errors"] = import_errors(form, {**parsed.errors, **error.fields}, parsed)
        return preview
    preview["errors"] = import_errors(form, parsed.errors, parsed)
    preview["received_on"] = received
    preview["specs"] = list(zip(parsed.lines, specs, strict=True))
    preview["by_type"] = Counter(spec.type for spec in specs)
    return preview


def _mapping_fields(parsed: csv_import.ParsedFile, mapping) -> list[tuple[str, str, str, bool]]:
    """(field, title, the column chosen now, required) for each field of the mapping step."""
    chosen = dict(parsed.columns)
    if mapping:
        chosen.update({k: v for k, v in mapping.columns.items() if v in parsed.headers})
    return [
        (name, str(title), chosen.get(name, ""), name in csv_import.REQUIRED_COLUMNS)
        for name, title in csv_import.COLUMN_TITLES.items()
        if name != "asset_tag"
    ]


def _render_import(form: ImportForm, **context) -> str:
    return render_template(
        "intake/import.html",
        form=form,
        donor_names=_donor_names(),
        preview_rows=PREVIEW_ROWS,
        **context,
    )


@bp.route("/donations/import/confirm", methods=["POST"])
@roles_required(*EDIT_INTAKE)
def import_confirm():
    token = request.form.get("token", "")
    stored = _claim_upload(token)
    if stored is None:
        form = ImportForm(formdata=None)
        flash(
            _(
                "This import is no longer available: it was already recorded, or it waited more "
                "than an hour. Please upload the file again."
            ),
            "warning",
        )
        form.received_on.data = clock.today().isoformat()
        return _render_import(form), 410
    data, meta = stored
    form = import_form_from(meta)
    preview = _preview(form, data, meta, record=True)
    if preview["errors"]:
        db.session.rollback()
        return _render_import(form, preview=preview), 422
    donation = preview["donation"]
    if meta.get("mapping"):
        import_mapping.remember(donation.donor, meta["mapping"])
    db.session.commit()
    message = ngettext(
        "Donation %(reference)s recorded: %(num)s device imported from %(file)s.",
        "Donation %(reference)s recorded: %(num)s devices imported from %(file)s.",
        len(preview["parsed"].rows),
        reference=donation.reference,
        file=meta["filename"],
    )
    flash(message, "success")
    return redirect(url_for(".detail", donation_id=donation.id, print_labels=1))


@bp.route("/donations/import/template.csv")
@roles_required(*EDIT_INTAKE)
def import_template():
    header = csv_import.TEMPLATE_HEADER.split(";")
    return csv_export.response("".join(csv_export.stream(header, [])), _TEMPLATE_NAME)


_TEMPLATE_NAME = "modele-import-equipements.csv"


def _upload_dir() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _store_upload(data: bytes, meta: dict) -> str:
    """Keep an uploaded file until it is confirmed; return its token. Drop stale ones."""
    directory = _upload_dir()
    cutoff = time.time() - UPLOAD_TTL_SECONDS
    for stale in directory.glob("*.*"):
        if stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)
    token = secrets.token_urlsafe(24)
    (directory / f"{token}.csv").write_bytes(data)
    (directory / f"{token}.json").write_text(json.dumps({**meta, "user_id": actor().id}))
    return token


def _claim_upload(token: str) -> tuple[bytes, dict] | None:
    """Take a stored upload of the current user away from the store; None if not there.

    The file is renamed before it is read, so that two confirmations sent at once (a double
    click) cannot both import it: the second finds nothing.
    """
    if not _TOKEN.fullmatch(token):
        return None
    data_path, meta_path = (_upload_dir() / f"{token}{ext}" for ext in (".csv", ".json"))
    claimed = data_path.with_suffix(".claimed")
    try:
        meta = json.loads(meta_path.read_text())
        if meta.get("user_id") != actor().id:
            return None
        fresh = data_path.stat().st_mtime >= time.time() - UPLOAD_TTL_SECONDS
        data_path.rename(claimed)
        data = claimed.read_bytes()
    except (OSError, ValueError):
        return None
    for path in (claimed, meta_path):
        path.unlink(missing_ok=True)
    return (data, meta) if fresh else None


def _peek_upload(token: str) -> tuple[bytes, dict] | None:
    """Read a stored upload of the current user without taking it; None if not there."""
    if not _TOKEN.fullmatch(token):
        return None
    data_path, meta_path = (_upload_dir() / f"{token}{ext}" for ext in (".csv", ".json"))
    try:
        meta = json.loads(meta_path.read_text())
        if meta.get("user_id") != actor().id:
            return None
        if data_path.stat().st_mtime < time.time() - UPLOAD_TTL_SECONDS:
            return None
        return data_path.read_bytes(), meta
    except (OSError, ValueError):
        return None


def _rewrite_meta(token: str, meta: dict) -> None:
    (_upload_dir() / f"{token}.json").write_text(json.dumps(meta))

"""The error hierarchy, and the handlers that answer it as JSON or as a page."""

from __future__ import annotations

from flask import Flask, flash, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.i18n import lazy_ngettext


def labelled(label: str, message: str) -> str:
    """Return ``label: message`` as the user's language writes it (French: ``label : message``)."""
    return str(_l("%(label)s: %(message)s", label=label, message=message))


#: The message of a refusal whose details are given field by field.
INVALID_FIELDS = _l("Some fields are missing or invalid.")


class UserError(Exception):
    """An error the user can act on; carries its HTTP status and a stable code."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        fields: dict[str, str] | None = None,
        labels: dict[str, str] | None = None,
    ):
        super().__init__(str(message))
        self.message = str(message)
        self.fields = {key: str(value) for key, value in (fields or {}).items()}
        #: What each field is called on the page, for messages read by people.
        self.labels = {key: str(value) for key, value in (labels or {}).items()}

    @property
    def full_message(self) -> str:
        """The message followed by each field's problem, for a flashed message."""
        details = " ".join(
            str(_l("%(field)s: %(problem)s.", field=self.labels.get(key, key), problem=value))
            for key, value in self.fields.items()
            # A problem the message already states is not said twice ("refused: X. log: X.").
            if value not in self.message
        )
        return f"{self.message} {details}".strip()

    def to_dict(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        return {"error": error}


class ValidationError(UserError):
    """Input that is malformed or incomplete."""

    status = 422
    code = "validation_error"

    @classmethod
    def nothing_recorded(cls, errors: dict) -> ValidationError:
        """The refusal of a whole batch (a file, a donation's rows): its problems, none kept."""
        return cls(
            lazy_ngettext(
                "%(num)s problem found; nothing was recorded.",
                "%(num)s problems found; nothing was recorded.",
                len(errors),
            ),
            errors,
        )


class NotFoundError(UserError):
    status = 404
    code = "not_found"


class PermissionDenied(UserError):
    status = 403
    code = "forbidden"


class ConflictError(UserError):
    """The action is not allowed now, or the record changed meanwhile."""

    status = 409
    code = "conflict"


def wants_json() -> bool:
    """Tell whether the current request should be answered in JSON."""
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def _page_or_back(error: UserError):
    """Show a refusal on the page the user came from; missing rights and pages get a page."""
    message = error.full_message
    if request.method == "GET" or isinstance(error, (PermissionDenied, NotFoundError)):
        return render_template("errors/error.html", status=error.status, message=message), (
            error.status
        )
    flash(message, "danger")
    return redirect(request.referrer or url_for("main.dashboard"))


def handle_user_error(error: UserError):
    from reuse_tracker.extensions import db

    db.session.rollback()
    if wants_json():
        return jsonify(error.to_dict()), error.status
    return _page_or_back(error)


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "too_many_requests",
}

HTTP_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please sign in."),
    403: _l("You are not allowed to do this."),
    404: _l("This page does not exist."),
    405: _l("This method is not allowed here."),
    413: _l("The upload is too large."),
    429: _l("Too many attempts. Please wait a minute and try again."),
    500: _l("Something went wrong on our side. Nothing was changed."),
}


def handle_http_error(error: HTTPException):
    status = error.code or 500
    message = str(HTTP_MESSAGES.get(status, error.description))
    if isinstance(error, RequestEntityTooLarge):
        message = str(_l("The upload is too large (at most %(mb)s MB).", mb=_max_mb()))
    if wants_json():
        body = {"error": {"code": HTTP_CODES.get(status, "error"), "message": message}}
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message), status


def handle_csrf_error(error: CSRFError):
    message = str(_l("This form has expired or was already sent. Please try again."))
    if wants_json():
        return jsonify({"error": {"code": "csrf", "message": message}}), 400
    flash(message, "warning")
    return redirect(request.referrer or request.path)


def handle_server_error(error: Exception):
    from reuse_tracker.extensions import db

    db.session.rollback()
    return handle_http_error(_InternalError())


class _InternalError(HTTPException):
    code = 500
    description = "Internal error"


def _max_mb() -> str:
    from flask import current_app

    return f"{current_app.config['MAX_CONTENT_LENGTH'] / (1024 * 1024):g}"


def register_errorhandlers(app: Flask) -> None:
    """Answer every error as JSON for the API and as a page elsewhere."""
    app.register_error_handler(UserError, handle_user_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.testing:
        app.register_error_handler(Exception, handle_server_error)

"""A signature drawn on a tablet: the PNG data URL checked, cropped and stored on the loan."""

from __future__ import annotations

import base64
import binascii
import io
import warnings

from flask import current_app

from reuse_tracker.auth.models import User
from reuse_tracker.db_types import utcnow
from reuse_tracker.errors import ConflictError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.loans.models import Loan

PREFIX = "data:image/png;base64,"
MAX_SIDE = 3000
#: Blank space kept around the drawn strokes, in pixels.
MARGIN = 8


def _refuse(reason) -> ValidationError:
    return ValidationError(_l("The signature cannot be used."), {"signature": str(reason)})


def decode_data_url(data_url: str, max_bytes: int) -> bytes:
    """Return the PNG bytes of a ``data:image/png;base64,…`` URL, or raise ValidationError."""
    if not isinstance(data_url, str) or not data_url.startswith(PREFIX):
        raise _refuse(_l("send a PNG image as a data URL"))
    encoded = data_url[len(PREFIX) :]
    if len(encoded) > max_bytes * 4 // 3 + 4:
        raise _refuse(_l("the image is larger than %(kb)s kB", kb=max_bytes // 1024))
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _refuse(_l("the image is not valid base64")) from None


def clean_png(raw: bytes) -> bytes:
    """Check a PNG and return it redrawn in greys, cropped to the strokes; raise if empty."""
    from PIL import Image, ImageOps, UnidentifiedImageError  # only when a signature is read

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            if image.format != "PNG":
                raise _refuse(_l("the image is not a PNG"))
            if max(image.size) > MAX_SIDE:
                raise _refuse(_l("the image is too large"))
            image.load()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ):
        raise _refuse(_l("the image is not a valid PNG")) from None
    rgba = image.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    grey = Image.alpha_composite(paper, rgba).convert("L")
    box = ImageOps.invert(grey).point(lambda level: 255 if level > 24 else 0).getbbox()
    if box is None:
        raise _refuse(_l("the signature is empty"))
    left, top, right, bottom = box
    grey = grey.crop(
        (
            max(0, left - MARGIN),
            max(0, top - MARGIN),
            min(grey.width, right + MARGIN),
            min(grey.height, bottom + MARGIN),
        )
    )
    out = io.BytesIO()
    grey.save(out, format="PNG", optimize=True)
    return out.getvalue()


def sign(loan: Loan, data_url: str, actor: User | None) -> None:
    """Store the family's signature of the charter on an active loan; flush."""
    if not loan.is_active:
        raise ConflictError(_l("This loan is over: its charter can no longer be signed."))
    if loan.family.pseudonymised_at is not None:
        raise ConflictError(_l("This family was pseudonymised."))
    limit = current_app.config.get("SIGNATURE_MAX_BYTES", 200_000)
    loan.signature_png = clean_png(decode_data_url(data_url, limit))
    loan.signed_at = utcnow()
    db.session.flush()

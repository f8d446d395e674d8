"""Reading what a scanner or a person typed: a label's URL or its bare tag. Pure."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

#: What a scanner set up for a US keyboard types on a French (AZERTY) one.
_AZERTY_DIGITS = str.maketrans(
    {
        "à": "0",
        "&": "1",
        "é": "2",
        '"': "3",
        "'": "4",
        "(": "5",
        "§": "6",
        "-": "6",
        "è": "7",
        "!": "8",
        "_": "8",
        "ç": "9",
        ")": "-",
        "°": "-",
    }
)


def read_scan(code: str, prefix: str) -> str | None:
    """Return the asset tag in a scanned or typed ``code``, or None if there is none.

    Accepts ``https://…/d/RT-000123``, ``RT-000123``, ``rt000123``, ``123`` and a
    tag typed by a US-layout scanner on an AZERTY keyboard (``RT)àààé&")``.
    """
    text = (code or "").strip()
    if not text or len(text) > 300:
        return None
    if "/d/" in text:
        text = unquote(urlsplit(text).path.rsplit("/d/", 1)[-1]).strip("/")
    tag = _as_tag(text, prefix)
    if tag is None:
        tag = _as_tag(text.translate(_AZERTY_DIGITS), prefix)
    return tag


def _as_tag(text: str, prefix: str) -> str | None:
    pattern = rf"(?:{re.escape(prefix)}[-\s]?)?0*(\d{{1,9}})"
    match = re.fullmatch(pattern, text.strip(), flags=re.IGNORECASE | re.ASCII)
    if not match:
        return None
    return f"{prefix}-{int(match.group(1)):06d}"


def scanned_tag(code: str) -> str | None:
    """Return the asset tag a scanned or typed ``code`` carries with this installation's prefix."""
    from flask import current_app

    return read_scan(code, current_app.config["ASSET_TAG_PREFIX"])

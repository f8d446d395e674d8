"""The UAI code of a French school: 7 digits and a check letter. Pure."""

from __future__ import annotations

import re

#: The check letter is the 7-digit number modulo 23 read in this alphabet (no I, O, Q).
CHECK_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_FORMAT = re.compile(r"\d{7}[A-Z]")


def normalise_uai(raw: str) -> str:
    """Return a typed UAI as stored: trimmed, without spaces, upper-case."""
    return re.sub(r"\s+", "", raw or "").upper()


def check_letter(digits: str) -> str:
    """Return the check letter of a 7-digit UAI number."""
    return CHECK_LETTERS[int(digits) % 23]


def uai_problem(uai: str) -> str | None:
    """Return what is wrong with a normalised UAI ('format' or 'check'), or None."""
    if not _FORMAT.fullmatch(uai):
        return "format"
    if check_letter(uai[:7]) != uai[7]:
        return "check"
    return None

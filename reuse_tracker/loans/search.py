"""Finding a family by name, phone, e-mail or reference, accents and case ignored.

Each family keeps a normalised ``search_text`` (reference, name, e-mail, phone digits) written
with its details, so that one portable ``LIKE`` finds it on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa

from reuse_tracker.loans.models import Family

#: A query needs this many digits to be read as a phone number too.
PHONE_DIGITS = 4
_SPACES = re.compile(r"\s+")


def normalise(text: str | None) -> str:
    """Return ``text`` without accents, in lower case, its spaces squeezed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", bare.casefold()).strip()


def digits(text: str | None) -> str:
    return "".join(char for char in text or "" if char.isdigit())


def search_text(family: Family) -> str:
    """Return what a search reads of ``family``: reference, name, e-mail, phone digits."""
    parts = [family.reference, family.parent_name, family.email, digits(family.phone)]
    return " | ".join(normalise(part) for part in parts if part)[:700]


def matches(query: str) -> sa.ColumnElement[bool] | None:
    """Return the condition of families matching ``query`` (None: nothing to look for)."""
    wanted = normalise(query)[:120]
    if not wanted:
        return None
    condition = Family.search_text.contains(wanted, autoescape=True)
    number = digits(query)
    if len(number) >= PHONE_DIGITS and len(number) * 2 >= len(wanted.replace(" ", "")):
        condition = sa.or_(condition, Family.search_text.contains(number, autoescape=True))
    return condition

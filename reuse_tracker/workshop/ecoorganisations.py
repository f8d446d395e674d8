"""The éco-organismes a WEEE pick-up names, from one editable list: no more split registers.

"Ecologic", "ecologic " and "ÉCOLOGIC" are one organisation, recorded under its listed name;
a name not in the list is refused, naming the list, so a typo never starts a new line.
"""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa

from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.workshop.models import EcoOrganisation

#: The approved WEEE éco-organismes and collectors every installation starts with.
BUILT_IN = ("Ecologic", "ecosystem", "Soren", "Screlec")


def name_key(name: str) -> str:
    """Fold a name: no accents, case, spaces, dashes or dots."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(c for c in text.lower() if c.isalnum())


def listed() -> list[str]:
    """The names pick-ups may take now, built-in ones first (one query)."""
    rows = {row.name_key: row for row in db.session.scalars(sa.select(EcoOrganisation))}
    names = []
    for name in BUILT_IN:
        row = rows.pop(name_key(name), None)
        if row is None or row.is_active:
            names.append(row.name if row else name)
    names += sorted((row.name for row in rows.values() if row.is_active), key=str.lower)
    return names


def canonical(raw: str) -> str:
    """Return the listed name ``raw`` designates, or raise ValueError naming the list."""
    wanted = name_key(raw)
    for name in listed():
        if name_key(name) == wanted:
            return name
    raise ValueError(
        _l(
            "is not in the list of éco-organismes (%(names)s); a coordinator can add it",
            names=", ".join(listed()),
        )
    )


def add(raw: str) -> str:
    """Add a name to the list (or bring a withdrawn one back); flush."""
    name = " ".join(raw.split())
    if not name_key(name) or len(name) > 80:
        raise ValidationError(
            _l("Give the éco-organisme's name."),
            {"name": str(_l("is required (at most 80 characters)"))},
            {"name": str(_l("Name"))},
        )
    row = db.session.scalar(
        sa.select(EcoOrganisation).where(EcoOrganisation.name_key == name_key(name))
    )
    if row is None:
        db.session.add(EcoOrganisation(name=name, name_key=name_key(name)))
    else:
        row.is_active = True
    db.session.flush()
    return name


def withdraw(name: str) -> None:
    """Take a name off the list (pick-ups already recorded keep it); flush."""
    key = name_key(name)
    row = db.session.scalar(sa.select(EcoOrganisation).where(EcoOrganisation.name_key == key))
    if row is None:
        db.session.add(EcoOrganisation(name=name, name_key=key, is_active=False))
    else:
        row.is_active = False
    db.session.flush()

"""Donor portal links, donor edits, the donor's reviews and the e-mail that sends a link.

Services flush; the views and the CLI commit.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import current_app

from reuse_tracker import clock, inputs
from reuse_tracker.auth import audit
from reuse_tracker.donors.models import REVIEW_VERDICTS, DonationReview, DonorPortal
from reuse_tracker.errors import ConflictError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import LANGUAGES
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.intake.models import Donation, Donor
from reuse_tracker.intake.services import clean_donor

#: The languages a donor may read its portal and documents in.
DONOR_LANGUAGES = ("fr", "en")
#: The donor fields the coordinator edits on the donor's page.
EDITABLE = (
    "name",
    "kind",
    "siret",
    "contact_name",
    "contact_email",
    "contact_phone",
    "address",
    "language",
)
COMMENT_MAX = 2000


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def portal_url(token: str) -> str:
    """The full address of a donor's portal (the secret is in it)."""
    # The path is fixed (DESIGN.md); built by hand so that the CLI needs no request.
    return f"{current_app.config['PUBLIC_BASE_URL']}/donors/portal/{token}"


def portal_state(donor: Donor) -> DonorPortal:
    state = db.session.get(DonorPortal, donor.id)
    if state is None:
        state = DonorPortal(donor_id=donor.id)
        db.session.add(state)
    return state


def new_link(donor: Donor, actor: Any) -> str:
    """Make a new secret link for ``donor`` (the previous one stops working); return the secret."""
    token = secrets.token_urlsafe(32)
    renewed = donor.portal_token_hash is not None
    donor.portal_token_hash = token_hash(token)
    state = portal_state(donor)
    now = clock.now()
    state.created_at, state.created_by_id = now, getattr(actor, "id", None)
    state.revoked_at = state.last_used_at = state.sent_at = state.sent_to = None
    action = "donor.portal_link_renewed" if renewed else "donor.portal_link_created"
    audit.record(action, f"donor:{donor.id}", {"donor": donor.name}, actor=actor)
    db.session.flush()
    return token


def revoke_link(donor: Donor, actor: Any) -> None:
    """Stop the donor's link from working."""
    if donor.portal_token_hash is None:
        raise ConflictError(_l("This donor has no live portal link."))
    donor.portal_token_hash = None
    portal_state(donor).revoked_at = clock.now()
    audit.record(
        "donor.portal_link_revoked", f"donor:{donor.id}", {"donor": donor.name}, actor=actor
    )
    db.session.flush()


def donor_for_token(token: str) -> Donor | None:
    """The donor whose live link carries ``token``, or None (unknown, revoked or renewed)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(sa.select(Donor).where(Donor.portal_token_hash == token_hash(token)))


def touch(donor: Donor) -> DonorPortal:
    """Record that the donor's link was used now (one UPDATE)."""
    state = portal_state(donor)
    state.last_used_at = clock.now()
    db.session.flush()
    return state


def find_donor(key: str) -> Donor | None:
    """Find a donor by id, SIRET or exact name."""
    key = key.strip()
    compact = "".join(key.split())
    clauses = [Donor.name == key]
    if compact.isdigit():
        clauses.append(Donor.siret == compact)
        if len(compact) < 10:
            clauses.append(Donor.id == int(compact))
    found = db.session.scalars(sa.select(Donor).where(sa.or_(*clauses))).all()
    # A SIRET or name beats an id that happens to be the same digits.
    return next(
        (d for d in found if d.siret == compact or d.name == key), found[0] if found else None
    )


def update_donor(donor: Donor, form: Mapping[str, Any], actor: Any) -> dict[str, list]:
    """Change the fields ``form`` carries (the others stay); audit the changes; return them."""
    carried = {key: form[key] for key in EDITABLE if key in form}
    current = {key: getattr(donor, key) for key in EDITABLE}
    clean = clean_donor({**current, **carried})
    language = str(carried.get("language", current["language"]) or "").strip() or None
    if language is not None and language not in DONOR_LANGUAGES:
        raise ValidationError(
            _l("The donor's details are invalid."),
            {"donor.language": inputs.not_one_of(DONOR_LANGUAGES, LANGUAGES)},
        )
    clean["language"] = language
    _check_unique(donor, clean)
    changes = {
        key: [current[key], clean[key]]
        for key in EDITABLE
        if key in carried and clean[key] != current[key]
    }
    for key, (_old, new) in changes.items():
        setattr(donor, key, new)
    if changes:
        audit.record("donor.updated", f"donor:{donor.id}", {"changes": changes}, actor=actor)
    db.session.flush()
    return changes


def _check_unique(donor: Donor, clean: dict[str, Any]) -> None:
    errors = {}
    for key in ("name", "siret"):
        if clean[key] is None:
            continue
        other = db.session.scalar(
            sa.select(Donor.id).where(getattr(Donor, key) == clean[key], Donor.id != donor.id)
        )
        if other is not None:
            errors[f"donor.{key}"] = str(_l("another donor already has it"))
    if errors:
        raise ValidationError(_l("The donor's details are invalid."), errors)


def review(donation: Donation, verdict: str, comment: str) -> DonationReview:
    """Record the donor's word on a donation's list (a discrepancy needs a comment)."""
    comment = (comment or "").strip()
    errors = {}
    if verdict not in REVIEW_VERDICTS:
        errors["verdict"] = str(_l("choose whether the list matches"))
    elif verdict == "discrepancy" and not comment:
        errors["comment"] = str(_l("say what is wrong (a missing machine, a wrong serial…)"))
    if len(comment) > COMMENT_MAX:
        errors["comment"] = str(_l("must be at most %(n)s characters", n=COMMENT_MAX))
    if errors:
        raise ValidationError(_l("Your answer was not recorded."), errors)
    entry = DonationReview(donation_id=donation.id, verdict=verdict, comment=comment)
    db.session.add(entry)
    audit.record(
        f"donation.review_{verdict}",
        f"donation:{donation.id}",
        {"comment": comment},
        actor_label=donation.donor.name,
    )
    db.session.flush()
    return entry


def latest_reviews(donation_ids: list[int]) -> dict[int, DonationReview]:
    """The newest review of each donation (one query)."""
    if not donation_ids:
        return {}
    rows = db.session.scalars(
        sa.select(DonationReview)
        .where(DonationReview.donation_id.in_(donation_ids))
        .order_by(DonationReview.created_at, DonationReview.id)
    )
    return {row.donation_id: row for row in rows}

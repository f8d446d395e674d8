"""The donor portal's state, the donor's reviews of its donations and its import mapping."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from reuse_tracker.db_types import JSONType, UTCDateTime, utcnow
from reuse_tracker.extensions import db

REVIEW_VERDICTS = ("confirmed", "discrepancy")


class DonorPortal(db.Model):
    """The state of a donor's portal link; its secret's hash is ``Donor.portal_token_hash``."""

    __tablename__ = "donor_portals"

    donor_id: Mapped[int] = mapped_column(sa.ForeignKey("donors.id"), primary_key=True)
    #: When the live link was made (None: never had one).
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the live link was last sent by e-mail, and to whom.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_to: Mapped[str | None] = mapped_column(sa.String(254))


class DonationReview(db.Model):
    """The donor's word on a donation's list: it matches, or something is wrong (newest wins)."""

    __tablename__ = "donation_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(sa.ForeignKey("donations.id"), index=True)
    #: One of REVIEW_VERDICTS.
    verdict: Mapped[str] = mapped_column(sa.String(16))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DonorImportMapping(db.Model):
    """How this donor's asset-manager export reads: its columns and its category values."""

    __tablename__ = "donor_import_mappings"

    donor_id: Mapped[int] = mapped_column(sa.ForeignKey("donors.id"), primary_key=True)
    #: our field → the file's column header.
    columns: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: the file's category value (lower case) → our device type.
    values: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""The donor portal's state and the donor's reviews of its donations."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from reuse_tracker.db_types import UTCDateTime, utcnow
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

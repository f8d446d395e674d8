"""Issued documents: every PDF the city hands to someone, as it was handed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from reuse_tracker.db_types import UTCDateTime, utcnow
from reuse_tracker.extensions import db

DOCUMENT_KINDS = ("receipt", "erasure_certificate", "charter", "impact_report")


class IssuedDocument(db.Model):
    """One version of one issued document, with its bytes.

    The bytes live in the database rather than in the instance folder: they are written in
    the transaction that numbers them, every host behind the proxy reads them, and
    ``flask backup`` (SQLite's online backup, pg_dump) carries them with the rest.
    """

    __tablename__ = "issued_documents"
    __table_args__ = (
        sa.UniqueConstraint("kind", "subject", "language", "version"),
        sa.UniqueConstraint("number", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One of DOCUMENT_KINDS.
    kind: Mapped[str] = mapped_column(sa.String(32))
    #: What the document is about, e.g. ``donation:12``, ``loan:7``, ``donor:3``.
    subject: Mapped[str] = mapped_column(sa.String(64), index=True)
    #: The language it was written in (a document and its translation are two documents).
    language: Mapped[str] = mapped_column(sa.String(8))
    #: ``CER-2026-00012``: shared by every version of the document.
    number: Mapped[str] = mapped_column(sa.String(32), index=True)
    version: Mapped[int] = mapped_column(default=1)
    #: The secret part of the verification address (unguessable).
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    #: SHA-256 of ``content``, in hexadecimal.
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: SHA-256 of the facts printed (issue date excepted): a change issues a new version.
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    size: Mapped[int] = mapped_column(default=0)
    #: Who issued it, as printed (the programme, the workshop).
    issuer: Mapped[str] = mapped_column(sa.String(200), default="")
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Set when a newer version replaced this one; the old one stays verifiable.
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    @property
    def label(self) -> str:
        return f"{self.number} v{self.version}"

    def __repr__(self) -> str:
        return f"<IssuedDocument {self.label}>"

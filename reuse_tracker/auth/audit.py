"""The audit log of administrative changes: who did what, to what, when and from where.

Append-only, like the device event log: rows are written by ``record`` and by nothing else,
and the mapper refuses updates and deletes. Sign-ins (succeeded and failed), users, roles,
tokens, donor portal links, corrections and personal-data requests are recorded here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import Mapped, mapped_column

from reuse_tracker.db_types import JSONType, UTCDateTime, append_only, utcnow
from reuse_tracker.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Who acted; None for an anonymous request (a failed sign-in, a donor's portal).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The actor as shown then (an e-mail typed at a failed sign-in, a donor's name).
    actor_label: Mapped[str] = mapped_column(sa.String(254), default="")
    #: A stable code, e.g. ``login.failed``, ``user.role_changed``, ``token.revoked``.
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    #: What was changed, e.g. ``user:12``, ``donor:3``, ``family:F-2026-0042``.
    target: Mapped[str] = mapped_column(sa.String(120), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: The client's address as the proxy passed it on.
    remote_addr: Mapped[str] = mapped_column(sa.String(64), default="")

    def __repr__(self) -> str:
        return f"<AuditEntry {self.action} {self.target}>"


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit entry."""


append_only(AuditEntry, AuditLogIsAppendOnly, "the audit log is append-only")


def record(
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
    *,
    actor: Any = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry in the caller's transaction (the caller commits); flush."""
    address = ""
    if has_request_context():
        address = (request.remote_addr or "")[:64]
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_label=(actor_label or getattr(actor, "email", "") or "")[:254],
        action=action[:64],
        target=target[:120],
        details=details or {},
        remote_addr=address,
    )
    db.session.add(entry)
    db.session.flush()
    return entry

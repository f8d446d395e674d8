"""Issue documents: number them, store their bytes, version them when their facts change.

``issue`` is the one way a PDF given to someone is made: the first call numbers and stores
the document; later calls with the same facts return the stored bytes unchanged; changed
facts store a new version under the same number and mark the previous one superseded
(it stays verifiable).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale

from reuse_tracker import clock, sequences
from reuse_tracker.documents.models import DOCUMENT_KINDS, IssuedDocument
from reuse_tracker.documents.stamp import Stamp
from reuse_tracker.errors import ConflictError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l

#: Number prefixes: RCP-2026-00001 is a receipt, CER-... an erasure certificate.
PREFIXES = {
    "receipt": "RCP",
    "erasure_certificate": "CER",
    "charter": "CHA",
    "impact_report": "IMP",
}
#: Facts that do not make a new version: the date and who pressed the button.
VOLATILE = frozenset({"issued_on", "issuer", "issuer_role"})

Render = Callable[[Stamp], bytes]


def verify_url(code: str) -> str:
    """The public address that verifies the document with this code."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/verify/{code}"


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def fingerprint(facts: Any) -> str:
    """Hash the facts a document prints (dataclasses, mappings, sequences, plain values)."""
    text = json.dumps(_plain(facts), sort_keys=True, ensure_ascii=False, default=str)
    return sha256(text.encode())


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, bytes):
        return sha256(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _new_code() -> str:
    """Eighty random bits, in capitals and digits that read aloud (base32)."""
    return base64.b32encode(secrets.token_bytes(10)).decode()


def _new_number(kind: str) -> str:
    year = clock.today().year
    (value,) = sequences.allocate(f"document:{kind}:{year}")
    return f"{PREFIXES[kind]}-{year}-{value:05d}"


def latest(kind: str, subject: str, language: str) -> IssuedDocument | None:
    """The newest version of a document, or None if it was never issued."""
    return db.session.scalar(
        sa.select(IssuedDocument)
        .where(
            IssuedDocument.kind == kind,
            IssuedDocument.subject == subject,
            IssuedDocument.language == language,
        )
        .order_by(IssuedDocument.version.desc())
        .limit(1)
    )


def issue(
    kind: str,
    subject: str,
    facts: Any,
    render: Render,
    *,
    issuer: str,
    actor: Any = None,
    language: str | None = None,
) -> IssuedDocument:
    """Return the current document for these facts, issuing (a new version of) it if needed.

    The caller commits. Flushes.
    """
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    language = language or str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    printed = fingerprint(facts)
    previous = latest(kind, subject, language)
    if previous is not None and previous.fingerprint == printed:
        return previous
    number = previous.number if previous else _new_number(kind)
    version = previous.version + 1 if previous else 1
    code = _new_code()
    stamp = Stamp(number, version, code, verify_url(code), clock.today())
    content = render(stamp)
    document = IssuedDocument(
        kind=kind,
        subject=subject,
        language=language,
        number=number,
        version=version,
        code=code,
        sha256=sha256(content),
        fingerprint=printed,
        content=content,
        size=len(content),
        issuer=issuer[:200],
        issued_at=clock.now(),
        issued_by_id=getattr(actor, "id", None),
    )
    try:
        with db.session.begin_nested():
            if previous is not None:
                previous.superseded_at = document.issued_at
            db.session.add(document)
    except sa.exc.IntegrityError as error:
        # Another request issued this version first: give its document if it prints the same.
        winner = latest(kind, subject, language)
        if winner is not None and winner.fingerprint == printed:
            return winner
        raise ConflictError(_l("This document was issued meanwhile; try again.")) from error
    return document


def find(code: str) -> IssuedDocument | None:
    """The document whose verification code is ``code`` (any case), or None."""
    code = (code or "").strip().upper()
    if not code or len(code) > 32:
        return None
    return db.session.scalar(sa.select(IssuedDocument).where(IssuedDocument.code == code))


def successor(document: IssuedDocument) -> IssuedDocument | None:
    """The current version of a superseded document."""
    if document.is_current:
        return None
    return latest(document.kind, document.subject, document.language)


def for_subjects(subjects: Iterable[str]) -> Sequence[IssuedDocument]:
    """Every version of the documents about ``subjects``, newest first (one query)."""
    subjects = list(subjects)
    if not subjects:
        return []
    return db.session.scalars(
        sa.select(IssuedDocument)
        .where(IssuedDocument.subject.in_(subjects))
        .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc())
    ).all()


def stored_content(document_id: int) -> bytes:
    """The stored bytes of one document version."""
    return db.session.scalar(
        sa.select(IssuedDocument.content).where(IssuedDocument.id == document_id)
    )


def erase_contents(subjects: Iterable[str]) -> None:
    """Drop the stored bytes of these subjects' documents (personal data past its retention).

    The number, date and SHA-256 stay: a copy the family kept can still be verified.
    """
    subjects = list(subjects)
    if subjects:
        db.session.execute(
            sa.update(IssuedDocument)
            .where(IssuedDocument.subject.in_(subjects))
            .values(content=b"")
        )

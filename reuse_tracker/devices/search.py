"""The device list's search, filters and sorts, each answered from an index.

A search text is looked for, at once, as the start of an asset tag, of a serial (folded as
``serial_key`` folds it), of a donor's inventory number (folded the same way), of a model
(any case), and as a donation's exact reference. Each of these reads one index:

- asset tag: ``uq_devices_asset_tag`` (SQLite), ``ix_devices_asset_tag_pattern`` (PostgreSQL)
- serial: ``ix_devices_serial_key`` / ``ix_devices_serial_key_pattern``
- donor's inventory number: ``ix_devices_donor_asset_key`` (an expression index, both)
- model: ``ix_devices_model_key`` / ``ix_devices_model_key_pattern`` (``upper(model)``)
- donation reference: the donations' unique reference, then ``ix_devices_donation_status``

PostgreSQL turns ``LIKE 'ABC%'`` into an index range with the ``text_pattern_ops`` indexes
whatever the database's collation; SQLite reads its binary-collated indexes by range
(``>= 'ABC' AND < 'ABD'``), which its ``LIKE`` optimisation would not do.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from reuse_tracker.devices.models import Device, folded_key
from reuse_tracker.devices.registration import serial_key
from reuse_tracker.extensions import db

#: The folded donor's inventory number and the upper-cased model, as their indexes hold them:
#: built once (the folding alone is ten SQL functions: 50 µs a search).
DONOR_ASSET_KEY = folded_key(Device.donor_asset_number)
MODEL_KEY = sa.func.upper(Device.model)

#: Sort names the list takes, and what each orders by.
SORTS: dict[str, tuple] = {
    "newest": (Device.id.desc(),),
    "oldest": (Device.id.asc(),),
    "tag": (Device.asset_tag.asc(),),
    "model": (MODEL_KEY.asc(), Device.id.asc()),
}

#: The same orders over expressions no index serves, for a search's few rows: see
#: ``database.paginate``'s ``when_few``. Asset tags are unique, so the tag order needs no id.
FENCED_SORTS: dict[str, tuple] = {
    "newest": ((Device.id + 0).desc(),),
    "oldest": ((Device.id + 0).asc(),),
    "tag": ((Device.asset_tag + "").asc(),),
    "model": (sa.func.upper(Device.model + "").asc(), (Device.id + 0).asc()),
}


def starts_with(expression: sa.ColumnElement, prefix: str) -> sa.ColumnElement:
    """A condition that ``expression`` starts with ``prefix``, in the form its index serves."""
    if db.session.get_bind().dialect.name == "postgresql":
        return expression.startswith(prefix, autoescape=True)
    # The next string after every one starting with ``prefix``, in binary order.
    after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return sa.and_(expression >= prefix, expression < after)


def matching(
    text: str,
    normalise_tag: Callable[[str], str],
    donation_with_reference: Callable[[str], sa.ColumnElement] | None = None,
) -> sa.ColumnElement:
    """The condition a search ``text`` puts on ``Device`` (one OR of index-backed terms)."""
    terms = []
    tag = normalise_tag(text)
    if tag:
        terms.append(starts_with(Device.asset_tag, tag))
    key = serial_key(text)
    if key:
        terms.append(starts_with(Device.serial_key, key))
        terms.append(starts_with(DONOR_ASSET_KEY, key))
    model = text.strip().upper()
    if model:
        terms.append(starts_with(MODEL_KEY, model))
    if donation_with_reference is not None:
        terms.append(Device.donation_id == donation_with_reference(text))
    return sa.or_(*terms) if terms else sa.true()

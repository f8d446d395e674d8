"""Labels for devices and pre-printed tags: from rows of the register to PDF bytes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from flask import current_app

from labels import LAYOUTS, Label, LabelLayoutError
from reuse_tracker import inputs, sequences
from reuse_tracker.auth.models import User
from reuse_tracker.devices.models import Device, LabelBatch, PreprintedTag
from reuse_tracker.devices.registration import format_tag
from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.vocabulary import TYPE_TITLES

#: Labels one request may print (a full day's intake for a big workshop).
MAX_LABELS = 5000


def device_url(tag: str) -> str:
    """Return the address the QR code carries: PUBLIC_BASE_URL/d/<tag>."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/d/{tag}"


def caption(kind: str, brand: str, model: str) -> tuple[str, str]:
    """Return the two caption lines: brand and model, then the type (``Portable``)."""
    return f"{brand} {model}".strip(), str(TYPE_TITLES.get(kind, kind)).capitalize()


#: The layouts' titles in the user's language (the label library's titles are English).
LAYOUT_TITLES = {
    "avery-l7651": _l("Avery L7651 — 65 per A4 sheet (38.1 × 21.2 mm)"),
    "avery-l7160": _l("Avery L7160 — 21 per A4 sheet (63.5 × 38.1 mm)"),
    "avery-l7163": _l("Avery L7163 — 14 per A4 sheet (99.1 × 38.1 mm)"),
    "brother-62x29": _l("Brother QL 62 mm continuous roll, cut at 29 mm (62 × 29 mm)"),
    "brother-dk11201": _l("Brother DK-11201 die-cut roll (90 × 29 mm)"),
    "dymo-11354": _l("Dymo 11354 roll (57 × 32 mm)"),
}


def layout_title(name: str) -> str:
    """Return a layout's title in the user's language."""
    return str(LAYOUT_TITLES.get(name, LAYOUTS[name].title))


def choose_layout(name: str | None, start: str | int | None = 1) -> tuple[str, int]:
    """Check a layout name and start position from a form or URL; raise ValidationError."""
    name = name or current_app.config["DEFAULT_LABEL_LAYOUT"]
    if name not in LAYOUTS:
        raise ValidationError(
            _l("Unknown label layout."),
            {"layout": inputs.not_one_of(LAYOUTS, {name: layout_title(name) for name in LAYOUTS})},
        )
    try:
        position = inputs.integer(start or 1, low=0, high=1000)
    except ValueError:
        position = 0
    per_page = LAYOUTS[name].per_page if LAYOUTS[name].is_sheet else 1
    if not 1 <= position <= per_page:
        raise ValidationError(
            _l("Invalid start position."),
            {"start": str(_l("must be between 1 and %(n)s", n=per_page))},
        )
    return name, position


def render(labels: Sequence[Label], layout: str, start: int, title: str) -> bytes:
    """Render labels, refusing empty or oversized runs with a clear message."""
    from labels import render_labels  # the PDF stack, only when labels are printed

    if not labels:
        raise ValidationError(_l("There is no label to print."))
    if len(labels) > MAX_LABELS:
        raise ValidationError(_l("At most %(n)s labels can be printed at once.", n=MAX_LABELS))
    try:
        return render_labels(labels, layout, start=start, title=title)
    except LabelLayoutError as error:
        raise ValidationError(
            _l("These labels cannot be printed on this layout."), {"layout": str(error)}
        ) from None


def device_labels(where: Iterable[sa.ColumnElement[bool]]) -> list[Label]:
    """Return the labels of the devices matching ``where``, in tag order, in one query."""
    rows = db.session.execute(
        sa.select(Device.asset_tag, Device.type, Device.brand, Device.model)
        .where(*where)
        .order_by(Device.asset_tag)
    )
    return [
        Label(tag, device_url(tag), caption(kind, brand, model)) for tag, kind, brand, model in rows
    ]


def preprint(count: int, actor: User | None, note: str = "") -> LabelBatch:
    """Reserve ``count`` new tags for blank labels; flush."""
    if not 1 <= count <= MAX_LABELS:
        raise ValidationError(
            _l("Invalid number of labels."),
            {"count": str(_l("must be between 1 and %(n)s", n=MAX_LABELS))},
        )
    numbers = sequences.allocate("asset_tag", count)
    tags = [format_tag(n) for n in numbers]
    batch = LabelBatch(
        created_by=actor, note=note.strip()[:200], first_tag=tags[0], last_tag=tags[-1], count=count
    )
    db.session.add(batch)
    db.session.flush()
    db.session.execute(sa.insert(PreprintedTag), [{"tag": t, "batch_id": batch.id} for t in tags])
    return batch


def batch_labels(batch: LabelBatch, only_unused: bool = False) -> list[Label]:
    """Return the blank labels of a batch (optionally only those no device took yet)."""
    statement = sa.select(PreprintedTag.tag).where(PreprintedTag.batch_id == batch.id)
    if only_unused:
        statement = statement.where(~sa.exists().where(Device.asset_tag == PreprintedTag.tag))
    tags = db.session.scalars(statement.order_by(PreprintedTag.tag))
    return [Label(tag, device_url(tag)) for tag in tags]


def batches_with_use(limit: int = 50) -> list[tuple[LabelBatch, int]]:
    """Return recent batches with how many of their tags devices took, in one query."""
    used = (
        sa.select(sa.func.count())
        .select_from(PreprintedTag)
        .join(Device, Device.asset_tag == PreprintedTag.tag)
        .where(PreprintedTag.batch_id == LabelBatch.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(LabelBatch, used)
        .order_by(LabelBatch.id.desc())
        .limit(limit)
        .options(sa.orm.joinedload(LabelBatch.created_by))
    )
    return [(batch, count) for batch, count in rows]

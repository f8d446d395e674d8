"""The spare-parts stock: parts in (harvested, counted in) and out (installed), never below zero.

Taking parts is one conditional UPDATE (``... WHERE quantity >= n``) whose row count says
whether it happened: two technicians installing the last part at once cannot both succeed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from reuse_tracker import inputs
from reuse_tracker.auth.models import User
from reuse_tracker.db_types import utcnow
from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.errors import ConflictError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.workshop.models import PartMovement, SparePart

PART_KINDS = ("ram", "ssd", "hdd", "battery", "charger", "screen", "keyboard", "other")
KIND_TITLES = {
    "ram": _l("Memory (RAM)"),
    "ssd": _l("SSD"),
    "hdd": _l("Hard disk (HDD)"),
    "battery": _l("Battery"),
    "charger": _l("Charger"),
    "screen": _l("Screen"),
    "keyboard": _l("Keyboard"),
    "other": _l("Other"),
}
#: Words a technician may type for each kind in a list of harvested parts.
KIND_WORDS = {
    "ram": ("ram", "memory", "mémoire", "memoire"),
    "ssd": ("ssd",),
    "hdd": ("hdd", "hard disk", "disque dur", "disque"),
    "battery": ("battery", "batterie"),
    "charger": ("charger", "chargeur", "adapter", "alimentation"),
    "screen": ("screen", "écran", "ecran", "dalle"),
    "keyboard": ("keyboard", "clavier"),
    "other": ("other", "autre"),
}
MAX_QUANTITY = 50


def spec_key(spec: str) -> str:
    """Fold a specification so ``DDR4 8GB`` typed twice is one stock line."""
    return " ".join(spec.split()).casefold()


def kind_title(kind: str) -> str:
    return str(KIND_TITLES.get(kind, kind))


def kind_of(word: str) -> str | None:
    """Return the kind a typed word names (``Mémoire`` → ``ram``), or None."""
    folded = word.strip().casefold()
    return next((kind for kind, words in KIND_WORDS.items() if folded in words), None)


def parse_parts(raw: Any) -> list[dict[str, Any]]:
    """Read a list of parts: ``kind; specification; quantity`` a line, or JSON objects."""
    items = (
        raw if isinstance(raw, list) else [line for line in str(raw).splitlines() if line.strip()]
    )
    parts = [_part(number, item) for number, item in enumerate(items, 1)]
    if not parts:
        raise ValueError(_l("list at least one part, or leave the field empty"))
    return parts


def _part(number: int, item: Any) -> dict[str, Any]:
    if isinstance(item, Mapping):
        kind, spec, quantity = item.get("kind"), item.get("spec"), item.get("quantity", 1)
    else:
        cells = [cell.strip() for cell in re.split(r"[;|]", str(item))]
        kind, spec = cells[0], cells[1] if len(cells) > 1 else ""
        quantity = cells[2] if len(cells) > 2 and cells[2] else 1
    found = kind if kind in PART_KINDS else kind_of(str(kind or ""))
    if found is None:
        raise ValueError(
            _l(
                "line %(n)s: “%(kind)s” is not a part kind (%(kinds)s)",
                n=number,
                kind=kind,
                kinds=", ".join(PART_KINDS),
            )
        )
    spec = " ".join(str(spec or "").split())
    if not spec or len(spec) > 120:
        raise ValueError(
            _l("line %(n)s: give the specification (at most 120 characters)", n=number)
        )
    try:
        quantity = inputs.integer(quantity, low=1, high=MAX_QUANTITY)
    except ValueError:
        raise ValueError(
            _l(
                "line %(n)s: the quantity must be a whole number from 1 to %(max)s",
                n=number,
                max=MAX_QUANTITY,
            )
        ) from None
    return {"kind": found, "spec": spec, "quantity": quantity}


def describe_parts(parts: Any) -> str:
    """Show a list of parts in the history: ``Memory (RAM) DDR4 8 GB ×2; Battery 45 Wh``."""
    if not isinstance(parts, list):
        return str(parts)
    return "; ".join(
        f"{kind_title(p.get('kind', ''))} {p.get('spec', '')}"
        + (f" ×{p['quantity']}" if p.get("quantity", 1) != 1 else "")
        for p in parts
        if isinstance(p, Mapping)
    )


def add(
    kind: str,
    spec: str,
    quantity: int,
    *,
    reason: str,
    actor: User | None,
    device: Device | None = None,
    note: str = "",
) -> SparePart:
    """Put ``quantity`` parts into stock (creating the line if new); flush."""
    part_id = _line(kind, spec)
    db.session.execute(
        sa.update(SparePart)
        .where(SparePart.id == part_id)
        .values(quantity=SparePart.quantity + quantity, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return _moved(part_id, quantity, reason, actor, device, note)


def take(
    kind: str,
    spec: str,
    quantity: int,
    *,
    reason: str,
    actor: User | None,
    device: Device | None = None,
    note: str = "",
) -> SparePart:
    """Take ``quantity`` parts out of stock, or raise ConflictError if fewer are left; flush."""
    key = spec_key(spec)
    result = db.session.execute(
        sa.update(SparePart)
        .where(SparePart.kind == kind, SparePart.spec_key == key, SparePart.quantity >= quantity)
        .values(quantity=SparePart.quantity - quantity, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    where = (SparePart.kind == kind, SparePart.spec_key == key)
    if result.rowcount != 1:
        left = db.session.scalar(sa.select(SparePart.quantity).where(*where)) or 0
        raise ConflictError(
            _l("Not enough parts in stock."),
            {
                "spec": _l(
                    "%(left)s left of %(kind)s “%(spec)s”, %(wanted)s wanted",
                    left=left,
                    kind=kind_title(kind),
                    spec=spec,
                    wanted=quantity,
                )
            },
            {"spec": _l("Specification")},
        )
    part_id = db.session.scalar(sa.select(SparePart.id).where(*where))
    return _moved(part_id, -quantity, reason, actor, device, note)


def _line(kind: str, spec: str) -> int:
    """Return the id of the stock line of this part, inserting it if needed (race-safe)."""
    values = {
        "kind": kind,
        "spec": " ".join(spec.split()),
        "spec_key": spec_key(spec),
        "quantity": 0,
        "updated_at": utcnow(),
    }
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    where = (SparePart.kind == kind, SparePart.spec_key == values["spec_key"])
    if insert is not None:
        db.session.execute(
            insert(SparePart)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["kind", "spec_key"])
        )
    elif db.session.scalar(sa.select(SparePart.id).where(*where)) is None:
        db.session.add(SparePart(**values))
        db.session.flush()
    return db.session.scalar(sa.select(SparePart.id).where(*where))


def _moved(
    part_id: int, quantity: int, reason: str, actor: User | None, device: Device | None, note: str
) -> SparePart:
    movement = PartMovement(
        part_id=part_id,
        quantity=quantity,
        reason=reason,
        actor_id=actor.id if actor else None,
        device_id=device.id if device else None,
        # The event the action service appends next carries this number.
        event_seq=device.version + 1 if device else None,
        note=note[:200],
    )
    db.session.add(movement)
    db.session.flush()
    return db.session.get(SparePart, part_id, populate_existing=True)


def stock_lines() -> Sequence[SparePart]:
    """Return every stock line, by kind then specification."""
    return db.session.scalars(
        sa.select(SparePart).order_by(SparePart.kind, SparePart.spec_key)
    ).all()


def recent_movements(limit: int = 50) -> list[sa.Row]:
    """Return the latest movements with their part, machine, person and moment (one query)."""
    event = sa.orm.aliased(DeviceEvent)
    moment = sa.func.coalesce(event.created_at, PartMovement.created_at)
    return db.session.execute(
        sa.select(
            PartMovement.quantity,
            PartMovement.reason,
            PartMovement.note,
            SparePart.kind,
            SparePart.spec,
            Device.asset_tag,
            User.name.label("actor"),
            moment.label("moment"),
        )
        .join(SparePart, SparePart.id == PartMovement.part_id)
        .outerjoin(Device, Device.id == PartMovement.device_id)
        .outerjoin(
            event,
            sa.and_(event.device_id == PartMovement.device_id, event.seq == PartMovement.event_seq),
        )
        .outerjoin(User, User.id == PartMovement.actor_id)
        .order_by(PartMovement.id.desc())
        .limit(limit)
    ).all()

"""The demo's waves played in time order: allocation rounds, hand-over days, returns and after.

Every change goes through the action service, dated; the state at each moment decides what
happens next (a device returned in April, reconditioned, is re-lent in May). The waves come
already dated in the plan's year; the plan's calendar gives the last moment and the holidays.
"""

from __future__ import annotations

import heapq
import io
import random
from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime, time, timedelta
from functools import partial
from itertools import count
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from reuse_tracker.auth.models import Role, User
from reuse_tracker.demo_calendar import PlanCalendar
from reuse_tracker.devices import services as actions
from reuse_tracker.devices.lifecycle import Status
from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from reuse_tracker.loans import allocation, signature
from reuse_tracker.loans.families import waiting_statement
from reuse_tracker.loans.models import Family, Loan, Wave
from reuse_tracker.vocabulary import LoanStatus

PARIS = ZoneInfo("Europe/Paris")
RETURNS = (
    ("good", "Famille partie hors de la métropole"),
    ("worn", "L'enfant a changé d'école"),
    ("good", "Famille équipée par ailleurs"),
    ("damaged", "Écran fissuré"),
    ("broken", "Ne s'allume plus après une chute"),
    ("worn", ""),
    ("good", ""),
)
ERASE = {
    "method": "clear",
    "technique": "overwrite",
    "tool": "nwipe",
    "tool_version": "0.34",
    "verification": "full",
    "result": "passed",
}
WORKSHOP_STEPS = (
    ("start_reconditioning", {}),
    ("record_erasure", ERASE),
    ("record_diagnostics", {"result": "passed"}),
    ("grade", {"grade": "B", "os": "Ubuntu 20.04 LTS"}),
    ("mark_ready", {}),
)


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), PARIS)


def working_days(first: date, last: date, holidays: Collection[date]) -> list[date]:
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [d for d in days if d.weekday() < 5 and d not in holidays]


class Timeline:
    """Happenings in time order, up to the plan's last moment; a happening may add later ones."""

    def __init__(self, rng: random.Random, users: Sequence[User], calendar: PlanCalendar):
        self.rng = rng
        self.calendar = calendar
        self.heap: list[tuple[datetime, int, Callable[[], None]]] = []
        self.order = count()
        self.coordinator = next(u for u in users if u.role == Role.COORDINATOR)
        self.mediator = next(u for u in users if u.role == Role.MEDIATOR)
        self.technicians = [u for u in users if u.role == Role.WORKSHOP]

    def add(self, at: datetime, happen: Callable[[], None]) -> None:
        if at <= self.calendar.as_of:
            heapq.heappush(self.heap, (at, next(self.order), happen))

    def play(self) -> None:
        while self.heap:
            heapq.heappop(self.heap)[2]()

    def act(self, device: Device, action: str, data: dict, actor: User, at: datetime) -> None:
        """Perform an action dated ``at``; date the loan it touches the same way."""
        event = actions.perform(device, action, data, actor=actor, at=at)
        loan = db.session.get(Loan, event.payload["loan"]) if "loan" in event.payload else None
        if loan is None:
            return
        if action == "reserve":
            loan.reserved_at = at
        elif action == "hand_over":
            loan.handed_over_at = at
        elif loan.closed_at is not None:
            loan.closed_at = at
            loan.returned_at = at if action == "return" else None


def allocate(timeline: Timeline, wave: Wave, at: datetime) -> None:
    """Reserve the ready stock for the waiting list, as the coordinator confirms it."""
    waiting = db.session.scalars(
        waiting_statement(wave.id).where(Family.referred_on < at.date())
    ).all()
    stock = {
        device.asset_tag: device
        for device in db.session.scalars(
            sa.select(Device).where(
                Device.status == Status.READY.value, Device.status_changed_at < at
            )
        )
    }
    proposal = allocation.propose(
        [
            allocation.WaitingFamily(f.reference, f.device_type, f.referred_on, f.id)
            for f in waiting
        ],
        [
            allocation.ReadyDevice(d.asset_tag, d.type, d.grade, d.status_changed_at)
            for d in stock.values()
        ],
    )
    for number, pair in enumerate(proposal.pairs):
        timeline.act(
            stock[pair.asset_tag],
            "reserve",
            {"family": pair.reference, "wave": wave.id},
            timeline.coordinator,
            at + timedelta(seconds=20 * number),
        )
    schedule_hand_over_days(timeline, wave, at.date())


def schedule_hand_over_days(timeline: Timeline, wave: Wave, allocated_on: date) -> None:
    """Give each school of the wave its hand-over day, spread over the wave's dates."""
    days = working_days(
        max(allocated_on + timedelta(days=4), wave.starts_on),
        max(wave.ends_on, allocated_on + timedelta(days=14)),
        timeline.calendar.holidays,
    )
    for number, school in enumerate(wave.schools):
        day = days[min(len(days) - 1, number * len(days) // max(1, len(wave.schools)))]
        timeline.add(
            _at(day, 14),
            lambda school=school, day=day: hand_over_day(timeline, wave, school.id, day),
        )


def hand_over_day(timeline: Timeline, wave: Wave, school_id: int, day: date) -> None:
    """Hand each reserved device to its family at the school (a few do not come)."""
    loans = db.session.scalars(
        sa.select(Loan)
        .join(Family, Family.id == Loan.family_id)
        .where(
            Loan.wave_id == wave.id,
            Loan.status == LoanStatus.RESERVED,
            Family.school_id == school_id,
        )
        .order_by(Loan.id)
        .options(joinedload(Loan.family).joinedload(Family.association), joinedload(Loan.device))
    ).all()
    rng = timeline.rng
    for number, loan in enumerate(loans):
        if rng.random() < 0.03:
            later = _at(day + timedelta(days=10), 11)
            timeline.add(later, lambda loan=loan, at=later: cancel(timeline, loan, at))
            continue
        at = _at(day, 14) + timedelta(minutes=3 * number)
        association = loan.family.association.name if loan.family.association else ""
        due_on = (
            day + SHORT_LOAN
            if loan.id % SHORT_LOAN_EVERY == 0
            else timeline.calendar.on(LOANS_END_ON)
        )
        timeline.act(
            loan.device,
            "hand_over",
            {"charter_signed_on": day, "association": association, "due_on": due_on.isoformat()},
            timeline.mediator,
            at,
        )
        if rng.random() < 0.3:
            loan.signature_png, loan.signed_at = drawn_signature(rng), at


def cancel(timeline: Timeline, loan: Loan, at: datetime) -> None:
    """Cancel a reservation the family did not come for; the device goes back to the stock."""
    if loan.status == LoanStatus.RESERVED:
        timeline.act(
            loan.device,
            "cancel_reservation",
            {"reason": "Famille injoignable le jour de la remise"},
            timeline.coordinator,
            at,
        )


def end_some_loans(
    timeline: Timeline,
    wave: Wave,
    action: str,
    day: date,
    data: dict,
    then: Callable[[Device, datetime], None] | None = None,
) -> None:
    """End one running loan of the wave with ``action``: a return, a loss or a transfer."""
    loans = db.session.scalars(
        sa.select(Loan)
        .where(Loan.wave_id == wave.id, Loan.status == LoanStatus.ON_LOAN)
        .order_by(Loan.id)
    ).all()
    if not loans:
        return
    loan = timeline.rng.choice(loans)
    actor = timeline.coordinator if action == "transfer" else timeline.mediator
    at = _at(day, timeline.rng.randint(9, 16))
    timeline.act(loan.device, action, data, actor, at)
    if then:
        then(loan.device, at)


def recondition(timeline: Timeline, device: Device, returned_at: datetime) -> None:
    """Send a returned device through the workshop again, so it can be lent once more."""
    technician = timeline.rng.choice(timeline.technicians)
    for number, (action, data) in enumerate(WORKSHOP_STEPS):
        at = returned_at + timedelta(days=3 + number, hours=1)
        timeline.add(
            at,
            lambda action=action, data=data, at=at: timeline.act(
                device, action, data, technician, at
            ),
        )


#: Loans run to the end of the next school year (reference calendar); one in SHORT_LOAN_EVERY
#: was agreed for three months only, and some of those families are late: the mediator's list.
LOANS_END_ON = date(2022, 7, 5)
SHORT_LOAN_EVERY = 29
SHORT_LOAN = timedelta(days=91)
LOSS = {"circumstances": "Vol signalé par la famille (dépôt de plainte)"}
#: The transfers' day in the reference calendar; the decision is numbered after the plan's day.
TRANSFERRED_ON = date(2021, 6, 4)
TRANSFER = {"decision": "Décision fictive n° {:%Y-%m-%d}", "notes": "Élève de CM2 entrant en 6e"}


def plan_ends(timeline: Timeline, wave: Wave) -> None:
    """Plan the returns (most re-lent), two losses and three transfers of a wave."""
    rng = timeline.rng
    for condition, notes in RETURNS:
        day = wave.ends_on + timedelta(days=rng.randint(10, 55))
        again = condition in ("good", "worn")
        timeline.add(
            _at(day, 8),
            lambda day=day, data={"condition": condition, "notes": notes}, again=again: (
                end_some_loans(
                    timeline,
                    wave,
                    "return",
                    day,
                    data,
                    partial(recondition, timeline) if again else None,
                )
            ),
        )
    for day in (wave.ends_on + timedelta(days=33), wave.ends_on + timedelta(days=61)):
        timeline.add(_at(day, 8), partial(end_some_loans, timeline, wave, "report_lost", day, LOSS))
    day = timeline.calendar.on(TRANSFERRED_ON)
    transfer = {**TRANSFER, "decision": TRANSFER["decision"].format(day)}
    for offset in range(3):
        timeline.add(
            _at(day, 8, offset),
            partial(end_some_loans, timeline, wave, "transfer", day, transfer),
        )


def drawn_signature(rng: random.Random) -> bytes:
    """Draw a scribble that looks like a signature (a fictional one)."""
    from PIL import Image, ImageDraw  # the demo only

    image = Image.new("L", (480, 160), 255)
    pen = ImageDraw.Draw(image)
    x, y = 30, 90
    for _ in range(rng.randint(18, 30)):
        nx, ny = x + rng.randint(8, 22), max(20, min(140, y + rng.randint(-35, 35)))
        pen.line((x, y, nx, ny), fill=0, width=3)
        x, y = nx, ny
    pen.line((30, 130, x, 125), fill=0, width=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return signature.clean_png(out.getvalue())


def play_waves(
    rng: random.Random, waves: Sequence[tuple], users: Sequence[User], calendar: PlanCalendar
) -> None:
    """Plan each wave's allocation rounds and what follows, then play them in time order."""
    timeline = Timeline(rng, users, calendar)
    for plan, wave in waves:
        for day in plan.rounds:
            timeline.add(
                _at(day, 10), lambda wave=wave, day=day: allocate(timeline, wave, _at(day, 10))
            )
        if plan.closes:
            plan_ends(timeline, wave)
    timeline.play()

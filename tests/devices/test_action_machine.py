"""Random sequences of actions: after every step each device is what its event log says.

A Hypothesis state machine takes donations in and performs any action on any device: one
the lifecycle offers or not, with valid or broken fields, by any role, with the device's
version or a stale one. A refused action changes nothing, in any table. After every step:
each device's state, version, grade, details and loans are a replay of its log (and of the
machine's own model of the lifecycle table); the state summary is a count of the devices;
the checks behind ``flask integrity`` pass.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from reuse_tracker import clock
from reuse_tracker.auth.models import User
from reuse_tracker.devices import actions, counts, lifecycle, services
from reuse_tracker.devices.models import Device, DeviceEvent
from reuse_tracker.errors import UserError
from reuse_tracker.extensions import db
from reuse_tracker.intake import services as intake
from reuse_tracker.loans.models import Family, Loan
from reuse_tracker.vocabulary import Condition, LoanStatus
from reuse_tracker.workshop.models import PartMovement, SparePart
from tests.conftest import PATHS, empty_tables
from tests.loans.conftest import ACTION_DATA, FIXTURE_ASSOCIATION, make_family, make_wave  # noqa: F401  (the loans' fixtures, shared)

SETTINGS = settings(
    max_examples=15,
    stateful_step_count=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
MAX_DEVICES = 4
#: The minutes between two actions.
MINUTES = st.integers(1, 600)
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ROLES = (None, "admin", "coordinator", "workshop", "mediator", "viewer")
PERFORMABLE = tuple(a for a in lifecycle.ACTIONS if a != "intake")
#: What each loan action leaves its loan in (the loan's state is a replay of these events).
LOAN_AFTER = {
    "reserve": LoanStatus.RESERVED,
    "cancel_reservation": LoanStatus.CANCELLED,
    "hand_over": LoanStatus.ON_LOAN,
    "return": LoanStatus.RETURNED,
    "report_lost": LoanStatus.LOST,
    "transfer": LoanStatus.TRANSFERRED,
}
#: The loan a device in these states holds.
ACTIVE_LOAN_OF = {"reserved": LoanStatus.RESERVED, "on_loan": LoanStatus.ON_LOAN}
#: After the reservation: the loan actions that take a device to each end of a loan.
LOAN_ENDS = {
    "reserved": (),
    "cancelled": ("cancel_reservation",),
    "on_loan": ("hand_over",),
    "returned": ("hand_over", "return"),
    "lost": ("hand_over", "report_lost"),
    "transferred": ("hand_over", "transfer"),
}
PART_ACTIONS = {"harvest", "harvest_part", "install_part"}
SPECS = ("DDR4 8 GB", "ddr4  8 gb", "SSD 256 GB")

note = st.sampled_from([None, "", "RAS", "  écran rayé  "])


def _forward(status: str, suggested: str | None) -> list[str | None]:
    """The actions that take a device on its way to a family, and what happens there."""
    return {
        "in_workshop": [suggested, "harvest_part", suggested, "install_part", suggested],
        "reserved": ["cancel_reservation", "hand_over", "hand_over"],
        "on_loan": ["report_lost", "return", "transfer"],
    }.get(status, [suggested])


def _erasure():
    def build(method, technique, verification, result, storage):
        payload = {"method": method, "technique": technique, "tool": "nwipe"}
        payload.update(verification=verification, result=result, storage_serial=storage)
        return payload

    method = st.sampled_from(["clear", "purge", "destroy"])
    return method.flatmap(
        lambda m: st.builds(
            build,
            st.just(m),
            # Mostly the technique that goes with the method; now and then the other kind.
            st.sampled_from(
                ["physical_destruction"] * 3 + ["overwrite"]
                if m == "destroy"
                else [
                    "overwrite",
                    "block_erase",
                    "crypto_erase",
                    "sanitize",
                    "physical_destruction",
                ]
            ),
            st.sampled_from(["full", "full", "sampling", "none"]),
            st.sampled_from(["passed", "passed", "failed"]),
            st.sampled_from([None, "S1", "s1 ", "S2"]),
        )
    )


def _part():
    return st.fixed_dictionaries(
        {"kind": st.sampled_from(["ram", "ssd"]), "spec": st.sampled_from(SPECS)},
        optional={"quantity": st.integers(1, 3)},
    )


def _hand_over(today: date):
    def build(days_ago, way, association, due_in):
        signed = today - timedelta(days=days_ago)
        payload = {"charter_signed_on": signed.isoformat(), "charter_way": way}
        payload["association"] = association
        if due_in is not None:
            payload["due_on"] = (signed + timedelta(days=due_in)).isoformat()
        return payload

    return st.builds(
        build,
        st.sampled_from([0, 3, 40, -1]),  # -1: signed tomorrow, refused
        st.sampled_from([None, "attested", "paper", "screen"]),  # screen: no signature, refused
        st.sampled_from([None, FIXTURE_ASSOCIATION, FIXTURE_ASSOCIATION, "Inconnue"]),
        st.sampled_from([None, 30, 0]),  # 0: due the day it was signed, refused
    )


class ActionLog(RuleBasedStateMachine):
    """The action service driven at random, checked against the log and the lifecycle table."""

    devices = Bundle("devices")

    def __init__(self, world):
        super().__init__()
        self.world = world
        #: The state each device is in according to the lifecycle table alone.
        self.model: dict[int, str] = {}
        self.types: dict[int, str] = {}
        self.serials = itertools.count(1)
        self.moment = START

    @initialize()
    def programme(self):
        db.session.remove()
        empty_tables(keep=("users",))
        self._tick(0)  # the clock starts again at START, where the previous run left it
        self.users = {role: role and db.session.get(User, self.world.users[role]) for role in ROLES}
        self.wave = self.world.make_wave()
        self.families = [
            self.world.make_family(self.wave, contact=False).reference for _ in range(3)
        ]

    # --- rules --------------------------------------------------------------------------

    @precondition(lambda self: len(self.model) < MAX_DEVICES)
    @rule(
        target=devices,
        kinds=st.lists(st.sampled_from(["laptop", "monitor", "tablet"]), min_size=1, max_size=3),
        broken=st.sampled_from([None, None, "brand", "serial", "type"]),
    )
    def take_in(self, kinds, broken):
        """Take a donation in, or refuse one with a bad row."""
        rows = [self._row(kind) for kind in kinds]
        if broken:  # no brand, a serial twice, a fridge: nothing is recorded
            bad = {"brand": "", "serial": rows[0]["serial"].lower(), "type": "fridge"}[broken]
            rows.append({**self._row("laptop"), broken: bad})
            self._refused(
                lambda: intake.register_donation(
                    {"name": "Donateur"}, START.date(), rows, actor=None
                )
            )
            return multiple()
        donation = intake.register_donation({"name": "Donateur"}, START.date(), rows, actor=None)
        db.session.commit()
        ids = db.session.scalars(
            sa.select(Device.id).where(Device.donation_id == donation.id).order_by(Device.id)
        ).all()
        for device_id, kind in zip(ids, kinds, strict=True):
            self.model[device_id], self.types[device_id] = "received", kind
        return multiple(*ids)

    @rule(device=devices, data=st.data())
    def advance(self, device, data):
        """Do what the device page offers, by someone allowed to, with plausible fields."""
        device = db.session.get(Device, device)
        steps = services.next_steps(device, self.users["admin"])
        if not steps.actions:
            return  # a final state
        # Mostly the way to a family and beyond (the page's suggestion in the workshop), so
        # that devices go the whole way; now and then anything the page offers.
        likely = [a for a in _forward(device.status, steps.suggested) if a in steps.actions]
        detour = data.draw(st.sampled_from([False, False, False, True]), label="detour")
        pick = steps.actions if detour or not likely else likely
        action = data.draw(st.sampled_from(pick), label="action")
        allowed = [r for r in ROLES if r is None or actions.may_perform(self.users[r], action)]
        role = data.draw(st.sampled_from(allowed), label="role")
        payload = data.draw(self._valid_payload(action, device), label="payload")
        self._perform(device, action, payload, role, device.version, data.draw(MINUTES))

    @rule(device=devices, data=st.data())
    def act(self, device, data):
        """Do anything: any action, broken fields, any role, a stale version."""
        device = db.session.get(Device, device)
        action = data.draw(st.sampled_from((*PERFORMABLE, "intake", "fly")), label="action")
        role = data.draw(st.sampled_from(ROLES), label="role")
        version = data.draw(st.sampled_from(["current", "stale", None]), label="version")
        payload, valid = data.draw(self._payload(action, device), label="payload")
        expected = {"current": device.version, "stale": device.version - 1, None: None}[version]
        done = self._perform(device, action, payload, role, expected, data.draw(MINUTES))
        assert not done or valid, (action, payload)

    @rule(device=devices, end=st.sampled_from(["in_workshop", "ready", *LOAN_ENDS]))
    def take_the_usual_way(self, device, end):
        """Take a received device the usual way: to ``end`` of the workshop (tests/conftest.py's
        PATHS), or to ready and then to ``end`` of a loan of a family without a device."""
        device = db.session.get(Device, device)
        if device.status != "received":
            return
        steps = [
            (action, payload, "workshop") for action, payload in PATHS.get(end, PATHS["ready"])
        ]
        family = self._family_without_a_device()
        if end in LOAN_ENDS and family:
            steps.append(("reserve", {"family": family, "wave": self.wave.id}, "coordinator"))
            for action in LOAN_ENDS[end]:
                steps.append(
                    (action, {**ACTION_DATA[action], **self._dated(action)}, "coordinator")
                )
        for action, payload, role in steps:
            assert self._perform(device, action, dict(payload), role, device.version, 5)

    def _dated(self, action: str) -> dict:
        """The hand-over's charter signed today (the frozen day, not the real one)."""
        return {"charter_signed_on": clock.today()} if action == "hand_over" else {}

    def _perform(self, device, action, payload, role, expected, minutes: int) -> bool:
        """Perform an action; on success, move the model by the table; return whether done."""
        self._tick(minutes)
        actor, stale = self.users[role], expected is not None and expected != device.version

        def perform():
            services.perform(device, action, payload, actor=actor, expected_version=expected)

        if self._refused(perform, allow_success=True):
            return False
        # Done: the table allowed it (next_status raises otherwise), for a role it names.
        assert not stale and (actor is None or actions.may_perform(actor, action)), role
        self.model[device.id] = lifecycle.next_status(action, self.model[device.id]).value
        self.world.done[action] += 1
        return True

    # --- what a step must leave behind --------------------------------------------------

    @invariant()
    def the_log_decides_devices_loans_and_parts(self):
        events = self._events()
        self._devices_replay(events)
        self._loans_replay(events)
        self._parts_replay(events)

    def _devices_replay(self, events: dict[int, list[DeviceEvent]]) -> None:
        """Each device's state, version, grade and details are its log replayed."""
        for device in db.session.scalars(sa.select(Device)):
            log = events.get(device.id, [])
            assert [e.seq for e in log] == list(range(1, len(log) + 1))
            assert device.version == len(log)
            assert [e.from_status for e in log] == [None] + [e.to_status for e in log[:-1]]
            replayed = lifecycle.replay(e.action for e in log)
            assert device.status == replayed == self.model[device.id], device.asset_tag
            moved = [e for e in log if e.from_status != e.to_status]
            assert device.status_changed_at == moved[-1].created_at
            assert _details(log) == {name: getattr(device, name) for name in DETAILS}
            grades = [e.payload for e in log if e.action == "grade"]
            assert device.grade == (grades[-1]["grade"] if grades else None)
            assert device.os == next((g["os"] for g in reversed(grades) if g.get("os")), None)

    def _loans_replay(self, events: dict[int, list[DeviceEvent]]) -> None:
        """Each loan is in the state of its last event; a device holds the loan its state says."""
        replayed: dict[int, str] = {}
        for log in events.values():
            for event in log:
                if "loan" in event.payload:
                    replayed[event.payload["loan"]] = LOAN_AFTER[event.action]
        loans = db.session.execute(sa.select(Loan.id, Loan.status, Loan.device_id)).all()
        assert {loan.id: loan.status for loan in loans} == replayed
        active = Counter(
            (loan.device_id, loan.status)
            for loan in loans
            if loan.status in ACTIVE_LOAN_OF.values()
        )
        held = Counter(
            (device, ACTIVE_LOAN_OF[status])
            for device, status in self.model.items()
            if status in ACTIVE_LOAN_OF
        )
        assert active == held

    def _parts_replay(self, events: dict[int, list[DeviceEvent]]) -> None:
        """The stock of parts is the sum of its movements, each recorded by a part action."""
        stock = dict(db.session.execute(sa.select(SparePart.id, SparePart.quantity)).all())
        moved = Counter()
        actions_at = {(e.device_id, e.seq): e.action for log in events.values() for e in log}
        for movement in db.session.scalars(sa.select(PartMovement)):
            moved[movement.part_id] += movement.quantity
            assert actions_at[(movement.device_id, movement.event_seq)] in PART_ACTIONS
        assert stock == {part: moved[part] for part in stock}
        assert all(quantity >= 0 for quantity in stock.values())

    @invariant()
    def the_summary_is_a_count_and_integrity_passes(self):
        model = Counter((status, self.types[device]) for device, status in self.model.items())
        assert {(s, kind): n for s, kind, n in counts.read()} == dict(model)
        assert counts.mismatches() == {}
        assert list(services.check_integrity()) == []

    # --- helpers ------------------------------------------------------------------------

    def _row(self, kind: str) -> dict:
        return {"type": kind, "brand": "Dell", "model": "Latitude 5490", "serial": self._serial()}

    def _serial(self) -> str:
        return f"SM-{next(self.serials):05d}"

    def _tick(self, minutes: int) -> None:
        self.moment += timedelta(minutes=minutes)
        self.world.freeze(self.moment)

    def _refused(self, call, *, allow_success: bool = False) -> bool:
        """Run ``call``; on a refusal check that nothing changed. Return whether it refused."""
        before = _snapshot()
        try:
            call()
        except UserError:
            db.session.rollback()
            assert _snapshot() == before
            return True
        assert allow_success, "should have been refused"
        db.session.commit()
        return False

    def _family_without_a_device(self) -> str | None:
        busy = db.session.scalars(
            sa.select(Family.reference)
            .join(Loan, Loan.family_id == Family.id)
            .where(Loan.status.in_(ACTIVE_LOAN_OF.values()))
        ).all()
        return next((ref for ref in self.families if ref not in busy), None)

    def _events(self) -> dict[int, list[DeviceEvent]]:
        log: dict[int, list[DeviceEvent]] = {}
        for event in db.session.scalars(sa.select(DeviceEvent).order_by(DeviceEvent.seq)):
            log.setdefault(event.device_id, []).append(event)
        return log

    def _payload(self, action: str, device: Device) -> st.SearchStrategy:
        """Fields for ``action``, with whether they are all valid (broken ones never pass)."""
        valid = self._valid_payload(action, device)
        fields = actions.fields_for(action)
        breakable = [f.name for f in fields if f.required or f.kind == "choice"]
        if not breakable:
            return valid.map(lambda payload: (payload, True))

        def broken(payload, name):
            field = next(f for f in fields if f.name == name)
            if field.required and field.kind != "choice":
                return {key: value for key, value in payload.items() if key != name}, False
            return {**payload, name: "bogus"}, False

        return valid.map(lambda p: (p, True)) | st.builds(broken, valid, st.sampled_from(breakable))

    def _valid_payload(self, action: str, device: Device) -> st.SearchStrategy:
        today = clock.today()
        strategies = {
            "start_reconditioning": st.fixed_dictionaries({}, optional={"notes": note}),
            "record_erasure": _erasure(),
            "record_diagnostics": st.fixed_dictionaries(
                {"result": st.sampled_from(["passed", "passed", "failed"])},
                optional={
                    "checks": st.dictionaries(
                        st.sampled_from(["power", "screen"]), st.sampled_from(["passed", "failed"])
                    ),
                    "battery_health_pct": st.integers(0, 100),
                },
            ),
            "grade": st.fixed_dictionaries(
                {"grade": st.sampled_from("ABC")},
                optional={"os": st.sampled_from(["", "Debian 12", "Emmabuntüs 5"])},
            ),
            "install_part": _part(),
            "harvest_part": _part(),
            "mark_ready": st.just({}),
            "reserve": st.fixed_dictionaries(
                {
                    "family": st.sampled_from([*self.families, "FAM-INCONNUE"]),
                    "wave": st.sampled_from([self.wave.id, self.wave.id, self.wave.id + 1]),
                }
            ),
            "cancel_reservation": st.just({"reason": "Famille injoignable"}),
            "hand_over": _hand_over(today),
            "return": st.fixed_dictionaries(
                {"condition": st.sampled_from(list(Condition))}, optional={"notes": note}
            ),
            "report_lost": st.just({"circumstances": "Vol dans le bus"}),
            "transfer": st.fixed_dictionaries({}, optional={"decision": st.just("D-2026-06")}),
            "harvest": st.fixed_dictionaries(
                {}, optional={"parts": st.sampled_from(["ram; DDR4 8 GB; 2", "ssd; SSD 256 GB"])}
            ),
            "recycle": st.fixed_dictionaries(
                {
                    "weight_kg": st.sampled_from(["1.5", "2,25", "60"]),  # 60 kg: refused
                    "channel": st.sampled_from(["ecosystem", "Ecologic"]),
                },
                optional={"reference": st.just("ENL-1")},
            ),
            "correct_details": self._correction(device),
        }
        return strategies.get(action, st.just({}))

    def _correction(self, device: Device) -> st.SearchStrategy:
        others = db.session.scalars(sa.select(Device.serial).where(Device.id != device.id)).all()
        serials = st.sampled_from([device.serial, *others[:2]]) | st.builds(self._serial)
        return st.fixed_dictionaries(
            {"reason": st.just("faute de frappe")},
            optional={
                "serial": serials,
                "model": st.sampled_from(["Latitude 5490", "Latitude 5500"]),
                "brand": st.sampled_from(["Dell", "DELL"]),
                "weight_kg": st.sampled_from(["1.8", "1.234", "2"]),
            },
        )


#: The tables an action or an intake writes to (the others are checked by their sizes).
WRITTEN_BY_ACTIONS = {
    "counters",
    "device_counts",
    "devices",
    "device_events",
    "donations",
    "donors",
    "families",
    "loans",
    "part_movements",
    "spare_parts",
}
#: The details a device's log decides: intake's brand, model and serial, then corrections.
DETAILS = ("brand", "model", "serial", "weight_kg")


def _details(log: list[DeviceEvent]) -> dict:
    intake_payload = log[0].payload
    details = {name: intake_payload.get(name) for name in DETAILS}
    for event in log:
        if event.action == "correct_details":
            for name, change in event.payload["changes"].items():
                if name in details:
                    details[name] = change["new"]
    if details["weight_kg"] is not None:
        details["weight_kg"] = Decimal(str(details["weight_kg"]))
    return details


def _snapshot() -> tuple:
    """How many rows each table holds, and every row of those an action or an intake writes."""
    tables = db.metadata.sorted_tables
    sizes = sa.select(
        *(sa.select(sa.func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables)
    )
    rows = {
        table.name: db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
        for table in tables
        if table.name in WRITTEN_BY_ACTIONS
    }
    return db.session.execute(sizes).one(), rows


class World:
    """What the machine takes from the test's fixtures, and what it saw done."""

    def __init__(self, request, freeze):
        self.make_wave = request.getfixturevalue("make_wave")
        self.make_family = request.getfixturevalue("make_family")
        self.freeze = freeze
        make_user = request.getfixturevalue("make_user")
        #: One user of each role, made once (hashing passwords is slow); the machine keeps them.
        self.users = {role: role and make_user(role).id for role in ROLES}
        self.done: Counter[str] = Counter()


def test_random_actions_leave_every_state_as_its_log_says(app_ctx, frozen_clock, request):
    frozen_clock(START)
    world = World(request, frozen_clock)

    run_state_machine_as_test(lambda: ActionLog(world), settings=SETTINGS)

    # Not vacuous: every action of the lifecycle was done at least once.
    assert set(world.done) == set(PERFORMABLE), world.done

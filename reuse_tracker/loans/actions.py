"""The loan actions, one ActionSpec each: reserve, cancel, hand over, return, lost, transfer."""

from __future__ import annotations

from flask import Flask

from reuse_tracker.devices.actions import ActionSpec, add_action
from reuse_tracker.devices.fields import NOTES, Field
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.loans import services
from reuse_tracker.loans.models import CHARTER_WAYS
from reuse_tracker.policy import COORDINATION, FAMILY_STAFF
from reuse_tracker.sizes import MAX_ID
from reuse_tracker.vocabulary import CONDITION_TITLES

#: How the history and the forms name each way of signing the charter.
CHARTER_WAY_TITLES = dict(
    zip(
        CHARTER_WAYS,
        (_l("on the screen"), _l("on paper"), _l("attested by the caller")),
        strict=True,
    )
)

SPECS = (
    ActionSpec(
        "reserve",
        _l("Reserve for a family"),
        _l("Reserved for a family"),
        (
            Field("family", _l("Family reference"), required=True, max_length=20),
            Field("wave", _l("Wave number"), "int", required=True, minimum=1, maximum=MAX_ID),
        ),
        COORDINATION,
        handler=services.on_reserve,
    ),
    ActionSpec(
        "cancel_reservation",
        _l("Cancel reservation"),
        _l("Reservation cancelled"),
        (Field("reason", _l("Reason"), "longtext", True, max_length=500),),
        COORDINATION,
        handler=services.on_cancel,
    ),
    ActionSpec(
        "hand_over",
        _l("Hand over"),
        _l("Handed over to the family"),
        (
            Field("charter_signed_on", _l("Charter signed on"), "date"),
            Field(
                "charter_way",
                _l("Charter signed"),
                "choice",
                choices=tuple(CHARTER_WAY_TITLES.items()),
            ),
            Field("association", _l("Association present"), max_length=120),
            Field("due_on", _l("To be returned by"), "date"),
        ),
        FAMILY_STAFF,
        handler=services.on_hand_over,
    ),
    ActionSpec(
        "return",
        _l("Record return"),
        _l("Return recorded"),
        (
            Field(
                "condition",
                _l("Condition on return"),
                "choice",
                True,
                tuple(CONDITION_TITLES.items()),
            ),
            NOTES,
        ),
        FAMILY_STAFF,
        handler=services.on_return,
    ),
    ActionSpec(
        "report_lost",
        _l("Report lost"),
        _l("Reported lost"),
        (Field("circumstances", _l("Circumstances"), "longtext", True, max_length=2000),),
        FAMILY_STAFF,
        handler=services.on_lost,
    ),
    ActionSpec(
        "transfer",
        _l("Transfer ownership"),
        _l("Ownership transferred to the family"),
        (Field("decision", _l("City decision (reference)"), max_length=120), NOTES),
        COORDINATION,
        handler=services.on_transfer,
    ),
)


def register_actions(app: Flask) -> None:
    """Declare the loan actions on ``app``."""
    for spec in SPECS:
        add_action(app, spec)

"""What the loan actions take, who may perform them, and how their values read."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from reuse_tracker.auth.models import Role
from reuse_tracker.devices.fields import NOTES, Field

#: The conditions of RETURN_CONDITIONS, as people read them.
CONDITION_TITLES = {
    "good": _l("good"),
    "worn": _l("worn"),
    "damaged": _l("damaged"),
    "broken": _l("broken, does not work"),
}

LOAN_STATUS_TITLES = {
    "waiting": _l("waiting"),
    "reserved": _l("device reserved"),
    "on_loan": _l("on loan"),
    "returned": _l("returned"),
    "lost": _l("lost"),
    "transferred": _l("given to the family"),
    "cancelled": _l("reservation cancelled"),
    "closed": _l("loan ended"),
}

LOAN_FIELDS: dict[str, tuple[Field, ...]] = {
    "reserve": (
        Field("family", _l("Family reference"), required=True, max_length=20),
        Field("wave", _l("Wave number"), "int", required=True, minimum=1, maximum=2**31 - 1),
    ),
    "cancel_reservation": (Field("reason", _l("Reason"), "longtext", True, max_length=500),),
    "hand_over": (
        Field("charter_signed_on", _l("Charter signed on"), "date", required=True),
        Field("association", _l("Association present"), max_length=120),
        Field("due_on", _l("To be returned by"), "date"),
    ),
    "return": (
        Field(
            "condition", _l("Condition on return"), "choice", True, tuple(CONDITION_TITLES.items())
        ),
        NOTES,
    ),
    "report_lost": (
        Field("circumstances", _l("Circumstances"), "longtext", True, max_length=2000),
    ),
    "transfer": (Field("decision", _l("City decision (reference)"), max_length=120), NOTES),
}

#: Who may perform each loan action (admins always may).
LOAN_ROLES: dict[str, tuple[str, ...]] = {
    "reserve": (Role.COORDINATOR,),
    "cancel_reservation": (Role.COORDINATOR,),
    "hand_over": (Role.COORDINATOR, Role.MEDIATOR),
    "return": (Role.COORDINATOR, Role.MEDIATOR),
    "report_lost": (Role.COORDINATOR, Role.MEDIATOR),
    "transfer": (Role.COORDINATOR,),
}

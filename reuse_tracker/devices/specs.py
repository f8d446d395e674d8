"""The core's own actions: intake, entering the workshop, and being marked ready."""

from __future__ import annotations

from flask import Flask

from reuse_tracker.devices import corrections, readiness
from reuse_tracker.devices.actions import ActionSpec, add_action
from reuse_tracker.devices.fields import NOTES
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.policy import WORKSHOP

SPECS = (
    # Recorded by the intake service for whole donations, never performed one by one.
    ActionSpec("intake", _l("Intake"), _l("Received"), performable=False),
    ActionSpec(
        "start_reconditioning",
        _l("Start reconditioning"),
        _l("Reconditioning started"),
        (NOTES,),
    ),
    ActionSpec(
        "mark_ready",
        _l("Mark ready"),
        _l("Marked ready"),
        guards=(readiness.require_ready,),
    ),
    # Any state but a final one; coordinators and the workshop (WORKSHOP names both).
    ActionSpec(
        "correct_details",
        _l("Correct details"),
        _l("Details corrected"),
        corrections.FIELDS,
        roles=WORKSHOP,
        handler=corrections.apply_correction,
    ),
)


def register_actions(app: Flask) -> None:
    """Declare the core's actions on ``app``."""
    for spec in SPECS:
        add_action(app, spec)

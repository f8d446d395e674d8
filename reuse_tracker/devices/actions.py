"""One ``ActionSpec`` per action: what it takes, who may do it, how it reads, what it checks.

The transition itself stays in the pure lifecycle table; the feature that owns an action
declares its spec and registers it in its ``init_app`` with ``add_action``. The action
service, the device page, the API (``allowed_actions``, OpenAPI), the scan station and the
history all read the specs of the current application.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask
from flask_babel import LazyString

from reuse_tracker.devices import lifecycle
from reuse_tracker.features import DuplicateRegistration, registry
from reuse_tracker.policy import WORKSHOP

if TYPE_CHECKING:
    from reuse_tracker.auth.models import User
    from reuse_tracker.devices.fields import Field
    from reuse_tracker.devices.models import Device

#: Runs inside the action's transaction before its event is written: may refuse (raise a
#: UserError) or enrich the event's payload (mutate the dict it receives).
Handler = Callable[["Device", dict[str, Any], "User | None"], None]
#: Refuses the action (raises a UserError) when the device does not meet a condition.
Guard = Callable[["Device"], None]


@dataclass(frozen=True)
class ActionSpec:
    """Everything the application knows of one action, but its transition."""

    name: str
    #: The verb, for buttons ("Mark ready").
    title: LazyString
    #: The past tense, for the history ("Marked ready").
    done: LazyString
    fields: tuple[Field, ...] = ()
    #: Roles (besides admin) that may perform it.
    roles: tuple[str, ...] = WORKSHOP
    guards: tuple[Guard, ...] = ()
    handler: Handler | None = None
    #: False for actions recorded by their own service (intake), never offered or performed.
    performable: bool = True


def add_action(app: Flask, spec: ActionSpec) -> None:
    """Register ``spec`` on ``app``; its name must be in the lifecycle table, and new."""
    if spec.name not in lifecycle.TRANSITIONS:
        raise ValueError(f"{spec.name!r} is not an action of the lifecycle table")
    actions = registry(app).actions
    if spec.name in actions:
        raise DuplicateRegistration(f"action {spec.name!r} is registered twice")
    actions[spec.name] = spec


def spec(action: str) -> ActionSpec | None:
    """Return the current application's spec of ``action``, if a feature declared it."""
    return registry().actions.get(action)


def available_actions() -> list[str]:
    """List the actions this installation can perform, in lifecycle order."""
    actions = registry().actions
    return [a for a in lifecycle.ACTIONS if a in actions and actions[a].performable]


def fields_for(action: str) -> tuple[Field, ...]:
    """Return the fields ``action`` takes (none for an unknown action)."""
    found = spec(action)
    return found.fields if found else ()


def roles_for(action: str) -> tuple[str, ...]:
    """Return the roles (besides admin) that may perform ``action``."""
    found = spec(action)
    return found.roles if found else ()


def may_perform(user: User | None, action: str) -> bool:
    """Tell whether ``user``'s role allows ``action``."""
    return user is not None and user.has_role(*roles_for(action))


def action_title(action: str) -> str:
    """Return the verb of ``action`` for a button, in the user's language."""
    found = spec(action)
    return str(found.title) if found else action


def done_title(action: str) -> str:
    """Return the past tense of ``action`` for the history, in the user's language."""
    found = spec(action)
    return str(found.done) if found else action


def field_names(actions: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Return each action's field names (for forms and the API schema)."""
    return {action: tuple(f.name for f in fields_for(action)) for action in actions}

"""The one way a feature plugs into the application: registries kept on the app.

Each feature package's ``init_app(app)`` calls the ``add_*`` functions below; the
factory walks ``reuse_tracker.FEATURES`` in order. The registries live in
``app.extensions["reuse_tracker"]``, so two applications in one process (the tests
build one per database) never share them, and a name registered twice raises at
start-up instead of silently replacing the first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Flask, current_app

EXTENSION = "reuse_tracker"

#: Builds a dashboard panel's context for a user, or None to leave it out.
PanelContext = Callable[[Any], dict[str, Any] | None]
#: Builds one part of the API's device answer; runs a constant number of queries.
DeviceSection = Callable[[Any, Any], Any]


class DuplicateRegistration(ValueError):
    """A feature registered a name that another (or itself) already holds."""


@dataclass(frozen=True)
class MenuEntry:
    """One entry of the main menu (``section`` "main") or of its "More" list ("more")."""

    endpoint: str
    icon: str
    label: Any
    roles: tuple[str, ...]
    section: str = "main"


@dataclass
class Registry:
    """Everything the features registered on one application."""

    features: list[str] = field(default_factory=list)
    #: action name → ActionSpec (see reuse_tracker.devices.actions).
    actions: dict[str, Any] = field(default_factory=dict)
    #: template → context function, in registration order.
    panels: dict[str, PanelContext] = field(default_factory=dict)
    menu: dict[str, MenuEntry] = field(default_factory=dict)
    #: feature → function returning its named OpenAPI schemas (runs per request).
    schemas: dict[str, Callable[[], dict[str, dict[str, Any]]]] = field(default_factory=dict)
    #: API endpoint → function returning its operation's extra keys (runs per request).
    operations: dict[str, Callable[[], dict[str, Any]]] = field(default_factory=dict)
    #: name → provider of that part of the API's device answer.
    device_sections: dict[str, tuple[DeviceSection, Any]] = field(default_factory=dict)
    #: blueprints nested under the API's, by name.
    api_blueprints: dict[str, Blueprint] = field(default_factory=dict)
    #: name → a function a feature provides to the core (e.g. "checklist": type → checks).
    providers: dict[str, Callable[..., Any]] = field(default_factory=dict)
    #: dotted module names of each feature's route modules (checked by a test).
    route_modules: dict[str, tuple[str, ...]] = field(default_factory=dict)


def registry(app: Flask | None = None) -> Registry:
    """Return the registries of ``app`` (default: the current application)."""
    extensions = (app or current_app).extensions
    found = extensions.get(EXTENSION)  # read on every page: no empty Registry built to look
    return found if found is not None else extensions.setdefault(EXTENSION, Registry())


def _add(table: dict, key: str, value: Any, what: str) -> None:
    if key in table:
        raise DuplicateRegistration(f"{what} {key!r} is registered twice")
    table[key] = value


def add_feature(app: Flask, name: str, route_modules: Sequence[str] = ()) -> None:
    """Record that feature ``name`` joined ``app``, with the modules that hold its routes."""
    reg = registry(app)
    if name in reg.features:
        raise DuplicateRegistration(f"feature {name!r} is registered twice")
    reg.features.append(name)
    reg.route_modules[name] = tuple(route_modules)


def add_panel(app: Flask, template: str, context: PanelContext) -> None:
    """Show ``template`` on the dashboard, rendered with ``context(current_user)``."""
    _add(registry(app).panels, template, context, "dashboard panel")


def add_menu_entry(
    app: Flask, endpoint: str, icon: str, label: Any, roles: Sequence[str], section: str = "main"
) -> None:
    """Add a menu entry leading to ``endpoint`` for ``roles`` (admins always see it)."""
    if section not in {"main", "more"}:
        raise ValueError(f"unknown menu section {section!r}")
    entry = MenuEntry(endpoint, icon, label, tuple(roles), section)
    _add(registry(app).menu, endpoint, entry, "menu entry")


def add_schemas(app: Flask, feature: str, describe: Callable[[], dict[str, dict[str, Any]]]):
    """Let ``feature`` add named schemas to the OpenAPI components (built per request)."""
    _add(registry(app).schemas, feature, describe, "OpenAPI schemas of")


def add_operation(app: Flask, endpoint: str, describe: Callable[[], dict[str, Any]]) -> None:
    """Describe an API route's body and answers (``describe`` runs per request)."""
    _add(registry(app).operations, endpoint, describe, "OpenAPI operation")


def add_device_section(app: Flask, name: str, provider: DeviceSection, default: Any = None):
    """Let a feature provide the ``name`` part of every API device answer."""
    _add(registry(app).device_sections, name, (provider, default), "device section")


def add_api_blueprint(app: Flask, blueprint: Blueprint) -> None:
    """Nest ``blueprint`` under the API's (``/api/v1``, its token check and error shape)."""
    _add(registry(app).api_blueprints, blueprint.name, blueprint, "API blueprint")


def add_provider(app: Flask, name: str, provider: Callable[..., Any]) -> None:
    """Let a feature provide the function the core calls ``name``."""
    _add(registry(app).providers, name, provider, "provider")


def menu_entries(section: str) -> list[MenuEntry]:
    """Return the current application's menu entries of ``section``, in registration order."""
    return [entry for entry in registry().menu.values() if entry.section == section]

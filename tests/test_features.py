"""One way in: every feature plugs in through init_app; every route is declared; no duplicate."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Blueprint

import reuse_tracker
from reuse_tracker import FEATURES, create_app
from reuse_tracker.devices.actions import ActionSpec, add_action
from reuse_tracker.devices.lifecycle import ACTIONS
from reuse_tracker.features import (
    DuplicateRegistration,
    add_menu_entry,
    add_panel,
    add_schemas,
    registry,
)

PACKAGE = Path(reuse_tracker.__file__).parent
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}


def _routed_functions(path: Path) -> set[str]:
    """Return the functions of a module decorated as routes of a blueprint (``@bp.route``…)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator.func if isinstance(decorator, ast.Call) else decorator
            if isinstance(call, ast.Attribute) and call.attr in ROUTE_DECORATORS:
                names.add(node.name)
    return names


def _modules_with_routes() -> dict[str, set[str]]:
    found = {}
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="reuse_tracker."):
        path = PACKAGE.joinpath(*info.name.split(".")[1:])
        path = path / "__init__.py" if info.ispkg else path.with_suffix(".py")
        routed = _routed_functions(path)
        if routed:
            found[info.name] = routed
    return found


def test_every_module_with_routes_is_declared_by_its_feature(app):
    declared = {module for modules in registry(app).route_modules.values() for module in modules}
    undeclared = set(_modules_with_routes()) - declared
    assert not undeclared, f"route modules no feature's init_app imports: {sorted(undeclared)}"


def test_every_routed_function_is_served(app):
    served = {(view.__module__, view.__name__) for view in app.view_functions.values()}
    # roles_required keeps the view's module and name (functools.wraps).
    missing = [
        f"{module}.{name}"
        for module, names in _modules_with_routes().items()
        for name in names
        if (module, name) not in served
    ]
    assert not missing, f"routes that do not exist in the application: {missing}"


def test_a_forgotten_route_module_fails_loudly(tmp_path, app):
    """The walk above catches a new view file nobody imports: show it on a real one."""
    orphan = tmp_path / "orphan_views.py"
    orphan.write_text("@bp.route('/orphan')\ndef orphan():\n    return ''\n", encoding="utf-8")
    assert _routed_functions(orphan) == {"orphan"}


def test_every_feature_registered_once_in_order(app):
    assert registry(app).features == list(FEATURES)
    assert FEATURES[-1] == "api"  # it mounts the API blueprints the others nested under it


def test_every_action_of_the_lifecycle_has_one_spec_with_both_titles(app):
    actions = registry(app).actions
    assert set(actions) == set(ACTIONS)
    for name, spec in actions.items():
        assert spec.name == name
        assert str(spec.title) and str(spec.done) and str(spec.title) != str(spec.done)


def test_registering_a_name_twice_raises(app):
    actions = registry(app).actions
    with pytest.raises(DuplicateRegistration):
        add_action(app, ActionSpec("grade", "Grade", "Graded"))
    with pytest.raises(DuplicateRegistration):
        add_menu_entry(app, "devices.index", "laptop", "Devices", ())
    with pytest.raises(DuplicateRegistration):
        add_panel(app, "loans/_next_wave.html", lambda user: None)
    with pytest.raises(DuplicateRegistration):
        add_schemas(app, "loans", dict)
    with pytest.raises(ValueError, match="lifecycle"):
        add_action(app, ActionSpec("teleport", "Teleport", "Teleported"))
    assert actions["grade"].fields  # the workshop's spec is still the one in place


def test_two_applications_keep_their_own_registries(app):
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert registry(other) is not registry(app)
    assert set(registry(other).actions) == set(registry(app).actions)
    assert set(other.blueprints) == set(app.blueprints)
    assert {"api.loans", "api.workshop"} <= set(app.blueprints)


def test_an_api_blueprint_of_a_feature_answers_with_the_apis_error_shape(client):
    answer = client.get("/api/v1/waves")  # a loans route, nested under the API's blueprint
    assert answer.status_code == 401
    assert answer.json["error"]["code"] == "unauthorized"


def test_nested_blueprints_are_blueprints_of_their_feature(app):
    from reuse_tracker import loans, workshop

    for feature in (loans, workshop):
        assert isinstance(feature.api_bp, Blueprint)
        assert f"api.{feature.api_bp.name}" in app.blueprints


def test_the_core_imports_no_feature():
    forbidden = ("intake", "workshop", "loans", "api", "main", "donors", "metrics", "documents")
    offenders = []
    for path in (PACKAGE / "devices").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                if parts[0] == "reuse_tracker" and len(parts) > 1 and parts[1] in forbidden:
                    offenders.append(f"{path.name}: {node.module}")
    assert not offenders, offenders


def test_the_core_can_be_imported_without_any_feature():
    code = (
        "import sys\n"
        "import reuse_tracker.devices.services, reuse_tracker.devices.readiness\n"
        "import reuse_tracker.devices.lifecycle, reuse_tracker.devices.actions\n"
        "features = ('intake', 'workshop', 'loans', 'api', 'main')\n"
        "loaded = [m for m in sys.modules if m.split('.')[1:2] and m.split('.')[1] in features]\n"
        "print(','.join(sorted(loaded)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent
    )
    assert done.stdout.strip() == ""

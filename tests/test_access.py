"""Every route checks the role: a walk over the whole URL map with every role."""

import pytest

from reuse_tracker.auth.models import Role

#: Routes anyone may open; every other route must declare its roles.
PUBLIC = {
    "static",
    "bootstrap.static",
    "main.healthz",
    "auth.login",
    "auth.reset_password",  # the one-time link: its token is the credential
    "main.set_language",
    "documents.verify",
    "documents.lookup",
    "api.openapi",
    "metrics.opendata",
}
PUBLIC_PREFIXES = ("donors.portal", "api.opendata.")
ROLES = [role.value for role in Role]


def _endpoints(app):
    for rule in app.url_map.iter_rules():
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        yield rule, methods


def _protected(app):
    for rule, methods in _endpoints(app):
        if rule.endpoint in PUBLIC or rule.endpoint.startswith(PUBLIC_PREFIXES):
            continue
        if rule.endpoint == "auth.logout":  # any signed-in user; walking it would sign out
            continue
        yield rule, methods


def _url(rule) -> str:
    values = {}
    for argument in rule.arguments:
        converter = rule._converters[argument].__class__.__name__
        values[argument] = 1 if converter == "IntegerConverter" else "RT-000001"
    return rule.build(values, append_unknown=False)[1]


def test_every_route_declares_its_roles(app):
    undeclared = [
        rule.endpoint
        for rule, _ in _protected(app)
        if not hasattr(app.view_functions[rule.endpoint], "allowed_roles")
    ]
    assert undeclared == []


def test_signed_out_visitors_are_sent_to_sign_in(app, client):
    for rule, methods in _protected(app):
        for method in methods:
            response = client.open(_url(rule), method=method)
            if rule.rule.startswith("/api/"):
                assert response.status_code == 401, rule
            else:
                assert response.status_code in (302, 401), (rule, method)
                if response.status_code == 302:
                    assert "/login" in response.headers["Location"], rule


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_routes_it_may_use(app, client, login, role):
    user = login(role)
    for rule, methods in _protected(app):
        view = app.view_functions[rule.endpoint]
        allowed = getattr(view, "allowed_roles", None)
        for method in methods:
            if rule.rule.startswith("/api/"):
                continue  # the API is walked with tokens in tests/api
            response = client.open(_url(rule), method=method, data={})
            assert response.status_code < 500, (rule, method, role)
            if allowed is not None and not user.has_role(*allowed):
                assert response.status_code == 403, (rule, method, role)
            elif allowed is not None:
                assert response.status_code != 403, (rule, method, role)
    client.post("/logout")

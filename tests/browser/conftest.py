"""The demo programme in a real server, and browser contexts at both sizes, signed in by role."""

from __future__ import annotations

import pytest

from tests.browser.site import AXE, SIZES, demo_site, issue_a_document
from tests.conftest import unavailable


@pytest.fixture(scope="session")
def site(tmp_path_factory, browser, pytestconfig):
    """The demo database behind gunicorn, with a receipt issued so that /verify has a document.

    The demo takes a minute to load: its database is kept in pytest's cache folder and copied
    for each run while the code, the migrations and the day stay the same.
    """
    cache = pytestconfig.cache.mkdir("demo-site") if pytestconfig.cache else None
    with demo_site(tmp_path_factory.mktemp("demo-site"), cache) as demo:
        context = browser.new_context()
        demo.sign_in(context, "coordinator")
        issue_a_document(demo, context)
        context.close()
        yield demo


@pytest.fixture
def open_context(browser, site):
    """``open_context(size, role=None)``: a new context at ``size``, signed in as ``role``."""
    contexts = []

    def open_one(size: str, role: str | None = None):
        context = browser.new_context(locale="fr-FR", **SIZES[size])
        context.set_default_timeout(15_000)
        contexts.append(context)
        if role:
            site.sign_in(context, role)
        return context

    yield open_one
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def axe_script():
    """axe-core from npm (tests/browser/package.json); missing in CI is a failure."""
    if not AXE.exists():
        unavailable(f"axe-core is not installed at {AXE} (npm ci --prefix tests/browser)")
    return str(AXE)


@pytest.fixture(scope="session")
def signed_in(browser, site):
    """``signed_in(role, size)``: a browser context signed in once per run and kept (read-only use).

    Signing in is slow on a loaded machine; tests that only read pages share these contexts.
    ``role`` "public" is a context with no account.
    """
    contexts = {}

    def get(role: str, size: str):
        if (role, size) not in contexts:
            context = browser.new_context(locale="fr-FR", **SIZES[size])
            context.set_default_timeout(15_000)
            if role != "public":
                site.sign_in(context, role)
            contexts[role, size] = context
        return contexts[role, size]

    yield get
    for context in contexts.values():
        context.close()

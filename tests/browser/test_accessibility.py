"""axe-core on every main page of every role, at office and phone sizes: nothing serious.

The pages are the demo programme's (``flask db upgrade`` + ``flask demo``), in French, as a
new installation shows them. axe-core comes from npm (tests/browser/package.json) and is
injected from disk, never from a CDN.
"""

from __future__ import annotations

import json
import os

import pytest

from tests.browser.site import MENUS, PAGES, SIZES, distinct_pages

pytestmark = pytest.mark.browser

#: WCAG 2.1 A and AA (what the RGAA follows), plus axe's best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}
SERIOUS = {"serious", "critical"}
#: Where to write every violation found (any impact), as JSON, when set.
REPORT = os.environ.get("AXE_REPORT")


#: Where the pages find axe-core: an address of the server's own, answered by the test from
#: the npm copy, so that the pages' Content-Security-Policy (script-src 'self') stays on.
AXE_URL = "/__browser-tests__/axe.min.js"


def _axe(page, url: str) -> list[dict]:
    page.add_script_tag(url=url)
    return page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]


def _serve_axe(context, site, script: str) -> str:
    url = f"{site.url}{AXE_URL}"
    context.route(url, lambda route: route.fulfill(path=script, content_type="text/javascript"))
    return url


def _describe(path: str, violation: dict) -> str:
    nodes = "; ".join(
        f"{node['target']}: {node['failureSummary'].splitlines()[-1].strip()}"
        for node in violation["nodes"][:4]
    )
    return f"{path} [{violation['impact']}] {violation['id']}: {violation['help']} — {nodes}"


def _check(context, site, path: str, script: str, label: str) -> None:
    url = _serve_axe(context, site, script)
    page = context.new_page()
    try:
        response = page.goto(f"{site.url}{path}")
        assert response.status == 200, f"{path} answered {response.status}"
        assert page.evaluate("document.documentElement.lang") == "fr", path
        # The title says where one is: the page's own name before the application's.
        title = page.title()
        assert " · " in title or path == "/", f"{path}: the title {title!r} names no page"
        violations = _axe(page, url)
    finally:
        page.close()
    if REPORT:
        found = [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in violations
        ]
        with open(REPORT, "a") as report:
            report.write(
                json.dumps({"page": label, "violations": found}, ensure_ascii=False) + "\n"
            )
    problems = [_describe(path, v) for v in violations if v["impact"] in SERIOUS]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("role", "template"), distinct_pages(), ids=lambda value: value)
def test_the_page_has_no_serious_violation(site, signed_in, axe_script, role, template, size):
    context = signed_in(role, size)
    _check(context, site, site.path(template), axe_script, f"{role} {template} {size}")


@pytest.mark.parametrize("role", PAGES)
def test_every_menu_entry_is_checked(site, signed_in, role):
    menu = site.menu(signed_in(role, "desktop"), role)
    assert menu == MENUS[role], "update MENUS in tests/browser/site.py"

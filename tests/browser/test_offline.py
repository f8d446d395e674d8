"""Every main page loads with the network cut off but for the server: no CDN, no outside font.

Each request the page makes to anything but the server is refused and fails the test; the
page's scripts, style sheets, fonts and images must all come from the server itself.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.site import PAGES, SIZES

pytestmark = pytest.mark.browser

#: Every address a page loads things from: scripts, style sheets, fonts (through the style
#: sheets' rules), images, frames, and what the browser actually fetched.
REFERENCES = """() => {
  const found = [];
  document.querySelectorAll("script[src], img[src], iframe[src], source[src], video[src]")
    .forEach((element) => found.push(element.src));
  document.querySelectorAll("link[href]").forEach((link) => {
    if (!["alternate", "canonical"].includes(link.rel)) { found.push(link.href); }
  });
  for (const sheet of document.styleSheets) {
    if (sheet.href) { found.push(sheet.href); }
    for (const rule of sheet.cssRules) {
      for (const match of rule.cssText.matchAll(/url\\(["']?([^"')]+)["']?\\)/g)) {
        found.push(new URL(match[1], sheet.href || document.baseURI).href);
      }
    }
  }
  performance.getEntriesByType("resource").forEach((entry) => found.push(entry.name));
  return found;
}"""


def _own(url: str, server: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or url.startswith(server)


def _check_offline(context, site, paths: list[str]) -> None:
    attempts: list[str] = []

    def guard(route):
        if _own(route.request.url, site.url):
            route.continue_()
        else:
            attempts.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    page = context.new_page()
    outside = {}
    for path in paths:
        response = page.goto(f"{site.url}{path}")
        assert response.status == 200, f"{path} answered {response.status}"
        elsewhere = [url for url in page.evaluate(REFERENCES) if not _own(url, site.url)]
        if elsewhere:
            outside[path] = elsewhere
    assert not attempts, f"requests to outside the server: {attempts}"
    assert not outside, f"pages referring to outside addresses: {outside}"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("role", PAGES)
def test_the_pages_of_each_role_need_nothing_but_the_server(site, open_context, role, size):
    _check_offline(open_context(size, role), site, site.main_pages(role))


@pytest.mark.parametrize("size", SIZES)
def test_the_public_pages_need_nothing_but_the_server(site, open_context, size):
    _check_offline(open_context(size), site, site.public_pages())

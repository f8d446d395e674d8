"""The main menu: what each role sees, the page it marks, the language it speaks.

Menus are rendered once per worker and kept (``main.views.main_menu``): these check that a
kept menu never shows one role's, one page's or one language's menu to another.
"""

from __future__ import annotations

import re


def _menu(html: str) -> str:
    return html[html.index('<ul class="navbar-nav') : html.index('role="search"')]


def _marked(html: str) -> list[str]:
    return re.findall(r'aria-current="page"[^>]*href="([^"]+)"', _menu(html)) + re.findall(
        r'href="([^"]+)"\s+aria-current="page"', _menu(html)
    )


def test_an_administrator_and_a_viewer_do_not_share_a_menu(client, login):
    login("admin")
    administrator = _menu(client.get("/devices").text)
    client.post("/logout")
    login("viewer")
    viewer = _menu(client.get("/devices").text)
    assert "Audit log" in administrator
    assert "Audit log" not in viewer


def test_the_menu_marks_the_page_shown_and_only_it(client, login):
    login("coordinator")
    assert _marked(client.get("/devices").text) == ["/devices"]
    assert _marked(client.get("/").text) == ["/"]
    # A page the menu does not list (a device search's own page) marks nothing.
    assert _marked(client.get("/devices/RT-999999").text) == []
    assert _marked(client.get("/devices").text) == ["/devices"]


def test_the_menu_speaks_the_language_chosen(client, login):
    login("coordinator")
    english = _menu(client.get("/devices").text)
    client.post("/lang/fr")
    french = _menu(client.get("/devices").text)
    assert "Devices" in english and "Devices" not in french
    assert "Équipements" in french

"""The main menu: what each role sees, the page it marks, the language it speaks.

Menus are rendered once per worker and kept (``main.views.main_menu``), as are the layout's
style sheets and scripts (``layout_part``) and its fixed addresses (``fixed_url``): these
check that what is kept never shows one role's, one page's, one language's or one mount
point's to another.
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


def test_the_kept_layout_follows_the_mount_point_and_the_language(client, login):
    login("coordinator")
    plain = client.get("/devices").text
    mounted = client.get("/devices", base_url="http://localhost/reuse/").text
    for page, root in ((plain, ""), (mounted, "/reuse")):
        assert f'href="{root}/static/css/app.css"' in page
        assert f'src="{root}/static/js/busy.js"' in page
        assert f"{root}/bootstrap/static/" in page  # Bootstrap-Flask's own, served locally
        assert f'action="{root}/logout"' in page and f'action="{root}/devices"' in page
        assert f'formaction="{root}/lang/fr"' in page and f'href="{root}/"' in page
    assert "/reuse/" not in plain and 'href="/static/' not in mounted
    assert 'data-label="Table"' in plain
    client.post("/lang/fr")
    assert 'data-label="Tableau"' in client.get("/devices").text
    assert 'data-label="Tableau"' in client.get("/", base_url="http://localhost/reuse/").text


def test_the_kept_layout_is_the_layout_url_for_builds(app, client, login):
    """The kept parts are what the templates would render each time."""
    from flask import render_template_string

    login("coordinator")
    client.get("/devices")  # the parts are kept now
    with app.test_request_context("/devices", environ_base={"SCRIPT_NAME": "/reuse"}):
        for name in ("head", "scripts"):
            source = app.jinja_loader.get_source(app.jinja_env, f"_layout_{name}.html")[0]
            kept = render_template_string("{{ layout_part(name) }}", name=name)
            assert kept == render_template_string(source)
            assert render_template_string("{{ layout_part(name) }}", name=name) == kept

"""The demo programme served by a real server, for the browser tests and ``make screenshots``.

``demo_site(folder)`` builds a SQLite database the way a new installation does (``flask db
upgrade`` then ``flask demo``), serves it with gunicorn on a free local port, in French, and
yields a ``Site``: its address, the demo accounts and the main pages of every role, with the
identifiers of real demo records (a device, a donation, a wave, a family, a donor, a document,
a donor's portal link) filled in.

No pytest here: the screenshot script uses it outside the tests.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from reuse_tracker.demo import EMAIL_DOMAIN, PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"

#: The two sizes every page is checked at: an office screen, and a phone held upright.
SIZES = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}

#: The demo account of each role.
ACCOUNTS = {
    "admin": f"admin@{EMAIL_DOMAIN}",
    "coordinator": f"coordination@{EMAIL_DOMAIN}",
    "workshop": f"atelier1@{EMAIL_DOMAIN}",
    "mediator": f"mediation@{EMAIL_DOMAIN}",
    "viewer": f"lecture@{EMAIL_DOMAIN}",
}

#: The menu of each role, as the application builds it (a test keeps this list up to date).
MENUS = {
    "admin": [
        "/", "/devices", "/donations", "/scan", "/workshop", "/waves", "/families",
        "/admin/users", "/admin/audit", "/labels/preprinted", "/workshop/parts", "/workshop/weee",
        "/workshop/checklists", "/loans/overdue", "/support", "/schools", "/associations",
        "/charter/settings", "/metrics", "/opendata", "/donors",
    ],
    "coordinator": [
        "/", "/devices", "/donations", "/scan", "/workshop", "/waves", "/families",
        "/labels/preprinted", "/workshop/parts", "/workshop/weee", "/workshop/checklists",
        "/loans/overdue", "/support", "/schools", "/associations", "/charter/settings",
        "/metrics", "/opendata", "/donors",
    ],
    "workshop": [
        "/", "/devices", "/donations", "/scan", "/workshop", "/waves", "/families",
        "/workshop/parts", "/workshop/weee", "/schools", "/associations", "/opendata",
        "/donors",
    ],
    "mediator": [
        "/", "/devices", "/donations", "/scan", "/waves", "/families", "/loans/overdue",
        "/support", "/schools", "/associations", "/opendata", "/donors",
    ],
    "viewer": [
        "/", "/devices", "/donations", "/scan", "/workshop", "/waves", "/families",
        "/workshop/parts", "/schools", "/associations", "/metrics", "/opendata", "/donors",
    ],
}  # fmt: skip

#: Pages beyond the menu's, by role: records' own pages and the forms a role works in.
#: ``{device}`` etc. are filled in with demo records (``Site.records``).
DETAIL_PAGES = {
    "admin": ["/devices/{device}", "/donations/{donation}", "/admin/tokens"],
    "coordinator": [
        "/devices/{device}",
        "/donations/{donation}",
        "/donations/new",
        "/donations/import",
        "/waves/{wave}",
        "/families/{family}",
        "/families/new",
        "/donors/{donor}",
    ],
    "workshop": ["/devices/{device}", "/devices/{workshop_device}", "/donations/{donation}"],
    "mediator": [
        "/devices/{device}",
        "/families/{family}",
        "/waves/{wave}",
        "/handover/{handover}",
    ],
    "viewer": ["/devices/{device}", "/donations/{donation}"],
}
#: Pages anyone can open without an account.
PUBLIC_PAGES = ["/login", "/verify", "/verify/{document}", "{portal}"]

#: Every page template of each role (menu, then detail pages).
PAGES = {role: MENUS[role] + DETAIL_PAGES[role] for role in MENUS}


def distinct_pages() -> list[tuple[str, str]]:
    """Each page once, as the first role (by ``PAGES`` order) sees it, and every role's own
    dashboard and device page (the panels and buttons differ by role); public pages as ``None``."""
    seen: set[str] = set()
    pairs = []
    for role in ("coordinator", "admin", "mediator", "workshop", "viewer"):
        for template in PAGES[role]:
            if template not in seen or template in ("/", "/devices/{device}"):
                seen.add(template)
                pairs.append((role, template))
    return pairs + [("public", template) for template in PUBLIC_PAGES]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Site:
    url: str
    database: Path
    records: dict[str, str] = field(default_factory=dict)
    #: The server's environment, for ``flask`` commands on the same database.
    env: dict[str, str] = field(default_factory=dict)
    #: The template each filled-in path came from ("/waves/3" -> "/waves/{wave}").
    templates: dict[str, str] = field(default_factory=dict)

    def path(self, template: str) -> str:
        path = template.format(**self.records)
        self.templates[path] = template
        return path

    def sign_in(self, context, role: str) -> None:
        """Sign ``context`` in as the demo account of ``role`` through the login form."""
        page = context.new_page()
        page.goto(f"{self.url}/login")
        page.fill("#email", ACCOUNTS[role])
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{self.url}/")
        page.close()

    def menu(self, context, role: str) -> list[str]:
        """The pages of the menu that ``role`` sees on its dashboard."""
        page = context.new_page()
        page.goto(f"{self.url}/")
        links = page.eval_on_selector_all(
            "nav[aria-label] .nav-link[href]:not([href='#']), nav[aria-label] .dropdown-item[href]",
            "links => links.map(link => link.getAttribute('href'))",
        )
        page.close()
        return list(dict.fromkeys(links))

    def main_pages(self, role: str) -> list[str]:
        """Every main page of ``role``: its menu's, then its detail pages."""
        return [self.path(template) for template in PAGES[role]]

    def flask(self, *args: str) -> str:
        """Run ``flask --app reuse_tracker ARGS`` on the site's database; return its output."""
        return _flask(self.env, *args)

    def public_pages(self) -> list[str]:
        return [self.path(page) for page in PUBLIC_PAGES]


def _flask(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "reuse_tracker", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _records(database: Path) -> dict[str, str]:
    """Pick demo records whose pages have the most to show."""
    with sqlite3.connect(database) as connection:

        def one(sql: str) -> str:
            row = connection.execute(sql).fetchone()
            if row is None:
                raise RuntimeError(f"the demo has no record for {sql!r}")
            return str(row[0])

        return {
            # A device lent to a family: the longest history, a current loan.
            "device": one("SELECT asset_tag FROM devices WHERE status = 'on_loan' ORDER BY id"),
            "workshop_device": one(
                "SELECT asset_tag FROM devices WHERE status = 'in_workshop' ORDER BY id"
            ),
            "donation": one("SELECT id FROM donations ORDER BY id"),
            "wave": one("SELECT id FROM waves ORDER BY starts_on DESC, id"),
            "family": one(
                "SELECT f.reference FROM families f JOIN loans l ON l.family_id = f.id"
                " ORDER BY f.id"
            ),
            "donor": one("SELECT donor_id FROM donations ORDER BY id"),
            # A hand-over day with devices still to hand over (or the last one held).
            "handover": one(
                "SELECT l.wave_id || '/' || f.school_id FROM loans l"
                " JOIN families f ON f.id = l.family_id WHERE l.wave_id IS NOT NULL"
                " AND f.school_id IS NOT NULL ORDER BY l.status = 'reserved' DESC, l.id DESC"
            ),
        }


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer within 90 s")


def _fingerprint() -> str:
    """What the demo database depends on: code, migrations and the day (the demo is dated)."""
    digest = hashlib.sha256(time.strftime("%Y-%m-%d").encode())
    for path in sorted([*ROOT.glob("reuse_tracker/**/*.py"), *ROOT.glob("migrations/**/*.py")]):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _build(env: dict[str, str], database: Path, cache: Path | None) -> None:
    """``flask db upgrade`` and ``flask demo`` into ``database``, or a copy of the same, cached.

    Test workers running at once take turns (a lock file): the first builds, the others copy.
    """
    if cache is None:
        _load_demo(env)
        return
    cache.mkdir(parents=True, exist_ok=True)
    cached = cache / f"demo-{_fingerprint()}.sqlite"
    with open(cache / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not cached.exists():
            _load_demo(env)
            for stale in cache.glob("demo-*.sqlite"):
                stale.unlink()
            partial = cached.with_suffix(".partial")
            shutil.copyfile(database, partial)
            os.replace(partial, cached)
            return
    shutil.copyfile(cached, database)


def _load_demo(env: dict[str, str]) -> None:
    # "heads": the branches of one release may each bring a revision until they are chained.
    _flask(env, "db", "upgrade", "heads")
    _flask(env, "demo")


@contextmanager
def demo_site(folder: Path, cache: Path | None = None) -> Iterator[Site]:
    """Build the demo database in ``folder`` (or copy it from ``cache``), serve it; yield it."""
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "demo.sqlite"
    database.unlink(missing_ok=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "browser-tests",
        "PUBLIC_BASE_URL": url,
        "DEFAULT_LOCALE": "fr",
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "FLASK_DEBUG": "0",
    }
    _build(env, database, cache)
    records = _records(database)
    portal = _flask(env, "donors", "link", records["donor"])
    records["portal"] = re.search(r"https?://\S+", portal).group(0).removeprefix(url)
    log = folder / "server.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                "2",
                "--threads",
                "4",
                # A 10,000-row file is read in one request (tests/browser/test_progress.py).
                "--timeout",
                "300",
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "reuse_tracker:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=output,
        )
        try:
            _wait_until_up(url, process, log)
            site = Site(url, database, records, env)
            yield site
        finally:
            process.terminate()
            process.wait(timeout=30)


def issue_a_document(site: Site, context) -> None:
    """Have the coordinator download a receipt (which issues it); note its verification code."""
    response = context.request.get(f"{site.url}/donations/{site.records['donation']}/receipt.pdf")
    if not response.ok:
        raise RuntimeError(f"the receipt answered {response.status}")
    with sqlite3.connect(site.database) as connection:
        (code,) = connection.execute(
            "SELECT code FROM issued_documents ORDER BY id DESC LIMIT 1"
        ).fetchone()
    site.records["document"] = code

"""``make screenshots``: every main page of every role, at office and phone sizes, in French.

Builds the demo programme on a new SQLite database (``flask db upgrade`` + ``flask demo``),
serves it, signs in as each role and writes one PNG per page and size into docs/screens/
(``<role>-<page>-<size>.png``). Pages wider than the screen (a sideways scroll) are listed at
the end, and make the command fail.

    python -m tests.browser.screenshots [--out docs/screens] [--full-page] [--only NAME.png ...]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.site import CHROMIUM, PAGES, ROOT, SIZES, demo_site, issue_a_document

#: What the scan station shows once a label is scanned: the device's card.
SCAN = "/scan"


def _name(site, role: str, path: str, size: str) -> str:
    template = site.templates.get(path, path).replace("{portal}", "donor-portal")
    slug = re.sub(r"[^a-z0-9]+", "-", template.lower()).strip("-") or "dashboard"
    return f"{role}-{slug}-{size}.png"


def _shoot(site, context, role: str, paths, size: str, out: Path, args) -> list[str]:
    wide = []
    page = context.new_page()
    for path in paths:
        name = _name(site, role, path, size)
        if args.only and name not in args.only:
            continue
        page.goto(f"{site.url}{path}", wait_until="networkidle")
        if path == SCAN:
            page.locator("#scan-input").fill(site.records["workshop_device"])
            page.keyboard.press("Enter")
            page.locator(".scan-card").wait_for()
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > SIZES[size]["viewport"]["width"]:
            wide.append(f"{role} {path} at {size}: {width} px wide")
        page.screenshot(path=str(out / name), full_page=args.full_page)
    page.close()
    return wide


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screens")
    parser.add_argument("--full-page", action="store_true", help="whole pages, not the first view")
    parser.add_argument("--cache", type=Path, help="a folder to keep the demo database in")
    parser.add_argument("--only", nargs="*", help="these file names only (e.g. the README's)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    wide: list[str] = []
    with (
        tempfile.TemporaryDirectory() as folder,
        demo_site(Path(folder), args.cache) as site,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--lang=fr-FR"]
        )
        context = browser.new_context()
        site.sign_in(context, "coordinator")
        issue_a_document(site, context)
        context.close()
        for size, options in SIZES.items():
            # Screen resolution, not the phone's: small files for the documentation.
            options = {**options, "device_scale_factor": 1}
            for role in [*PAGES, "public"]:
                if args.only and not any(name.startswith(f"{role}-") for name in args.only):
                    continue
                context = browser.new_context(locale="fr-FR", **options)
                if role == "public":
                    paths = site.public_pages()
                else:
                    site.sign_in(context, role)
                    paths = site.main_pages(role)
                wide += _shoot(site, context, role, paths, size, args.out, args)
                context.close()
        browser.close()
    written = sorted(args.out.glob("*.png"))
    print(f"{len(written)} screenshots in {args.out}")
    for line in wide:
        print(f"sideways scroll: {line}", file=sys.stderr)
    return 1 if wide else 0


if __name__ == "__main__":
    sys.exit(main())

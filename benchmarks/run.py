"""Scale benchmarks on a generated programme, each figure a ratio to a baseline in the same run.

    .venv/bin/python benchmarks/generate.py --database-url URL --devices 100000
    .venv/bin/python benchmarks/run.py --database-url URL [--write docs/PERFORMANCE.md]

1. Pages and lists, in process (the application's test client, signed in as an admin):
   the median time of each page against a floor: the median time of the minimal SQL that
   page needs (the rows it shows and the counts it prints) plus the cost of a page that
   shows no data (the layout, the signed-in user: the 404 page of an unknown tag).
2. Scan look-up throughput under gunicorn with 2 sync workers: the device page, ``/d/<tag>``
   and ``GET /api/v1/devices/<tag>``, requests per second against a bare Flask route that
   renders a template of the same size under the same server; the load comes from a second
   process on loopback, for a fixed time.
3. Memory: the peak RSS of a gunicorn worker after the biggest pages, against a bare Flask
   worker's, and against a bare worker that imports the libraries the application is built on
   (what no code of ours can go below).

Nothing here asserts: the figures are printed as one table (and written to a Markdown file
with ``--write``) so that a person compares them with the targets of docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import multiprocessing
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark-passphrase-2021"
ADMIN = "bench-admin@reuse.example"


@dataclass
class Row:
    what: str
    measured_ms: float
    baseline_ms: float
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.measured_ms / self.baseline_ms if self.baseline_ms else float("inf")


def median_ms(call: Callable[[], object], repeat: int) -> float:
    call()  # warm caches, compile templates
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


# -- 1. pages against their minimal SQL ------------------------------------------------------


def page_rows(app, repeat: int) -> list[Row]:
    from reuse_tracker.auth import services
    from reuse_tracker.extensions import db

    with app.app_context():
        if services.find_user(ADMIN) is None:
            services.create_user(ADMIN, "admin", PASSWORD, "Benchmark")
            db.session.commit()
        token = services.create_token(services.find_user(ADMIN), "benchmark")
        db.session.commit()
        probe = _probe(db)
    client = app.test_client()
    answer = client.post("/login", data={"email": ADMIN, "password": PASSWORD})
    assert answer.status_code == 302, "the benchmark admin could not sign in"
    bearer = {"Authorization": f"Bearer {token}"}

    def get(path: str, headers: dict | None = None) -> Callable[[], object]:
        def call():
            response = client.get(path, headers=headers or {})
            assert response.status_code == 200, (path, response.status_code)
            return response.data

        return call

    def sql(*statements: str, **params) -> Callable[[], object]:
        def call():
            with app.app_context(), db.engine.connect() as connection:
                return [connection.execute(sa.text(s), params).all() for s in statements]

        return call

    def forgetting(call: Callable[[], object]) -> Callable[[], object]:
        def forgotten():
            from reuse_tracker.metrics import figures

            figures.forget()  # as if the worker had kept nothing yet
            return call()

        return forgotten

    tag, serial, wave, waiting = probe["tag"], probe["serial"], probe["wave"], probe["waiting"]
    # What a wave's page prints for any wave: the wave, the ready devices by type, the wave's
    # devices by type and its loans by school and state.
    wave_figures = (
        "SELECT * FROM waves WHERE id = :wave",
        "SELECT type, COUNT(*) FROM devices WHERE status = 'ready' GROUP BY type",
        "SELECT devices.type, COUNT(*) FROM loans"
        " JOIN devices ON devices.id = loans.device_id"
        " WHERE loans.wave_id = :wave AND loans.status != 'cancelled'"
        " GROUP BY devices.type",
        "SELECT families.school_id, loans.status, COUNT(*) FROM loans"
        " JOIN families ON families.id = loans.family_id"
        " WHERE loans.wave_id = :wave GROUP BY families.school_id, loans.status",
    )
    # A family waits for a wave it is referred to until it holds a loan there or elsewhere
    # (two NOT EXISTS, each an index look-up a family, as the application asks).
    waiting_families = (
        "FROM families WHERE wave_id = :wave AND NOT EXISTS (SELECT 1 FROM loans"
        " WHERE loans.family_id = families.id AND loans.status IN ('reserved', 'on_loan'))"
        " AND NOT EXISTS (SELECT 1 FROM loans WHERE loans.family_id = families.id"
        " AND loans.wave_id = :wave AND loans.status != 'cancelled')"
    )
    device_list = "SELECT id, asset_tag, type, brand, model, status FROM devices"
    cases = [
        (
            "device list, first page",
            get("/devices"),
            sql(f"{device_list} ORDER BY id DESC LIMIT 50", "SELECT COUNT(*) FROM devices"),
        ),
        (
            "device list, status filter",
            get("/devices?status=in_workshop"),
            sql(
                f"{device_list} WHERE status = 'in_workshop' ORDER BY id DESC LIMIT 50",
                "SELECT COUNT(*) FROM devices WHERE status = 'in_workshop'",
            ),
        ),
        (
            "device list, search by serial",
            get("/devices?" + urlencode({"q": serial})),
            sql(f"{device_list} WHERE serial_key = :serial LIMIT 50", serial=serial),
        ),
        (
            "device list, search by tag prefix",
            get("/devices?" + urlencode({"q": tag[:-2]})),
            sql(
                f"{device_list} WHERE asset_tag >= :low AND asset_tag < :high LIMIT 50",
                low=tag[:-2],
                high=tag[:-2] + "~",
            ),
        ),
        (
            "device list, search by model",
            get("/devices?" + urlencode({"q": "Latitude"})),
            sql(
                f"{device_list} WHERE upper(model) >= 'LATITUDE' AND upper(model) < 'LATITUDF'"
                " ORDER BY id DESC LIMIT 50",
                "SELECT COUNT(*) FROM devices"
                " WHERE upper(model) >= 'LATITUDE' AND upper(model) < 'LATITUDF'",
            ),
        ),
        (
            "device list, page 1,000",
            get("/devices?page=1000"),
            sql(
                f"{device_list} ORDER BY id DESC LIMIT 50 OFFSET 49950",
                "SELECT COUNT(*) FROM devices",
            ),
        ),
        (
            "device page",
            get(f"/devices/{tag}"),
            sql(
                "SELECT * FROM devices WHERE asset_tag = :tag",
                "SELECT * FROM device_events WHERE device_id = "
                "(SELECT id FROM devices WHERE asset_tag = :tag) ORDER BY seq",
                tag=tag,
            ),
        ),
        (
            "device API",
            get(f"/api/v1/devices/{tag}", bearer),
            sql(
                "SELECT * FROM devices WHERE asset_tag = :tag",
                "SELECT * FROM device_events WHERE device_id = "
                "(SELECT id FROM devices WHERE asset_tag = :tag) ORDER BY seq",
                tag=tag,
            ),
        ),
        (
            "workshop board",
            get("/workshop"),
            sql(
                "SELECT id, asset_tag, type, status, status_changed_at FROM devices "
                "WHERE status IN ('received', 'in_workshop') ORDER BY status_changed_at LIMIT 200",
                "SELECT status, COUNT(*) FROM devices GROUP BY status",
            ),
        ),
        (
            "wave page",
            get(f"/waves/{wave}"),
            sql(
                "SELECT id, reference, referred_on FROM families WHERE wave_id = :wave "
                "ORDER BY referred_on, id LIMIT 50",
                *wave_figures,
                wave=wave,
            ),
        ),
        (
            "wave page, families waiting",
            get(f"/waves/{waiting}"),
            sql(
                *wave_figures,
                f"SELECT COUNT(*) {waiting_families}",
                f"SELECT id, reference, referred_on {waiting_families}"
                " ORDER BY referred_on, id LIMIT 50",
                # The proposal pairs as many ready devices as families wait, by type.
                "SELECT id, type, grade FROM devices WHERE status = 'ready'"
                f" ORDER BY status_changed_at, id LIMIT (SELECT COUNT(*) {waiting_families})",
                wave=waiting,
            ),
        ),
        (
            "families",
            get("/families"),
            sql(
                "SELECT id, reference, referred_on FROM families"
                " ORDER BY referred_on DESC, id DESC "
                "LIMIT 50",
                "SELECT COUNT(*) FROM families",
            ),
        ),
        (
            "overdue loans",
            get("/loans/overdue"),
            sql(
                "SELECT id, family_id, device_id, due_on FROM loans "
                "WHERE status = 'on_loan' AND due_on < CURRENT_DATE ORDER BY due_on LIMIT 50",
                # The page prints each association's count (the total is their sum).
                "SELECT families.association_id, COUNT(*) FROM loans"
                " JOIN families ON families.id = loans.family_id"
                " WHERE loans.status = 'on_loan' AND loans.due_on < CURRENT_DATE"
                " GROUP BY families.association_id",
            ),
        ),
        (
            "overdue loans, CSV export",
            get("/loans/overdue.csv"),
            sql(
                "SELECT loans.id, loans.due_on, devices.asset_tag, families.reference FROM loans"
                " JOIN devices ON devices.id = loans.device_id"
                " JOIN families ON families.id = loans.family_id"
                " WHERE loans.status = 'on_loan' AND loans.due_on < CURRENT_DATE"
                " ORDER BY loans.due_on",
            ),
        ),
        (
            "figures page",
            get("/metrics"),
            sql(
                "SELECT status, type, COUNT(*), SUM(weight_kg) FROM devices GROUP BY status, type",
                "SELECT status, COUNT(*) FROM loans GROUP BY status",
            ),
        ),
        (
            "dashboard",
            get("/"),
            sql("SELECT status, type, COUNT(*) FROM devices GROUP BY status, type"),
        ),
        (
            # What a worker shows first after METRICS_MAX_AGE: the card counts the families.
            "dashboard, figures not kept",
            forgetting(get("/")),
            sql(
                "SELECT status, type, COUNT(*) FROM devices GROUP BY status, type",
                "SELECT COUNT(DISTINCT family_id) FROM loans WHERE handed_over_at IS NOT NULL",
            ),
        ),
        (
            "stock API",
            get("/api/v1/stock", bearer),
            sql("SELECT status, type, COUNT(*) FROM devices GROUP BY status, type"),
        ),
        (
            "wave readiness API",
            get(f"/api/v1/waves/{wave}/readiness", bearer),
            sql(
                "SELECT type, COUNT(*) FROM devices WHERE status = 'ready' GROUP BY type",
                "SELECT COUNT(*) FROM loans WHERE wave_id = :wave AND status = 'reserved'",
                wave=wave,
            ),
        ),
    ]

    def empty() -> object:
        response = client.get("/devices/NO-SUCH-TAG")
        assert response.status_code == 404
        return response.data

    print(
        f"  a page with the layout and no data (a 404 page): {median_ms(empty, repeat):.1f} ms",
        flush=True,
    )
    rows = []
    for what, page, floor in cases:
        # The empty page is timed again beside each page: this machine's speed drifts within
        # a run, and a floor timed minutes before its page would carry the drift.
        measured = median_ms(page, repeat)
        rows.append(Row(what, measured, median_ms(floor, repeat) + median_ms(empty, repeat)))
        print(f"  {what}: {rows[-1].measured_ms:.1f} ms ({rows[-1].ratio:.1f}×)", flush=True)
    return rows


def _probe(db) -> dict[str, object]:
    """A device in the middle of the table, its serial, the wave with most loans and the one
    with most families waiting."""
    with db.engine.connect() as connection:
        middle = connection.scalar(sa.text("SELECT COUNT(*) FROM devices")) // 2
        tag, serial = connection.execute(
            sa.text("SELECT asset_tag, serial_key FROM devices ORDER BY id LIMIT 1 OFFSET :n"),
            {"n": middle},
        ).one()
        wave = connection.scalar(
            sa.text(
                "SELECT waves.id FROM waves LEFT JOIN loans ON loans.wave_id = waves.id "
                "GROUP BY waves.id ORDER BY COUNT(loans.id) DESC, waves.id LIMIT 1"
            )
        )
        waiting = connection.scalar(
            sa.text(
                "SELECT wave_id FROM families WHERE wave_id IS NOT NULL AND NOT EXISTS"
                " (SELECT 1 FROM loans WHERE loans.family_id = families.id)"
                " GROUP BY wave_id ORDER BY COUNT(*) DESC, wave_id LIMIT 1"
            )
        )
    return {"tag": tag, "serial": serial, "wave": wave, "waiting": waiting or wave}


# -- 2 and 3. throughput and memory under gunicorn --------------------------------------------

BARE_APP = textwrap.dedent(
    """
    import importlib
    import os
    from flask import Flask, render_template

    for name in os.environ.get("BARE_IMPORTS", "").split():
        importlib.import_module(name)

    app = Flask(__name__)
    BODY = "x" * int(os.environ["BARE_BYTES"])

    @app.get("/")
    def page():
        return render_template("page.html", body=BODY)
    """
)
#: What the application cannot run without: the libraries it is built on, as they load when it
#: is (the database driver is added by the URL's dialect). A bare worker that imports them and
#: serves the bare route is the floor of a worker's memory.
STACK = (
    "sqlalchemy.orm",
    "flask_sqlalchemy",
    "flask_login",
    "flask_wtf.csrf",
    "flask_babel",
    "babel.dates",
    "babel.numbers",
    "flask_limiter",
    "flask_bootstrap",
)
DRIVERS = {"sqlite": "sqlite3", "postgresql": "psycopg"}
# A template file, loaded and compiled once as an application's are (``render_template_string``
# would compile it again for every request: 210 µs of the bare route's 320 through the test
# client, which flattered every ratio to it up to the fifth round).
BARE_TEMPLATE = "<!doctype html><html><body><main>{{ body }}</main></body></html>"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with 2 sync workers, started and stopped around a block."""

    def __init__(self, target: str, env: dict[str, str], cwd: Path, probe: str = "/") -> None:
        self.port = free_port()
        self.probe = probe
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                target,
            ],
            cwd=cwd,
            env={**os.environ, **env},
        )
        # The master listens at once; the workers answer only once they have built the app.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                for _ in range(4):  # both workers
                    request(self.port, self.probe, {})
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{target} did not start")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def peak_rss_mb(self) -> float:
        peaks = []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
        return max(peaks)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def request(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _load(port: int, path: str, headers: dict[str, str], seconds: float, threads: int, out) -> None:
    done = [0] * threads
    stop_at = time.monotonic() + seconds

    def worker(index: int) -> None:
        while time.monotonic() < stop_at:
            status, _body = request(port, path, headers)
            if status < 400:
                done[index] += 1

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    out.put(sum(done) / seconds)


def throughput(port: int, path: str, headers: dict[str, str], seconds: float) -> float:
    """Requests per second from a second process with 4 connections at once."""
    queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_load, args=(port, path, headers, seconds, 4, queue))
    process.start()
    rate = queue.get(timeout=seconds + 60)
    process.join()
    return rate


def sign_in(port: int) -> dict[str, str]:
    """A session cookie for the benchmark admin, through the real login form (CSRF on)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie", "").split(";")[0]
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urlencode({"csrf_token": csrf, "email": ADMIN, "password": PASSWORD})
    connection.close()  # gunicorn's sync workers answer one request per connection
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(
        "POST",
        "/login",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 302, f"login answered {response.status}"
    cookies = [header.split(";")[0] for header in response.msg.get_all("Set-Cookie") or []]
    return {"Cookie": "; ".join(cookies)}


def server_rows(
    database_url: str, tag: str, token: str, seconds: float
) -> tuple[list[Row], list[Row]]:
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "benchmark",
        "LOGIN_RATE_LIMIT": "1000/minute",
    }
    app_server = Server("wsgi:app", env, ROOT, probe="/healthz")
    try:
        cookie = sign_in(app_server.port)
        paths = [
            ("scan look-up: device page", f"/devices/{tag}", cookie),
            ("scan look-up: /d/<tag>", f"/d/{tag}", cookie),
            (
                "scan look-up: device API",
                f"/api/v1/devices/{tag}",
                {"Authorization": f"Bearer {token}"},
            ),
        ]
        measured = []
        sizes = {}
        for what, path, headers in paths:
            status, body = request(app_server.port, path, headers)
            expected = 302 if path.startswith("/d/") else 200  # /d/<tag> redirects to the page
            assert status == expected, (path, status)
            sizes[what] = len(body)
            measured.append((what, throughput(app_server.port, path, headers, seconds)))
        for path in ("/devices", "/workshop", "/families", "/"):
            request(app_server.port, path, cookie)
        app_rss = app_server.peak_rss_mb()
    finally:
        app_server.stop()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "bare.py").write_text(BARE_APP)
        Path(folder, "templates").mkdir()
        Path(folder, "templates", "page.html").write_text(BARE_TEMPLATE)
        for what, rate in measured:
            bare = Server("bare:app", {"BARE_BYTES": str(max(sizes[what], 100))}, Path(folder))
            try:
                bare_rate = throughput(bare.port, "/", {}, seconds)
                bare_rss = bare.peak_rss_mb()
            finally:
                bare.stop()
            # Throughput: higher is better, so the "ratio" shown is bare time / our time.
            rows.append(
                Row(what, 1000 / rate, 1000 / bare_rate, f"{rate:.0f} vs {bare_rate:.0f} req/s")
            )
        driver = DRIVERS.get(sa.engine.make_url(database_url).get_backend_name(), "")
        stack = Server(
            "bare:app",
            {"BARE_BYTES": "100", "BARE_IMPORTS": " ".join((*STACK, driver))},
            Path(folder),
        )
        try:
            request(stack.port, "/", {})
            stack_rss = stack.peak_rss_mb()
        finally:
            stack.stop()
    memory = [
        Row("worker peak RSS (MB)", app_rss, bare_rss, f"{app_rss:.0f} vs {bare_rss:.0f} MB"),
        Row(
            "worker peak RSS (MB), against its libraries",
            app_rss,
            stack_rss,
            f"{app_rss:.0f} vs {stack_rss:.0f} MB",
        ),
    ]
    return rows, memory


def markdown(
    database: str, devices: int, pages: list[Row], servers: list[Row], memory: list[Row]
) -> str:
    lines = [
        f"### {database}, {devices:,} devices",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}.",
        "",
        "| what | measured | baseline | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in pages:
        lines.append(
            f"| {row.what} | {row.measured_ms:.1f} ms "
            f"| {row.baseline_ms:.1f} ms (SQL + empty page) "
            f"| {row.ratio:.1f}× |"
        )
    for row in servers:
        lines.append(f"| {row.what} | {row.note} | bare Flask | {100 / row.ratio:.0f} % |")
    floors = ("bare Flask", "bare Flask with the same libraries imported")
    for row, floor in zip(memory, floors, strict=False):  # measured under the servers only
        lines.append(f"| {row.what} | {row.note} | {floor} | {row.ratio:.1f}× |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=5.0, help="load time per server")
    parser.add_argument("--no-server", action="store_true", help="skip gunicorn throughput")
    parser.add_argument("--write", type=Path, help="append the table to this Markdown file")
    options = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = options.database_url
    sys.path.insert(0, str(ROOT))
    from reuse_tracker import create_app
    from reuse_tracker.auth import services
    from reuse_tracker.extensions import db

    app = create_app({"WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "10000 per minute"})
    gc.freeze()  # as wsgi.py does once the application is built: the pages are timed as served
    with app.app_context():
        devices = db.session.scalar(sa.text("SELECT COUNT(*) FROM devices"))
        database = db.engine.dialect.name
    print(f"{database}, {devices:,} devices: pages against their minimal SQL", flush=True)
    pages = page_rows(app, options.repeat)
    servers, memory = [], []
    if not options.no_server:
        with app.app_context():
            tag = _probe(db)["tag"]
            token = services.create_token(services.find_user(ADMIN), "benchmark server")
            db.session.commit()
            db.session.remove()
            db.engine.dispose()  # hold no SQLite lock while the servers write
        print("gunicorn -w 2: throughput against a bare Flask route", flush=True)
        servers, memory = server_rows(options.database_url, tag, token, options.seconds)
    table = markdown(database, devices, pages, servers, memory)
    print(table)
    if options.write:
        with options.write.open("a", encoding="utf-8") as out:
            out.write("\n" + table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

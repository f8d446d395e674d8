"""Pauses of Python's garbage collector under gunicorn: ``wsgi:app`` against the same
application with nothing frozen.

    .venv/bin/python benchmarks/pauses.py --database-url URL [--requests 1500]

On a generated programme (``benchmarks/generate.py``), one gunicorn worker at a time
(``-w 2``, sync) answers the device list and a device page, one request after another from
a second process; the table gives each answer's median, 99th and 99.9th percentile and the
requests over 40 ms. A full collection walks every object a worker holds (70 ms once the
application is built): ``wsgi.py`` freezes what building it made, so that such a pause no
longer falls on a request.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.run import ADMIN, PASSWORD, Server, request, sign_in  # noqa: E402

#: The application as ``wsgi.py`` builds it, without the freeze.
UNFROZEN = "from reuse_tracker import create_app\n\napp = create_app()\n"
SLOW_MS = 40


def latencies(port: int, path: str, headers: dict[str, str], count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        status, _body = request(port, path, headers)
        assert status == 200, (path, status)
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=1500)
    options = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = options.database_url
    from reuse_tracker import create_app
    from reuse_tracker.auth import services
    from reuse_tracker.extensions import db

    app = create_app()
    with app.app_context():
        if services.find_user(ADMIN) is None:
            services.create_user(ADMIN, "admin", PASSWORD, "Benchmark")
            db.session.commit()
        tag = db.session.scalar(db.text("SELECT asset_tag FROM devices ORDER BY id LIMIT 1"))
        db.session.remove()
        db.engine.dispose()  # hold no SQLite lock while the servers run
    env = {"DATABASE_URL": options.database_url, "SECRET_KEY": "benchmark"}
    print("| server | page | median | p99 | p99.9 | over 40 ms |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "unfrozen.py").write_text(UNFROZEN)
        for target, cwd, name in (
            ("unfrozen:app", folder, "nothing frozen"),
            ("wsgi:app", ROOT, "wsgi.py"),
        ):
            server = Server(target, {**env, "PYTHONPATH": str(ROOT)}, Path(cwd), "/healthz")
            try:
                cookie = sign_in(server.port)
                for page, path in (("device list", "/devices"), ("device page", f"/devices/{tag}")):
                    latencies(server.port, path, cookie, 20)  # both workers warm
                    times = latencies(server.port, path, cookie, options.requests)

                    def rank(share: float, times=times) -> float:
                        return times[max(0, round(share * len(times)) - 1)]

                    slow = sum(t > SLOW_MS for t in times)
                    print(
                        f"| {name} | {page} | {rank(0.5):.1f} ms | {rank(0.99):.1f} ms "
                        f"| {rank(0.999):.1f} ms | {slow} of {len(times):,} |",
                        flush=True,
                    )
            finally:
                server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time the same pages in two checkouts, one round of each after the other, on one database.

    git worktree add /tmp/before <commit>
    ln -s "$(pwd)/.venv" /tmp/before/.venv && make -C /tmp/before compile-translations
    .venv/bin/python benchmarks/compare.py --database-url URL --before /tmp/before \\
        /families "/devices?q={prefix}" "/waves/{waiting}"

On this machine the speed of a run drifts by up to half between minutes, so two runs of
``benchmarks/run.py`` one after the other cannot tell a 10 % change. Here each checkout serves
its pages in a process of its own, signed in as the benchmark's admin (the application's
test client, as ``run.py``); the two answer a round of N requests in turn, ROUNDS times, and
the table gives each one's median over its rounds' medians and the median of the rounds'
ratios (after ÷ before), which the drift affects least. A path may name ``{tag}``,
``{prefix}`` (the tag without its last two characters), ``{wave}`` and ``{waiting}``, found
as ``run.py`` finds them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def serve(database_url: str) -> None:
    """The child: read "path count" lines, answer each with the median time of count GETs."""
    os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, os.getcwd())
    import reuse_tracker
    from benchmarks.run import ADMIN, PASSWORD, _probe
    from reuse_tracker import create_app
    from reuse_tracker.auth import services
    from reuse_tracker.extensions import db

    where = Path(reuse_tracker.__file__).resolve()
    assert where.is_relative_to(Path.cwd().resolve()), f"{where} is not this checkout's"
    app = create_app({"WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "100000 per minute"})
    with app.app_context():
        if services.find_user(ADMIN) is None:
            services.create_user(ADMIN, "admin", PASSWORD, "Benchmark")
            db.session.commit()
        probe = _probe(db)
    client = app.test_client()
    signed_in = client.post("/login", data={"email": ADMIN, "password": PASSWORD})
    assert signed_in.status_code == 302, signed_in.status_code
    print("ready", flush=True)
    for line in sys.stdin:
        path, count = line.split()
        path = path.format(prefix=probe["tag"][:-2], **probe)
        times = []
        for _ in range(int(count)):
            started = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code < 500, (path, response.status_code)
        print(statistics.median(times), flush=True)


class Checkout:
    def __init__(self, root: Path, database_url: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--serve", database_url],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        while self.process.stdout.readline().strip() != "ready":
            if self.process.poll() is not None:
                raise RuntimeError(f"the checkout in {root} did not start")

    def median_ms(self, path: str, count: int) -> float:
        self.process.stdin.write(f"{path} {count}\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--database-url")
    parser.add_argument("--before", type=Path, help="the checkout to compare this one with")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--requests", type=int, default=10, help="requests a round")
    parser.add_argument("paths", nargs="*")
    options = parser.parse_args(argv)
    if options.serve:
        serve(options.serve)
        return 0
    if not (options.database_url and options.before and options.paths):
        parser.error("--database-url, --before and at least one path are needed")
    before = Checkout(options.before.resolve(), options.database_url)
    after = Checkout(ROOT, options.database_url)
    try:
        print("| page | before | after | after ÷ before |")
        print("| --- | ---: | ---: | ---: |")
        for path in options.paths:
            before.median_ms(path, options.requests)  # warm both
            after.median_ms(path, options.requests)
            times = [
                (before.median_ms(path, options.requests), after.median_ms(path, options.requests))
                for _ in range(options.rounds)
            ]
            was = statistics.median(old for old, _new in times)
            now = statistics.median(new for _old, new in times)
            ratio = statistics.median(new / old for old, new in times)
            print(f"| `{path}` | {was:.1f} ms | {now:.1f} ms | {ratio:.2f} |", flush=True)
    finally:
        before.close()
        after.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

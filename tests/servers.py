"""Real application servers for tests: gunicorn on this run's database, on a free port."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(
    database_url: str, log: Path, *, workers: int = 2, env: dict[str, str] | None = None
) -> Iterator[str]:
    """Serve the application with ``gunicorn -w workers``; yield its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test",
        "RATELIMIT_STORAGE_URI": "memory://",
        **(env or {}),
    }
    with open(log, "w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "reuse_tracker:create_app()",
            ],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=output,
        )
        try:
            _wait_until_up(base, process, log)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn stopped: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail("gunicorn did not answer within 90 s")


def redis_rate_limits(login_limit: str) -> dict[str, str]:
    """The environment of servers counting their rate limits in the test Redis, on counters
    of their own (missing Redis: ``unavailable``)."""
    from tests.conftest import unavailable

    address = urllib.parse.urlsplit(REDIS_URL)
    try:
        with socket.create_connection((address.hostname, address.port or 6379), timeout=2) as s:
            s.sendall(b"PING\r\n")
            assert s.recv(7).startswith(b"+PONG")
    except OSError as error:
        unavailable(f"Redis is not reachable at {REDIS_URL}: {error}")
    return {
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"rt-test-{uuid.uuid4().hex}",  # this run's counters only
        "LOGIN_RATE_LIMIT": login_limit,
    }


def failed_logins(bases: list[str], email: str, attempts: int) -> list[int]:
    """Sign in with a wrong password ``attempts`` times, going round ``bases`` (one browser:
    its session cookie goes to every port), each on a new connection; return the statuses."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with opener.open(f"{bases[0]}/login") as page:
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.read().decode())[1]
    form = {"csrf_token": csrf, "email": email, "password": "not the password"}
    statuses = []
    for attempt in range(attempts):
        try:
            with opener.open(
                f"{bases[attempt % len(bases)]}/login", urllib.parse.urlencode(form).encode()
            ):
                statuses.append(200)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    return statuses

"""A built wheel carries the compiled catalogues: an installed package speaks French.

Builds the wheel from a copy of the versioned files (no ``.mo`` among them, as in a fresh
clone), installs it into a new virtual environment (its dependencies are this one's, seen
through a path file, so nothing is downloaded) and renders the sign-in page there.
Takes about a minute; it runs with the rest of the suite in CI.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RENDER = """
import pathlib, reuse_tracker
from reuse_tracker import create_app
package = pathlib.Path(reuse_tracker.__file__).parent
assert "site-packages" in str(package), package
assert (package / "translations/fr/LC_MESSAGES/messages.mo").is_file()
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
print(app.test_client().get("/login").get_data(as_text=True))
"""


def _versioned_copy(target: Path) -> None:
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode()
    for name in filter(None, files.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def test_an_installed_wheel_shows_the_french_interface(tmp_path):
    source = tmp_path / "source"
    _versioned_copy(source)
    assert not list(source.rglob("*.mo"))
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(source)],
        check=True,
        timeout=600,
    )
    (wheel,) = wheels.glob("reuse_tracker-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The new environment sees this one's dependencies, but not its editable checkout.
    (Path(site) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    page = subprocess.run(
        [str(python), "-c", RENDER],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert 'lang="fr"' in page
    assert "Se connecter" in page

"""A worker serving pages does not import what only PDFs, signatures and commands need.

Each of these costs every gunicorn worker memory for nothing until a PDF is made, a signature
read, ``flask db`` or ``flask demo`` run (docs/PERFORMANCE.md: the worker's RSS).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import reuse_tracker

#: Imported on first use only: the PDF stack, Pillow, Alembic (through Flask-Migrate), email checks.
ON_FIRST_USE = (
    "PIL",
    "alembic",
    "barcode",
    "email_validator",
    "flask_migrate",
    "mako",
    "qrcode",
    "reportlab",
)
#: Our own modules that only a PDF or a command needs.
MODULES = ("labels.render", "reuse_tracker.demo", "reuse_tracker.documents.pdf")


def test_the_application_starts_without_the_pdf_stack_or_alembic(tmp_path):
    config = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.sqlite'}", "SECRET_KEY": "x"}
    code = (
        "import sys\n"
        "from reuse_tracker import create_app\n"
        f"create_app({config!r})\n"
        f"loaded = {{name.split('.')[0] for name in sys.modules}} & set({ON_FIRST_USE!r})\n"
        f"loaded |= set(sys.modules) & set({MODULES!r})\n"
        "print(','.join(sorted(loaded)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(reuse_tracker.__file__).parent.parent,
    )
    assert done.stdout.strip() == ""

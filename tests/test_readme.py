"""The README's "Running in production" names every environment variable the code reads."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_environment_variable_is_documented():
    read = set()
    for module in (ROOT / "reuse_tracker").rglob("*.py"):
        text = module.read_text(encoding="utf-8")
        read |= set(re.findall(r'(?:os\.environ\.get|_bool)\(\s*"([A-Z][A-Z0-9_]+)"', text))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Running in production" in readme
    assert len(read) > 20
    assert sorted(name for name in read if f"`{name}`" not in readme) == []

"""Every real log of the corpus (nwipe 0.17 to 0.42) is read as nwipe meant it.

Each version's folder holds real logs and ``expected.json``: for each log, the disks it
reports (device, serial, method, verification, rounds, status, errors, result) or the code
of its refusal. README.md in the folder says how each log was made.
"""

from __future__ import annotations

import json

import pytest

from reuse_tracker.workshop import erasure_import, nwipe
from tests.workshop.helpers import CORPUS

FOLDERS = sorted(
    (path for path in CORPUS.iterdir() if path.is_dir()),
    key=lambda path: tuple(int(part) for part in path.name.split(".")),
)
CASES = [
    pytest.param(folder, name, expected, id=f"{folder.name}/{name}")
    for folder in FOLDERS
    for name, expected in json.loads((folder / "expected.json").read_text()).items()
]


def _as_recorded(disk: nwipe.WipedDisk) -> dict:
    record = erasure_import.erasure_data(disk, None)
    return {
        "device": disk.device,
        "serial": disk.serial,
        "method": disk.method,
        "verification": disk.verification,
        "rounds": disk.rounds,
        "status": disk.status,
        "errors": disk.errors,
        "result": record["result"],
    }


@pytest.mark.parametrize(("folder", "name", "expected"), CASES)
def test_a_real_log_is_read_as_nwipe_wrote_it(folder, name, expected):
    text = (folder / name).read_text(encoding="utf-8")
    if "refused" in expected:
        with pytest.raises(nwipe.NwipeLogError) as refused:
            nwipe.parse(text)
        assert refused.value.code == expected["refused"]
        message = erasure_import.refusal(refused.value)
        assert message and "%(" not in message
        return
    report = nwipe.parse(text)
    assert report.version == expected["version"]
    assert [_as_recorded(disk) for disk in report.disks] == expected["disks"]
    for disk in report.disks:
        assert nwipe.METHODS[disk.method] == ("clear", "overwrite")


@pytest.mark.parametrize("folder", FOLDERS, ids=[folder.name for folder in FOLDERS])
def test_every_log_of_a_version_has_its_expectation_and_its_readme(folder):
    expected = json.loads((folder / "expected.json").read_text())
    assert sorted(expected) == sorted(path.name for path in folder.glob("*.log"))
    readme = (folder / "README.md").read_text()
    assert all(name in readme for name in expected)


def test_the_corpus_covers_every_release_from_0_17_to_0_42():
    versions = {folder.name for folder in FOLDERS}
    assert {"0.17", "0.20", "0.26", "0.28", "0.30", "0.31", "0.35", "0.41", "0.42"} <= versions

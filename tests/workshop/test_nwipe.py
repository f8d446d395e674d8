"""The nwipe log reader, on logs written in the format of nwipe's own sources."""

import pytest

from reuse_tracker.workshop import nwipe
from tests.workshop.helpers import DATA


def read(name: str) -> str:
    return (DATA / name).read_text()


def test_two_disks_one_erased_one_failed():
    report = nwipe.parse(read("nwipe_two_disks.log"))
    assert report.version == "0.34"
    ssd, hdd = report.disks
    assert (ssd.serial, ssd.model, ssd.size_gb) == (
        "S3Z9NB0K123456A",
        "Samsung SSD 860 EVO 250GB",
        250,
    )
    assert ssd.status == "erased" and ssd.passed and ssd.errors == 0
    assert (ssd.method, ssd.verification, ssd.rounds) == ("PRNG Stream", "last", 1)
    assert ssd.started_at.isoformat() == "2021-03-12T09:13:46"
    assert ssd.ended_at.isoformat() == "2021-03-12T10:38:50"
    assert (hdd.serial, hdd.model) == ("W6209XYZ", "ST500LM021-1KJ152")
    assert hdd.status == "failed" and not hdd.passed and hdd.errors == 2048


def test_a_user_abort_is_a_failure_and_the_method_comes_from_the_run():
    (disk,) = nwipe.parse(read("nwipe_user_abort.log")).disks
    assert disk.device == "/dev/nvme0n1" and disk.serial == "S4ELNX0M812345"
    assert disk.status == "aborted" and not disk.passed
    assert (disk.method, disk.verification) == ("DoD Short", "all")


@pytest.mark.parametrize(
    "text, code",
    [
        ("", "empty"),
        ("   \n\n", "empty"),
        ("\x00\x01PK binary", "not_text"),
        ("Hello, this is not a log\nat all\n", "no_summary"),
        (read("nwipe_unfinished.log"), "no_summary"),
    ],
)
def test_what_is_not_a_complete_log_is_refused_with_a_reason(text, code):
    with pytest.raises(nwipe.NwipeLogError) as refused:
        nwipe.parse(text)
    assert refused.value.code == code


def test_a_table_cut_short_is_refused():
    text = read("nwipe_two_disks.log").split("[2021/03/12 11:52:03] Total")[0]
    with pytest.raises(nwipe.NwipeLogError) as refused:
        nwipe.parse(text)
    assert refused.value.code == "incomplete"


def test_a_row_that_cannot_be_read_names_its_line():
    text = read("nwipe_two_disks.log").replace("| 02:38:15 |", "| soon |")
    with pytest.raises(nwipe.NwipeLogError) as refused:
        nwipe.parse(text)
    assert refused.value.code == "bad_row"
    assert (
        refused.value.params["line"]
        == text.splitlines().index(
            "!      sdb |-FAILED-|  138 MB/s | soon | ST500LM021-1KJ15/W6209XYZ"
        )
        + 1
    )


def test_anonymised_serials_cannot_be_tied_to_a_disk():
    text = read("nwipe_two_disks.log").replace("S3Z9NB0K123456A", "XXXXXXXXXXXXXXX")
    with pytest.raises(nwipe.NwipeLogError) as refused:
        nwipe.parse(text)
    assert refused.value.code == "no_serial" and refused.value.params["drive"] == "sda"


def test_a_verification_only_run_is_not_an_erasure():
    text = read("nwipe_two_disks.log").replace("PRNG Stream", "Verify Zeros (0x00)")
    with pytest.raises(nwipe.NwipeLogError) as refused:
        nwipe.parse(text)
    assert refused.value.code == "verify_only"


def test_an_unknown_method_is_refused():
    text = read("nwipe_two_disks.log").replace("PRNG Stream", "Magic Wand")
    with pytest.raises(nwipe.NwipeLogError) as refused:
        nwipe.parse(text)
    assert refused.value.code == "unknown_method"
    assert refused.value.params["method"] == "Magic Wand"


@pytest.mark.parametrize(
    "label, expected", [("0 (off)", "off"), ("1 (last pass)", "last"), ("2 (all passes)", "all")]
)
def test_the_verify_option_is_read(label, expected):
    text = read("nwipe_two_disks.log").replace("verify   = 1 (last pass)", f"verify   = {label}")
    assert {disk.verification for disk in nwipe.parse(text).disks} == {expected}


def test_hmg_is5_enhanced_always_verifies_its_random_pass():
    text = (
        read("nwipe_two_disks.log")
        .replace("PRNG Stream", "HMG IS5 Enhanced")
        .replace("verify   = 1 (last pass)", "verify   = 0 (off)")
    )
    assert {disk.verification for disk in nwipe.parse(text).disks} == {"last"}


def test_without_options_the_summary_line_gives_method_and_verification():
    text = "\n".join(
        line
        for line in read("nwipe_two_disks.log").splitlines()
        if "=" not in line and "Invoking" not in line
    )
    disks = nwipe.parse(text).disks
    assert {(d.method, d.verification, d.rounds) for d in disks} == {("PRNG Stream", "last", 1)}


def test_in_a_log_of_several_runs_the_latest_record_of_a_disk_wins():
    first = read("nwipe_two_disks.log")
    second = (
        first.replace("2021/03/12", "2021/03/13")
        .replace("!      sdb |-FAILED-|", "       sdb | Erased |")
        .replace(
            "!      sdb |            0 |                  2048 |",
            "       sdb |            0 |   0 |",
        )
    )
    report = nwipe.parse(first + second)
    assert len(report.disks) == 2
    hdd = next(disk for disk in report.disks if disk.serial == "W6209XYZ")
    assert hdd.passed and hdd.ended_at.day == 13


def test_every_nwipe_method_maps_to_a_nist_method_and_technique():
    for method, technique in nwipe.METHODS.values():
        assert method in {"clear", "purge", "destroy"}
        assert technique in {"overwrite", "block_erase", "crypto_erase", "sanitize"}

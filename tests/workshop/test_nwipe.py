"""The nwipe log reader on real logs of nwipe 0.17 to 0.42, and on logs derived from them."""

import pytest

from reuse_tracker.workshop import erasure_import, nwipe
from tests.workshop.helpers import corpus_text


def refused(text: str) -> nwipe.NwipeLogError:
    with pytest.raises(nwipe.NwipeLogError) as error:
        nwipe.parse(text)
    return error.value


def test_the_erasure_summary_of_0_42_is_not_read_as_errors():
    (disk,) = nwipe.parse(corpus_text("0.42/zero_verify_last.log")).disks
    assert (disk.status, disk.errors, disk.passed) == ("erased", 0, True)
    assert (disk.bytes_erased, disk.bytes_total, disk.erased_pct) == (16777216, 16777216, "100.00")


def test_a_disk_nwipe_erased_only_in_part_is_not_passed():
    (disk,) = nwipe.parse(corpus_text("0.42/write_errors.log")).disks
    assert disk.status == "failed" and disk.partial and disk.erased_pct == "25.00"
    assert not disk.passed


def test_the_untitled_drive_status_table_of_0_30_and_its_zero_fill_are_read():
    text = corpus_text("0.30/zero_verify_last.log")
    assert "Drive Status" not in text
    (disk,) = nwipe.parse(text).disks
    assert (disk.method, disk.verification, disk.status) == ("Zero Fill", "last", "erased")
    assert nwipe.METHODS[disk.method] == ("clear", "overwrite")


def test_0_30_says_erased_despite_errors_but_its_error_lines_fail_the_disk():
    text = corpus_text("0.30/write_errors.log")
    assert "| Erased |" in text
    (disk,) = nwipe.parse(text).disks
    assert disk.status == "failed" and disk.errors == 2 and not disk.passed


def test_a_table_name_cut_to_its_last_characters_finds_its_drive():
    text = (
        corpus_text("0.30/zero_verify_last.log")
        .replace("/dev/loop0", "/dev/nvme0n1")
        .replace("   loop0 |", "  vme0n1 |")  # nwipe 0.30 keeps the last 6 characters
    )
    (disk,) = nwipe.parse(text).disks
    assert (disk.device, disk.serial) == ("/dev/nvme0n1", "NW030-LOOP0")


@pytest.mark.parametrize("digit", ["²", "٣", "１"])
def test_digits_other_than_ascii_are_not_numbers(digit):
    text = corpus_text("0.42/zero_verify_last.log").replace("rounds       = 1", f"rounds = {digit}")
    (disk,) = nwipe.parse(text).disks
    assert disk.rounds == 1  # from the closing "1R+B+VL", not from the option
    table = corpus_text("0.42/zero_verify_last.log").replace("|           0 |", f"|  {digit} |")
    assert refused(table).code == "bad_row"


def test_two_disks_of_one_run_one_erased_one_failed():
    good, bad = nwipe.parse(corpus_text("0.42/two_disks_one_failing.log")).disks
    assert (good.status, good.errors, good.passed) == ("erased", 0, True)
    assert (bad.status, bad.passed) == ("failed", False) and bad.errors > 0
    assert good.serial != bad.serial and good.method == bad.method == "PRNG Stream"


def test_in_a_log_of_several_runs_the_latest_record_of_a_disk_wins():
    text = corpus_text("0.42/failed_then_erased.log")
    assert text.count("Drive Status") == 2
    (disk,) = nwipe.parse(text).disks
    assert disk.passed
    first_run = text[: text.index("Total Throughput") + 100].rsplit("\n", 1)[0]
    assert not nwipe.parse(first_run).disks[0].passed


def test_an_old_run_cut_short_by_the_next_one_is_aborted_and_the_next_one_wins():
    text = corpus_text("0.20/abort_then_rerun.log")
    (disk,) = nwipe.parse(text).disks
    assert disk.passed and disk.method == "DoD Short"
    first_run, second_run = text.split("Opened entropy source", 2)[1:]
    other_disk = (
        "Opened entropy source"
        + first_run
        + "Opened entropy source"
        + second_run.replace("NW020-LOOP", "NW020-OTHER")
    )
    aborted, erased = nwipe.parse(other_disk).disks
    assert (aborted.status, erased.status) == ("aborted", "erased")


def test_a_user_abort_is_not_an_erasure():
    (disk,) = nwipe.parse(corpus_text("0.42/abort.log")).disks
    assert disk.status == "aborted" and not disk.passed
    (old,) = nwipe.parse(corpus_text("0.28/abort.log")).disks  # "Program interrupted"
    assert old.status == "aborted" and not old.passed


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   \n\n", "empty"),
        ("\x00\x01PK binary", "not_text"),
        ("Hello, this is not a log\nat all\n", "not_a_log"),
        ("[2024/05/14 09:13:41]  notice: Opened entropy source '/dev/urandom'.\n", "no_disk"),
    ],
)
def test_what_is_not_a_log_is_refused_with_a_reason(text, code):
    assert refused(text).code == code


def test_a_log_copied_before_the_end_is_unfinished():
    text = corpus_text("0.42/zero_verify_last.log")
    assert refused(text.split("*** Error Summary")[0]).code == "unfinished"
    old = corpus_text("0.20/zero_verify_last.log")
    assert refused(old.replace("Nwipe exited.", "")).code == "unfinished"


def test_a_table_cut_short_is_refused():
    text = corpus_text("0.42/two_disks_one_failing.log").split("] Total Throughput")[0]
    assert refused(text).code == "incomplete"


def test_a_row_that_cannot_be_read_names_its_line():
    text = corpus_text("0.42/zero_verify_last.log").replace("| 00:00:00 |", "| soon |")
    error = refused(text)
    assert error.code == "bad_row"
    row = next(n for n, line in enumerate(text.splitlines(), 1) if "| soon |" in line)
    assert error.params["line"] == row


def test_anonymised_serials_cannot_be_tied_to_a_disk():
    error = refused(corpus_text("0.42/quiet.log"))
    assert error.code == "no_serial" and error.params["drive"] == "loop0"
    hidden = corpus_text("0.42/zero_verify_last.log").replace("NW042-LOOP0", "XXXXXXXXXXXX")
    assert refused(hidden).code == "no_serial"


def test_a_verification_only_run_is_not_an_erasure_but_does_not_hide_one():
    error = refused(corpus_text("0.42/verify_zero.log"))
    assert error.code == "verify_only" and error.params["method"] == "Verify Zeros (0x00)"
    both = corpus_text("0.42/verify_zero.log") + corpus_text("0.42/zero_verify_last.log")
    (disk,) = nwipe.parse(both).disks
    assert disk.method == "Fill With Zeros"


def test_an_unknown_method_is_refused():
    text = corpus_text("0.42/zero_verify_last.log").replace("Fill With Zeros", "Magic Wand")
    error = refused(text)
    assert (error.code, error.params["method"]) == ("unknown_method", "Magic Wand")


def test_a_log_stopped_before_any_wipe_is_refused_as_such():
    assert refused(corpus_text("0.42/abort_before_start.log")).code == "not_started"


def test_hmg_is5_enhanced_always_verifies_its_last_pass():
    text = corpus_text("0.42/is5enh.log").replace("= 1 (last pass)", "= 0 (off)")
    assert nwipe.parse(text).disks[0].verification == "last"


def test_old_logs_say_what_was_verified_by_the_read_backs_they_show():
    by_file = {
        "zero_verify_last.log": "last",
        "two_disks_dodshort_verify_all.log": "all",
        "prng_noverify_noblank.log": "off",
    }
    for name, verification in by_file.items():
        disks = nwipe.parse(corpus_text(f"0.20/{name}")).disks
        assert {disk.verification for disk in disks} == {verification}, name


def test_every_nwipe_method_maps_to_a_nist_method_and_technique():
    assert set(nwipe.METHODS.values()) == {("clear", "overwrite")}
    assert {"Quick Erase", "Zero Fill", "Fill With Zeros", "Gutmann Wipe"} <= set(nwipe.METHODS)
    assert not set(nwipe.METHODS) & nwipe.VERIFY_ONLY


def test_every_refusal_has_a_message():
    for code in erasure_import.REFUSALS:
        params = {"line": 12, "drive": "sda", "method": "Magic Wand"}
        message = erasure_import.refusal(nwipe.NwipeLogError(code, **params))
        assert message and "%(" not in message

"""Whatever text it is given, the nwipe reader answers a report or its own refusal, never a crash.

Random text, and real log lines shuffled, cut and mutated (Unicode digits where nwipe writes
ASCII ones, characters dropped or doubled). A report it answers always fits the record.
"""

from __future__ import annotations

from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reuse_tracker import create_app
from reuse_tracker.devices import fields as action_fields
from reuse_tracker.workshop import erasure_import, nwipe
from tests.workshop.helpers import CORPUS

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
REAL_LINES = sorted(
    {line for path in CORPUS.glob("*/*.log") for line in path.read_text().splitlines()}
)
#: The lines that carry numbers and names: tables, options, drives found, closing lines.
TELLING_LINES = [
    line
    for line in REAL_LINES
    if "|" in line or " = " in line or "Found" in line or "Total Throughput" in line
]
LOGS = sorted(CORPUS.glob("*/*.log"))
#: Digits str.isdigit() accepts and int() may refuse, or that int() reads.
ODD_DIGITS = "²٣１𝟘"
#: And look-alikes of nwipe's punctuation.
ODD = ODD_DIGITS + " \t\u00a0\u2028|/:[]*-!'\"."


def _mutated(line: str, position: int, odd: str, how: int) -> str:
    at = position % (len(line) + 1)
    if how == 0:
        return line[:at] + odd + line[at:]
    if how == 1:
        return line[:at] + odd + line[at + 1 :]
    if how == 2:
        return line[:at]
    return line + line[at:]


real_line = st.builds(
    _mutated,
    st.sampled_from(TELLING_LINES) | st.sampled_from(REAL_LINES),
    st.integers(min_value=0, max_value=200),
    st.text(alphabet=ODD, min_size=1, max_size=3),
    st.integers(min_value=0, max_value=4),
)
log_text = st.lists(st.one_of(real_line, st.sampled_from(REAL_LINES), st.text()), max_size=60)


#: The erasure's fields are the workshop's ActionSpec's: read them inside an application.
APP = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "fuzz"})


def _read(text: str) -> None:
    with APP.app_context():
        _check(text)


def _check(text: str) -> None:
    try:
        report = nwipe.parse(text)
    except nwipe.NwipeLogError as error:
        assert error.code in erasure_import.REFUSALS
        assert erasure_import.refusal(error)
        return
    for disk in report.disks:
        data = erasure_import.erasure_data(disk, report.version, "fuzz.log", "0" * 64)
        action_fields.validate("record_erasure", data)
        if disk.started_at and disk.ended_at:
            assert isinstance(disk.started_at, datetime) and disk.started_at <= disk.ended_at


@SETTINGS
@given(st.text())
def test_random_text_is_refused_or_read(text):
    _read(text)


@SETTINGS
@given(log_text)
def test_real_lines_shuffled_and_mutated_are_refused_or_read(lines):
    _read("\n".join(lines))


@SETTINGS
@given(st.sampled_from(LOGS), st.integers(0, 10**6), st.text(ODD))
def test_a_real_log_with_a_mutation_is_refused_or_read(path, position, odd):
    text = path.read_text()
    at = position % (len(text) + 1)
    _read(text[:at] + odd + text[at:])


@SETTINGS
@given(st.sampled_from(LOGS), st.integers(0, 10**6), st.sampled_from(ODD_DIGITS), st.booleans())
def test_a_real_log_with_a_unicode_digit_is_refused_or_read(path, position, odd, in_tables):
    text = path.read_text()
    start = text.find("|") if in_tables and "|" in text else 0
    digits = [at for at in range(start, len(text)) if "0" <= text[at] <= "9"]
    at = digits[position % len(digits)]
    _read(text[:at] + odd + text[at + 1 :])
    _read(text[: at + 1] + odd + text[at + 1 :])

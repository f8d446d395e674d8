"""Bad layout names, start positions and label values fail with clear messages."""

from __future__ import annotations

import pytest

from labels import LAYOUTS, Label, LabelLayoutError, render_labels
from tests.labels.helpers import make_labels

LABELS = make_labels(2)


def test_layout_error_is_a_value_error() -> None:
    assert issubclass(LabelLayoutError, ValueError)


def test_unknown_layout_names_it_and_lists_the_known_ones() -> None:
    with pytest.raises(LabelLayoutError, match="Unknown label layout 'avery-l9999'") as caught:
        render_labels(LABELS, "avery-l9999")
    for name in LAYOUTS:
        assert name in str(caught.value)


@pytest.mark.parametrize("start", [0, -1, 22, 100])
def test_start_out_of_range_on_a_sheet(start: int) -> None:
    with pytest.raises(LabelLayoutError, match=rf"Start position {start} .*1 to 21"):
        render_labels(LABELS, "avery-l7160", start=start)


@pytest.mark.parametrize(("name", "last"), [("avery-l7651", 65), ("avery-l7163", 14)])
def test_last_position_is_accepted(name: str, last: int) -> None:
    assert render_labels(LABELS, name, start=last).startswith(b"%PDF")
    with pytest.raises(LabelLayoutError, match=f"1 to {last}"):
        render_labels(LABELS, name, start=last + 1)


@pytest.mark.parametrize("start", [1.5, "3", True, None])
def test_start_must_be_a_whole_number(start: object) -> None:
    with pytest.raises(LabelLayoutError, match="whole number"):
        render_labels(LABELS, "avery-l7160", start=start)  # type: ignore[arg-type]


def test_start_on_a_roll_must_be_one() -> None:
    with pytest.raises(LabelLayoutError, match="roll layouts print one label per page"):
        render_labels(LABELS, "brother-62x29", start=2)
    assert render_labels(LABELS, "brother-62x29", start=1).startswith(b"%PDF")


def test_no_labels_is_refused() -> None:
    with pytest.raises(ValueError, match="No labels"):
        render_labels([], "avery-l7160")


def test_tag_too_long_for_the_stock() -> None:
    label = Label("RT-" + "ABCDEFGHIJ" * 4, "https://reuse.example.org/d/x")
    with pytest.raises(LabelLayoutError, match=r"Code 128 .* too long for avery-l7651"):
        render_labels([label], "avery-l7651")


def test_url_too_long_for_the_stock() -> None:
    label = Label("RT-000001", "https://reuse.example.org/d/" + "x" * 400)
    with pytest.raises(LabelLayoutError, match=r"QR code .* too large for avery-l7651"):
        render_labels([label], "avery-l7651")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tag": "", "url": "u"}, "tag must be a non-empty string"),
        ({"tag": "RT-é", "url": "u"}, "printable ASCII"),
        ({"tag": "RT-1", "url": ""}, "url must be a non-empty string"),
        ({"tag": "RT-1", "url": "u", "caption": ("a", "b", "c")}, "at most 2"),
    ],
)
def test_label_values_are_checked(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Label(**kwargs)


def test_label_is_frozen_and_caption_normalised() -> None:
    label = Label("RT-1", "u", ["Portable"])  # type: ignore[arg-type]
    assert label.caption == ("Portable",)
    assert Label("RT-1", "u", "Portable").caption == ("Portable",)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        label.tag = "RT-2"  # type: ignore[misc]

"""Find a family by name, phone, e-mail or reference: accents and case ignored, staff only."""

from __future__ import annotations

import pytest

from reuse_tracker.extensions import db
from reuse_tracker.loans import privacy
from tests.loans.conftest import PARENT


@pytest.fixture
def two_families(make_family):
    wanted = make_family()
    other = make_family(
        parent_name="Bernard Lemoine",
        phone="07 11 22 33 44",
        email="b.lemoine@courriel.example",
    )
    return wanted, other


@pytest.mark.parametrize(
    "query",
    ["zephyrine", "ZÉPHYRINE quatremare", "Quatremare", "06 39 98", "0639981234", "zephyrine.q@"],
)
def test_a_family_is_found_by_name_phone_or_email(client, login, two_families, query):
    wanted, other = two_families
    login("mediator")
    page = client.get("/families", query_string={"q": query}).text
    assert wanted.reference in page and PARENT in page
    assert other.reference not in page


def test_a_family_is_found_by_its_reference_in_any_case(client, login, two_families):
    wanted, other = two_families
    login("coordinator")
    page = client.get("/families", query_string={"q": wanted.reference.lower()}).text
    assert wanted.reference in page and other.reference not in page


def test_viewers_cannot_look_families_up(client, login, two_families):
    login("viewer")
    page = client.get("/families", query_string={"q": "Quatremare"}).text
    assert 'id="family-search"' not in page
    assert PARENT not in page
    # The query is ignored: the list is the whole list, without identities.
    assert "2 families" in page


def test_a_pseudonymised_family_is_no_longer_found_by_name(client, login, two_families):
    wanted, _other = two_families
    privacy.purge([wanted.reference])
    db.session.commit()
    login("mediator")
    assert wanted.reference not in client.get("/families", query_string={"q": "zephyrine"}).text
    assert wanted.reference in client.get("/families", query_string={"q": wanted.reference}).text

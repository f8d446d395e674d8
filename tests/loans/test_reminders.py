"""Overdue follow-up: reminders and their outcome on the list; the association's CSV, defused."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from reuse_tracker import clock
from reuse_tracker.csv_export import neutralise
from reuse_tracker.extensions import db
from reuse_tracker.loans.models import Loan, LoanReminder
from tests.loans.conftest import PARENT, PHONE


@pytest.fixture
def overdue(device_in):
    device, family, _wave = device_in("on_loan")
    loan = db.session.scalar(sa.select(Loan).where(Loan.device_id == device.id))
    loan.due_on = clock.today() - timedelta(days=12)
    db.session.commit()
    return loan, family


def test_a_reminder_is_recorded_and_the_list_shows_the_last(client, login, overdue):
    loan, _family = overdue
    login("mediator")
    for kind, outcome in (("call", "no_answer"), ("sms", "return_promised")):
        answer = client.post(
            f"/loans/{loan.id}/reminders",
            data={"kind": kind, "outcome": outcome, "note": "Rappeler lundi"},
        )
        assert answer.status_code == 302
    page = client.get("/loans/overdue").text
    assert 'data-last-reminder="sms"' in page and "return promised" in page
    assert db.session.scalar(sa.select(sa.func.count(LoanReminder.id))) == 2


def test_the_list_has_one_reminder_form_and_each_row_links_to_its_loans(
    client, login, overdue, device_in
):
    loan, family = overdue
    device, other, _wave = device_in("on_loan")
    second = db.session.scalar(sa.select(Loan).where(Loan.device_id == device.id))
    second.due_on = clock.today() - timedelta(days=2)
    db.session.commit()
    login("mediator")
    page = client.get("/loans/overdue").text
    # One form in a dialog for every row (the oldest loan's address until a row opens it).
    assert page.count('name="kind"') == 1 and f'action="/loans/{loan.id}/reminders"' in page
    for each, reference in ((loan, family.reference), (second, other.reference)):
        assert f'href="/loans/{each.id}/reminders" data-reminder="{reference}"' in page
    # Without JavaScript the link leads to the loan's own form, sent to the same address.
    alone = client.get(f"/loans/{second.id}/reminders")
    assert alone.status_code == 200 and other.reference in alone.text
    assert (
        f'action="/loans/{second.id}/reminders"' in alone.text and "Save the reminder" in alone.text
    )
    second.status = "returned"
    db.session.commit()
    assert client.get(f"/loans/{second.id}/reminders").status_code == 409


def test_a_reminder_leads_back_to_the_list_it_was_sent_from(client, login, overdue):
    loan, _family = overdue
    login("mediator")
    sent = {"kind": "call", "outcome": "no_answer"}
    for referrer, back in (
        ("http://localhost/loans/overdue?association=3&page=2", "?association=3&page=2"),
        ("http://localhost/loans/overdue", ""),
        (f"http://localhost/loans/{loan.id}/reminders", ""),  # the page without JavaScript
        ("https://elsewhere.example/loans/overdue?page=9", ""),
        (None, ""),
    ):
        headers = {"Referer": referrer} if referrer else {}
        answer = client.post(f"/loans/{loan.id}/reminders", data=sent, headers=headers)
        assert answer.headers["Location"] == f"/loans/overdue{back}#overdue-{loan.id}"


def test_a_reminder_without_its_kind_or_outcome_is_refused(client, login, overdue):
    loan, _family = overdue
    login("mediator")
    refused = client.post(
        f"/loans/{loan.id}/reminders", data={"kind": "pigeon"}, follow_redirects=True
    )
    assert "choose how the family was reminded" in refused.text
    assert "choose what came of it" in refused.text
    assert db.session.scalar(sa.select(sa.func.count(LoanReminder.id))) == 0


def test_the_overdue_list_runs_a_constant_number_of_queries(
    client, login, count_queries, overdue, device_in
):
    login("mediator")
    counts = []
    for _ in range(2):
        with count_queries() as statements:
            client.get("/loans/overdue")
        counts.append(len(statements))
        loan, _family = overdue
        client.post(f"/loans/{loan.id}/reminders", data={"kind": "visit", "outcome": "reached"})
    assert counts[0] == counts[1]


def test_the_csv_for_the_association_is_defused_and_names_nobody(client, login, overdue):
    loan, family = overdue
    login("mediator")
    client.post(
        f"/loans/{loan.id}/reminders",
        data={"kind": "letter", "outcome": "reached", "note": '=HYPERLINK("x")'},
    )
    response = client.get("/loans/overdue.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text), delimiter=";"))
    assert rows[1][0] == family.reference and rows[1][5] == "12"
    assert rows[1][8] == '\'=HYPERLINK("x")'
    assert PARENT not in response.text and PHONE not in response.text


@pytest.mark.parametrize("cell", ["=1+1", "+33", "-2", "@SUM", "\tx", "\rx"])
def test_every_formula_start_is_neutralised(cell):
    assert neutralise(cell) == "'" + cell
    assert neutralise("FAM-2021-0001") == "FAM-2021-0001"


def test_workshop_cannot_remind_or_export(client, login, overdue):
    loan, _family = overdue
    login("workshop")
    assert client.get("/loans/overdue.csv").status_code == 403
    answer = client.post(f"/loans/{loan.id}/reminders", data={"kind": "call", "outcome": "reached"})
    assert answer.status_code == 403

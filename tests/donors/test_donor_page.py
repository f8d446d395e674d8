"""The coordinators' donor page: details edited and audited, links made, sent and revoked."""

from __future__ import annotations

import re
import socket

import pytest
import sqlalchemy as sa

from reuse_tracker.auth.audit import AuditEntry
from reuse_tracker.donors import services
from reuse_tracker.extensions import db
from reuse_tracker.intake.models import Donor


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def test_a_form_changes_only_what_it_carries_and_is_audited(client, login, make_donation):
    donation = make_donation(1, donor="Zêta Industrie")
    donor = donation.donor
    donor.contact_name, donor.address = "Paul Martin", "2 rue de la Paix\n44000 Nantes"
    db.session.commit()
    user = login("coordinator")
    answer = client.post(
        f"/donors/{donor.id}/edit",
        data={"contact_email": "it@zeta.example", "language": "en", "siret": "73282932000074"},
    )
    assert answer.status_code == 302
    db.session.refresh(donor)
    assert (donor.contact_email, donor.language, donor.siret) == (
        "it@zeta.example",
        "en",
        "73282932000074",
    )
    assert donor.contact_name == "Paul Martin" and donor.address.startswith("2 rue")
    (entry,) = audit("donor.updated")
    assert entry.actor_id == user.id and entry.target == f"donor:{donor.id}"
    assert entry.details["changes"]["contact_email"] == [None, "it@zeta.example"]
    assert "contact_name" not in entry.details["changes"]


def test_bad_details_name_the_field_and_change_nothing(client, login, make_donation):
    other = make_donation(1, donor="Éta Services").donor
    donor = make_donation(1, donor="Thêta Logistique").donor
    login("coordinator")
    bad = client.post(f"/donors/{donor.id}/edit", data={"siret": "12345678901234", "name": ""})
    assert bad.status_code == 422
    assert "is not a valid SIRET" in bad.text and "is required" in bad.text
    taken = client.post(f"/donors/{donor.id}/edit", data={"name": other.name})
    assert taken.status_code == 422 and "another donor already has it" in taken.text
    db.session.refresh(donor)
    assert donor.name == "Thêta Logistique" and donor.siret is None
    assert audit("donor.updated") == []


def test_only_coordinators_edit_and_manage_links(client, login, make_donation):
    donor = make_donation(1).donor
    login("workshop")
    for url in ("edit", "portal-link", "portal-link/revoke", "portal-link/send"):
        assert client.post(f"/donors/{donor.id}/{url}", data={"name": "X"}).status_code == 403
    assert client.get(f"/donors/{donor.id}").status_code == 200


def test_the_coordinator_makes_renews_and_revokes_the_link(client, login, make_donation):
    donor = make_donation(1).donor
    login("coordinator")
    made = client.post(f"/donors/{donor.id}/portal-link")
    first = re.search(r'value="https://reuse\.example\.org(/donors/portal/[^"]+)"', made.text)
    assert first and "shown once" in made.text
    assert client.get(first.group(1)).status_code == 200
    renewed = client.post(f"/donors/{donor.id}/portal-link")
    second = re.search(r'value="https://reuse\.example\.org(/donors/portal/[^"]+)"', renewed.text)
    assert client.get(first.group(1)).status_code == 404
    assert client.get(second.group(1)).status_code == 200
    client.post(f"/donors/{donor.id}/portal-link/revoke")
    assert client.get(second.group(1)).status_code == 404
    assert "Revoked on" in client.get(f"/donors/{donor.id}").text
    assert [len(audit(a)) for a in ("donor.portal_link_created", "donor.portal_link_renewed")] == [
        1,
        1,
    ]
    assert len(audit("donor.portal_link_revoked")) == 1


@pytest.mark.parametrize("key", ["siret", "name", "id"])
def test_flask_donors_link_prints_a_new_link(runner, make_donation, client, key):
    donor = make_donation(1, donor="Iota Énergie").donor
    donor.siret = "73282932000074"
    db.session.commit()
    old = services.new_link(donor, actor=None)
    db.session.commit()
    value = {"siret": "732 829 320 00074", "name": "Iota Énergie", "id": str(donor.id)}[key]
    result = runner.invoke(args=["donors", "link", value])
    assert result.exit_code == 0, result.output
    url = result.output.strip().splitlines()[-1]
    assert url.startswith("https://reuse.example.org/donors/portal/")
    assert client.get(url.removeprefix("https://reuse.example.org")).status_code == 200
    assert client.get(f"/donors/portal/{old}").status_code == 404


def test_flask_donors_link_refuses_an_unknown_donor(runner, app_ctx):
    result = runner.invoke(args=["donors", "link", "Nobody SA"])
    assert result.exit_code == 1 and "No donor" in result.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server (aiosmtpd) on a free local port; yield the messages it received."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    port = _free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_FROM")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="dons@nantes.example")
    yield received
    app.config.update(saved)
    controller.stop()


def test_the_link_is_sent_by_email_and_the_pages_say_when(
    client, login, make_donation, smtp_server
):
    donation = make_donation(1, donor="Kappa Mutuelle")
    donor = donation.donor
    donor.contact_email, donor.contact_name = "dsi@kappa.example", "Léa Roux"
    db.session.commit()
    login("coordinator")
    answer = client.post(f"/donors/{donor.id}/portal-link/send")
    assert answer.status_code == 302
    (message,) = smtp_server
    assert message["To"] == "Léa Roux <dsi@kappa.example>" or "dsi@kappa.example" in message["To"]
    assert message["From"] == "dons@nantes.example"
    body = message.get_payload(decode=True).decode()
    url = re.search(r"https://reuse\.example\.org(/donors/portal/\S+)", body).group(1)
    assert client.get(url).status_code == 200
    page = client.get(f"/donors/{donor.id}").text
    assert "dsi@kappa.example" in re.search(r'id="sent-at">([^<]+)', page).group(1)
    assert "sent by e-mail on" in client.get(f"/donations/{donation.id}").text


def test_sending_without_a_server_says_so_and_keeps_the_old_link(app, client, login, make_donation):
    donor = make_donation(1).donor
    donor.contact_email = "it@example.org"
    old = services.new_link(donor, actor=None)
    db.session.commit()
    login("coordinator")
    app.config["MAIL_SERVER"] = ""
    answer = client.post(f"/donors/{donor.id}/portal-link/send", follow_redirects=True)
    assert "E-mail is not set up" in answer.text
    assert client.get(f"/donors/portal/{old}").status_code == 200
    assert db.session.get(Donor, donor.id).portal_token_hash == services.token_hash(old)


def test_the_donor_page_runs_a_constant_number_of_queries(
    client, login, make_donor_case, count_queries
):
    small = make_donor_case("Nu Transports", 1)
    big = make_donor_case("Xi Télécom", 30)
    login("viewer")
    client.get(f"/donors/{small.donor.id}")
    counts = []
    for url in [f"/donors/{case.donor.id}" for case in (small, big)]:
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]

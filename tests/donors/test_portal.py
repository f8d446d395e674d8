"""The donor portal: one donor's data and nothing else, by a secret link that can be revoked."""

from __future__ import annotations

import io

import pypdf
import sqlalchemy as sa

from reuse_tracker.auth.audit import AuditEntry
from reuse_tracker.devices import services as actions
from reuse_tracker.donors import services
from reuse_tracker.donors.models import DonorPortal
from reuse_tracker.extensions import db
from tests.conftest import ERASURE


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def erase(device, serial: str = "DISK-1") -> None:
    actions.perform(device, "start_reconditioning", {}, actor=None)
    actions.perform(device, "record_erasure", {**ERASURE, "storage_serial": serial}, actor=None)
    db.session.commit()


def portal_routes(case, donation_id: int) -> list[tuple[str, str]]:
    base = case.url
    return [
        ("GET", base),
        ("GET", f"{base}/impact.pdf"),
        ("GET", f"{base}/donations/{donation_id}/receipt.pdf"),
        ("GET", f"{base}/donations/{donation_id}/erasure-certificate.pdf"),
        ("POST", f"{base}/donations/{donation_id}/review"),
    ]


def test_a_portal_shows_its_donor_and_nothing_of_another(client, two_donors):
    alpha, beta = two_donors
    erase(alpha.devices[0])
    page = client.get(alpha.url)
    assert page.status_code == 200
    assert alpha.donor.name in page.text and alpha.donation.reference in page.text
    assert all(device.asset_tag in page.text for device in alpha.devices)
    assert beta.donor.name not in page.text and beta.donation.reference not in page.text
    assert not any(device.asset_tag in page.text for device in beta.devices)
    assert page.headers.getlist("Referrer-Policy") == ["no-referrer"]  # the portal's own
    assert page.headers["Cache-Control"] == "no-store, private"  # its own, and the app's
    for url in (
        f"{alpha.url}/donations/{alpha.donation.id}/receipt.pdf",
        f"{alpha.url}/donations/{alpha.donation.id}/erasure-certificate.pdf",
        f"{alpha.url}/impact.pdf",
    ):
        answer = client.get(url)
        assert answer.status_code == 200 and answer.mimetype == "application/pdf", url
        text = text_of(answer.data)
        assert alpha.donor.name in text and beta.donor.name not in text, url
        assert beta.donation.reference not in text, url


def test_every_portal_route_refuses_another_donors_donation(client, two_donors):
    alpha, beta = two_donors
    erase(beta.devices[0])
    for method, url in portal_routes(alpha, beta.donation.id)[2:]:
        answer = client.open(url, method=method, data={"verdict": "confirmed"})
        assert answer.status_code == 404, url
        assert beta.donor.name not in answer.text and beta.donation.reference not in answer.text
    assert services.latest_reviews([beta.donation.id]) == {}


def test_a_revoked_or_renewed_link_leaks_nothing(client, make_user, two_donors):
    alpha, beta = two_donors
    old = alpha.token
    services.revoke_link(alpha.donor, actor=None)
    db.session.commit()
    for method, url in portal_routes(alpha, alpha.donation.id):
        answer = client.open(url, method=method, data={"verdict": "confirmed"})
        assert answer.status_code == 404, url
        assert alpha.donor.name not in answer.text and alpha.donation.reference not in answer.text
        assert "application/pdf" not in answer.content_type
    new = services.new_link(beta.donor, actor=None)
    db.session.commit()
    assert client.get(f"/donors/portal/{beta.token}").status_code == 404
    assert client.get(f"/donors/portal/{new}").status_code == 200
    assert client.get(f"/donors/portal/{old}x").status_code == 404
    assert services.donor_for_token(new).portal_token_hash == services.token_hash(new)
    assert new not in str(db.session.execute(sa.select(AuditEntry.details)).all())


def test_each_machine_is_told_in_plain_words_without_families(client, make_donor_case):
    case = make_donor_case("Gamma Conseil", 3)
    _received, erased, recycled = case.devices
    erase(erased)
    actions.perform(recycled, "recycle", {"weight_kg": "2.1", "channel": "Ecosystem"}, actor=None)
    db.session.commit()
    page = client.get(case.url).text
    assert "Received, waiting for the workshop" in page
    assert "Being reconditioned" in page and "data erased on" in page
    assert "Recycled through ecosystem" in page  # the éco-organisme as its list spells it
    assert 'id="total-received">3<' in page and 'id="total-recycled">1<' in page


def test_the_portal_records_when_it_was_used_and_the_donor_page_shows_it(
    client, login, frozen_clock, two_donors
):
    from datetime import UTC, datetime

    alpha, _beta = two_donors
    frozen_clock(datetime(2026, 11, 20, 9, 30, tzinfo=UTC))
    client.get(alpha.url)
    state = db.session.get(DonorPortal, alpha.donor.id)
    db.session.refresh(state)
    assert state.last_used_at == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    login("coordinator")
    page = client.get(f"/donors/{alpha.donor.id}").text
    assert 'id="last-used">11/20/26' in page


def test_the_portal_speaks_the_donors_language_and_switches(client, two_donors):
    alpha, _beta = two_donors
    alpha.donor.language = "fr"
    db.session.commit()
    assert '<html lang="fr">' in client.get(alpha.url).text
    assert '<html lang="en">' in client.get(f"{alpha.url}?lang=en").text


def test_the_portal_runs_a_constant_number_of_queries(client, make_donor_case, count_queries):
    small = make_donor_case("Delta", 1)
    big = make_donor_case("Epsilon", 30)
    for device in big.devices[:10]:
        erase(device, f"D-{device.asset_tag}")
    client.get(small.url)
    with count_queries() as few:
        client.get(small.url)
    with count_queries() as many:
        client.get(big.url)
    assert len(many) == len(few)


def test_the_donor_confirms_or_flags_and_the_coordinator_sees_it(client, login, two_donors):
    alpha, _beta = two_donors
    url = f"{alpha.url}/donations/{alpha.donation.id}/review"
    refused = client.post(url, data={"verdict": "discrepancy", "comment": " "})
    assert refused.status_code == 302
    assert "say what is wrong" in client.get(alpha.url).text
    assert services.latest_reviews([alpha.donation.id]) == {}
    client.post(url, data={"verdict": "confirmed"})
    assert "List confirmed by the donor" in client.get(alpha.url).text
    comment = "Il manque le portable SN-4242 ; le numéro de série du 2e est faux."
    client.post(url, data={"verdict": "discrepancy", "comment": comment})
    login("viewer")
    donation_page = client.get(f"/donations/{alpha.donation.id}").text
    donor_page = client.get(f"/donors/{alpha.donor.id}").text
    for page in (donation_page, donor_page):
        assert "Discrepancy flagged by the donor" in page
        assert "Il manque le portable SN-4242" in page


def test_no_certificate_link_while_nothing_is_erased(client, two_donors):
    alpha, _beta = two_donors
    page = client.get(alpha.url).text
    assert "has been erased yet" in page
    assert "erasure-certificate.pdf" not in page
    answer = client.get(f"{alpha.url}/donations/{alpha.donation.id}/erasure-certificate.pdf")
    assert answer.status_code == 302

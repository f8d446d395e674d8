"""The donor's totals and impact report, with and without the metrics' provider."""

from __future__ import annotations

import io

import pypdf
import pytest

from reuse_tracker.features import registry


def text_of(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def metrics_provider(app, monkeypatch):
    """Stand in for the metrics feature's ``donor_impact`` provider (the real one is restored)."""
    calls = []

    def donor_impact(donor_id: int) -> dict:
        calls.append(donor_id)
        return {
            "received": 2,
            "reused": 1,
            "recycled": 0,
            "harvested": 0,
            "kg_kept_in_use": 1.6,
            "co2e_avoided_kg": {"substitution": 185.0, "per_year_of_use": 40.5},
            "factor_set": "ADEME 2024 v1",
            "method_note": "New-device footprint × avoided share 0.74 (ADEME Base Empreinte).",
        }

    monkeypatch.setitem(registry(app).providers, "donor_impact", donor_impact)
    return calls


@pytest.fixture
def without_metrics(app, monkeypatch):
    """A deployment without the metrics feature: no ``donor_impact`` provider."""
    monkeypatch.delitem(registry(app).providers, "donor_impact", raising=False)


def test_without_metrics_the_portal_counts_and_states_no_co2e(
    client, make_donor_case, without_metrics
):
    case = make_donor_case("Lambda SA", 2)
    page = client.get(case.url).text
    assert 'id="total-received">2<' in page and "kg CO2e" not in page
    report = text_of(client.get(f"{case.url}/impact.pdf").data)
    assert "Machines received 2" in report
    assert "not computed yet" in report and "For your CSR report" in report


def test_with_metrics_the_portal_and_the_report_give_kg_and_co2e_with_the_method(
    client, login, make_donor_case, metrics_provider
):
    case = make_donor_case("Mu Industries", 2)
    page = client.get(case.url).text
    assert 'id="total-kg">1.6<' in page
    assert "kg CO2e avoided (method: substitution)" in page and "ADEME 2024 v1" in page
    report = text_of(client.get(f"{case.url}/impact.pdf").data)
    assert "185" in report and "per_year_of_use" in report and "ADEME Base Empreinte" in report
    assert metrics_provider and set(metrics_provider) == {case.donor.id}
    login("viewer")
    staff = client.get(f"/donors/{case.donor.id}/impact.pdf")
    assert staff.status_code == 200
    assert staff.data == client.get(f"{case.url}/impact.pdf").data

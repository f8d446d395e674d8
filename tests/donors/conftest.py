"""Two donors, each with a donation and a live portal link."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from reuse_tracker.intake.models import Donation, Donor


@dataclass
class DonorCase:
    donor: Donor
    donation: Donation
    devices: list[Device]
    token: str

    @property
    def url(self) -> str:
        return f"/donors/portal/{self.token}"


def devices_of(donation: Donation) -> list[Device]:
    return list(
        db.session.scalars(
            sa.select(Device).where(Device.donation_id == donation.id).order_by(Device.asset_tag)
        )
    )


@pytest.fixture
def make_donor_case(make_donation):
    from reuse_tracker.donors import services

    def make(name: str, count: int = 2, **device_fields) -> DonorCase:
        donation = make_donation(count, donor=name, **device_fields)
        token = services.new_link(donation.donor, actor=None)
        db.session.commit()
        return DonorCase(donation.donor, donation, devices_of(donation), token)

    return make


@pytest.fixture
def two_donors(make_donor_case):
    return make_donor_case("Alpha Assurances", 2), make_donor_case("Bêta Banque", 3, brand="HP")

"""Editing a wave: its page, the guards on what is already allocated, the version, the roles."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from reuse_tracker.devices import services
from reuse_tracker.errors import ConflictError, ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.loans import wave_changes
from reuse_tracker.loans.models import Wave
from tests.loans.conftest import ACTION_DATA


def _form(wave: Wave, **changes) -> dict:
    """Return what the edit form sends for ``wave`` unchanged, with ``changes`` applied."""
    data = {
        "name": wave.name,
        "starts_on": wave.starts_on.isoformat(),
        "ends_on": wave.ends_on.isoformat() if wave.ends_on else "",
        "schools": [str(school.id) for school in wave.schools],
        "version": str(wave.version),
        **{f"target_{kind}": str(count) for kind, count in wave.targets.items()},
    }
    data.update(changes)
    return data


def _snapshot(wave: Wave) -> tuple:
    db.session.expire_all()
    wave = db.session.get(Wave, wave.id)
    schools = sorted(school.id for school in wave.schools)
    return (wave.name, wave.starts_on, wave.ends_on, wave.targets, schools, wave.version)


def _allocate(wave, school, make_family, ready_device, *, type="laptop", then=None):
    """Reserve a ready device of ``type`` for a new family of ``school`` in ``wave``."""
    device = ready_device(type)
    family = make_family(wave, school, device_type=type)
    services.perform(device, "reserve", {"family": family.reference, "wave": wave.id}, actor=None)
    for action in then or ():
        services.perform(device, action, ACTION_DATA[action], actor=None)
    db.session.commit()
    return device


def _messages(html: str) -> str:
    """Return the error summary's text, tags removed."""
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", summary))


def test_the_edit_form_is_filled_with_the_wave(client, login, make_school, make_wave):
    login("coordinator")
    covered, other = make_school(name="École Alpha"), make_school(name="École Beta")
    wave = make_wave({"laptop": 12, "tablet": 3}, schools=[covered])
    page = client.get(f"/waves/{wave.id}")
    assert f'href="/waves/{wave.id}/edit"' in page.text
    form = client.get(f"/waves/{wave.id}/edit")
    assert form.status_code == 200
    html = form.text
    assert f'value="{wave.name}"' in html and 'value="2031-09-01"' in html
    assert re.search(r'id="target_laptop" name="target_laptop" value="12"', html)
    assert re.search(r'id="target_tablet" name="target_tablet" value="3"', html)
    assert re.search(rf'<option selected value="{covered.id}">', html)
    assert not re.search(rf'<option selected value="{other.id}">', html)
    assert re.search(rf'name="version" type="hidden" value="{wave.version}"', html)


def test_editing_a_wave_shows_on_its_page_and_readiness(
    client, login, api, make_school, make_wave, ready_device
):
    login("coordinator")
    kept, dropped, added = make_school(), make_school(), make_school()
    wave = make_wave({"laptop": 10, "desktop": 4}, schools=[kept, dropped])
    version = wave.version
    ready_device("tablet")
    response = client.post(
        f"/waves/{wave.id}/edit",
        data=_form(
            wave,
            name="Mars 2031 — Bottière",
            starts_on="2031-03-15",
            ends_on="2031-03-26",
            target_laptop="20",
            target_desktop="0",
            target_tablet="5",
            schools=[str(kept.id), str(added.id)],
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/waves/{wave.id}")
    name, starts_on, ends_on, targets, schools, new_version = _snapshot(wave)
    assert (name, starts_on, ends_on) == (
        "Mars 2031 — Bottière",
        date(2031, 3, 15),
        date(2031, 3, 26),
    )
    assert targets == {"laptop": 20, "tablet": 5}
    assert schools == sorted([kept.id, added.id]) and new_version == version + 1
    page = client.get(f"/waves/{wave.id}").text
    assert "Mars 2031 — Bottière" in page and "was updated" in page
    assert 'data-type="tablet"' in page and 'data-type="desktop"' not in page
    answer = api("viewer").get(f"/waves/{wave.id}/readiness").json
    assert {kind: row["target"] for kind, row in answer["types"].items()} == targets
    assert answer["types"]["tablet"]["ready"] == 1


def test_changing_only_the_schools_moves_the_version(client, login, make_school, make_wave):
    login("coordinator")
    school = make_school()
    wave = make_wave()
    before = _snapshot(wave)
    client.post(f"/waves/{wave.id}/edit", data=_form(wave, schools=[str(school.id)]))
    after = _snapshot(wave)
    assert after[4] == [school.id] and after[5] == before[5] + 1


def test_sending_the_same_values_changes_nothing(client, login, make_wave):
    login("coordinator")
    wave = make_wave()
    before = _snapshot(wave)
    response = client.post(f"/waves/{wave.id}/edit", data=_form(wave), follow_redirects=True)
    assert "Nothing was changed" in response.text
    assert _snapshot(wave) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_on": "2031-08-31"}, "ends_on", "Ends on: must not be before the start"),
        ({"starts_on": "1er septembre"}, "starts_on", "Starts on: must be a date"),
        ({"name": " "}, "name", "Name: is required"),
        ({"target_laptop": "-2"}, "target_laptop", "Laptop: must be a whole number from 0"),
        ({"target_laptop": "2.5"}, "target_laptop", "Laptop: must be a whole number from 0"),
        ({"target_laptop": "0"}, "targets", "Target number of devices per type: give at least"),
        ({"schools": ["999999"]}, "schools", "Schools covered: unknown school: 999999"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field_and_nothing_changes(
    client, login, make_wave, changes, field, message
):
    login("coordinator")
    wave = make_wave(name="Septembre 2031")
    before = _snapshot(wave)
    response = client.post(f"/waves/{wave.id}/edit", data=_form(wave, **changes))
    assert response.status_code == 422
    assert f'href="#{field}"' in response.text
    assert message in _messages(response.text)
    assert _snapshot(wave) == before


def test_a_name_taken_by_another_wave_is_refused(client, login, make_wave):
    login("coordinator")
    make_wave(name="Février 2031")
    wave = make_wave(name="Mars 2031")
    before = _snapshot(wave)
    response = client.post(f"/waves/{wave.id}/edit", data=_form(wave, name="Février 2031"))
    assert response.status_code == 422
    assert "Name: another wave has this name" in _messages(response.text)
    assert _snapshot(wave) == before


def test_a_target_cannot_go_below_what_is_already_allocated(
    client, login, make_school, make_wave, make_family, ready_device
):
    login("coordinator")
    school = make_school()
    wave = make_wave({"laptop": 10, "tablet": 2}, schools=[school])
    _allocate(wave, school, make_family, ready_device)
    _allocate(wave, school, make_family, ready_device, then=["hand_over"])
    _allocate(wave, school, make_family, ready_device, then=["hand_over", "return"])
    # A cancelled reservation gives its device back: it does not count.
    _allocate(wave, school, make_family, ready_device, then=["cancel_reservation"])
    form = client.get(f"/waves/{wave.id}/edit").text
    assert "3 already reserved or lent" in form
    before = _snapshot(wave)
    refused = client.post(f"/waves/{wave.id}/edit", data=_form(wave, target_laptop="2"))
    assert refused.status_code == 422
    assert (
        "Laptop: cannot be lower than 3: 3 devices of type “laptop” are already reserved or "
        "handed over in this wave" in _messages(refused.text)
    )
    assert _snapshot(wave) == before
    accepted = client.post(f"/waves/{wave.id}/edit", data=_form(wave, target_laptop="3"))
    assert accepted.status_code == 302
    assert _snapshot(wave)[3] == {"laptop": 3, "tablet": 2}


def test_a_target_already_below_its_allocation_may_stay_or_rise(
    client, login, make_school, make_wave, make_family, ready_device
):
    login("coordinator")
    school = make_school()
    wave = make_wave({"laptop": 5}, schools=[school])
    for _ in range(2):
        _allocate(wave, school, make_family, ready_device, type="tablet")
    response = client.post(f"/waves/{wave.id}/edit", data=_form(wave, target_tablet="1"))
    assert response.status_code == 302
    assert _snapshot(wave)[3] == {"laptop": 5, "tablet": 1}
    lowered = client.post(f"/waves/{wave.id}/edit", data=_form(wave, target_tablet="0"))
    assert lowered.status_code == 422
    assert "2 devices of type “tablet”" in _messages(lowered.text)


def test_a_school_whose_families_have_devices_cannot_be_left_out(
    client, login, make_school, make_wave, make_family, ready_device
):
    login("coordinator")
    busy = make_school(name="École Jean-Moulin (fictive)")
    waiting = make_school(name="École Condorcet (fictive)")
    wave = make_wave(schools=[busy, waiting])
    _allocate(wave, busy, make_family, ready_device, then=["hand_over"])
    make_family(wave, waiting)
    form = client.get(f"/waves/{wave.id}/edit").text
    assert "cannot be left out: École Jean-Moulin (fictive)." in form
    before = _snapshot(wave)
    refused = client.post(f"/waves/{wave.id}/edit", data=_form(wave, schools=[]))
    assert refused.status_code == 422
    assert (
        "Schools covered: cannot leave out École Jean-Moulin (fictive): its families already "
        "have devices reserved or lent in this wave" in _messages(refused.text)
    )
    assert "Condorcet" not in _messages(refused.text)
    assert _snapshot(wave) == before
    # A school whose families are only waiting may be left out; they stay on the waiting list.
    accepted = client.post(f"/waves/{wave.id}/edit", data=_form(wave, schools=[str(busy.id)]))
    assert accepted.status_code == 302
    assert _snapshot(wave)[4] == [busy.id]


def test_a_closed_wave_keeps_its_targets_and_schools_but_its_name_can_be_corrected(
    client, login, make_school, make_wave
):
    login("coordinator")
    school, other = make_school(), make_school()
    wave = make_wave({"laptop": 10}, schools=[school], is_open=False)
    form = client.get(f"/waves/{wave.id}/edit").text
    assert "This wave is closed" in form and "Reopen the wave to change them" in form
    assert re.search(r'<fieldset class="col-md-6" id="targets" disabled>', form)
    assert re.search(r'<select[^>]*disabled[^>]*name="schools"', form)
    # Disabled inputs are not sent; any that are (a crafted form) are left aside.
    response = client.post(
        f"/waves/{wave.id}/edit",
        data=_form(wave, name="Vague close corrigée", target_laptop="1", schools=[str(other.id)]),
    )
    assert response.status_code == 302
    name, _starts, _ends, targets, schools, _version = _snapshot(wave)
    assert (name, targets, schools) == ("Vague close corrigée", {"laptop": 10}, [school.id])


def test_the_service_refuses_new_targets_or_schools_for_a_closed_wave(
    app_ctx, make_school, make_wave
):
    school = make_school()
    wave = make_wave({"laptop": 10}, is_open=False)
    with pytest.raises(ValidationError) as refused:
        wave_changes.update_wave(wave, {"targets": {"laptop": 12}, "schools": [school.id]}, None)
    assert refused.value.fields == {
        "targets": "the wave is closed: reopen it to change its targets",
        "schools": "the wave is closed: reopen it to change its schools",
    }


def test_a_form_sent_from_an_older_version_is_refused_with_the_current_one(
    client, login, make_wave
):
    login("coordinator")
    wave = make_wave({"laptop": 10}, name="Avril 2031")
    stale = _form(wave, name="Avril 2031 — mine", target_laptop="15")
    # Meanwhile, someone else renames the wave.
    other = client.post(f"/waves/{wave.id}/edit", data=_form(wave, name="Avril 2031 — theirs"))
    assert other.status_code == 302
    before = _snapshot(wave)
    response = client.post(f"/waves/{wave.id}/edit", data=stale)
    assert response.status_code == 409
    assert "was changed by someone else meanwhile: nothing was saved" in response.text
    assert 'value="Avril 2031 — theirs"' in response.text
    assert re.search(rf'name="version" type="hidden" value="{before[5]}"', response.text)
    assert _snapshot(wave) == before


def test_closing_the_wave_makes_an_open_form_stale(client, login, make_wave):
    login("coordinator")
    wave = make_wave()
    stale = _form(wave, target_laptop="40")
    client.post(f"/waves/{wave.id}/status", data={"open": "0"})
    before = _snapshot(wave)
    assert client.post(f"/waves/{wave.id}/edit", data=stale).status_code == 409
    missing_version = {k: v for k, v in _form(wave).items() if k != "version"}
    assert client.post(f"/waves/{wave.id}/edit", data=missing_version).status_code == 409
    assert _snapshot(wave) == before


def test_a_change_written_between_reading_and_saving_is_refused(app_ctx, make_wave):
    wave = make_wave()
    version = wave.version
    with db.engine.begin() as connection:  # another worker, behind this session's back
        connection.execute(sa.update(Wave).where(Wave.id == wave.id).values(version=version + 1))
    with pytest.raises(ConflictError, match="changed by someone else meanwhile"):
        wave_changes.update_wave(wave, {"name": "Renamed"}, version)
    db.session.rollback()
    assert db.session.get(Wave, wave.id).name != "Renamed"


def test_the_edit_page_runs_a_constant_number_of_queries(
    client, login, count_queries, make_school, make_wave, make_family, ready_device
):
    login("coordinator")
    school = make_school()
    wave = make_wave({"laptop": 30, "tablet": 5}, schools=[school])
    counts = []
    for more in (1, 4):
        for _ in range(more):
            other = make_school()
            wave.schools.append(other)
            db.session.commit()
            _allocate(wave, other, make_family, ready_device)
            _allocate(wave, school, make_family, ready_device, type="tablet")
        with count_queries() as statements:
            page = client.get(f"/waves/{wave.id}/edit")
        assert page.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("role", ["viewer", "workshop", "mediator"])
def test_only_wave_planners_may_edit(client, login, make_wave, role):
    login(role)
    wave = make_wave()
    before = _snapshot(wave)
    assert f"/waves/{wave.id}/edit" not in client.get(f"/waves/{wave.id}").text
    assert client.get(f"/waves/{wave.id}/edit").status_code == 403
    response = client.post(f"/waves/{wave.id}/edit", data=_form(wave, name="Renamed"))
    assert response.status_code == 403
    assert _snapshot(wave) == before


def test_the_edit_button_speaks_french(client, login, make_wave, french):
    login("admin")
    wave = make_wave()
    page = client.get(f"/waves/{wave.id}").text
    assert re.search(rf'href="/waves/{wave.id}/edit">.*Modifier</a>', page)

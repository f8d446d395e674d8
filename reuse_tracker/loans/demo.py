"""The loans part of the demo (Nantes' 2021 plan): schools, associations, waves, families, loans.

Call ``load_loans_demo(users, calendar)`` once the devices exist (after the main demo's
timeline): it records the catalogue, refers the families, then plays the waves in time order
through the real services (allocation, reservations, hand-over days, returns, a re-lent
device, losses, transfers). The waves are written in the plan's 2021 reference calendar and
moved to the plan's year by ``calendar`` (see ``reuse_tracker.demo.PlanCalendar``). Every
school, UAI code and person is fictional. Flushes; the caller commits.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone

from reuse_tracker.auth.models import Role, User
from reuse_tracker.demo_calendar import PlanCalendar
from reuse_tracker.loans import families, programme
from reuse_tracker.loans.demo_timeline import play_waves
from reuse_tracker.loans.models import School, Wave
from reuse_tracker.loans.uai import check_letter

SEED = 2021
ASSOCIATIONS = ("ID Numéric", "Alis 44", "Naga", "Cemea", "PiNG", "Accoord")


@dataclass(frozen=True)
class SchoolProfile:
    name: str
    network: str
    neighbourhood: str
    association: str


# fmt: off
SCHOOLS = (
    SchoolProfile("École élémentaire des Ormeaux (fictive)", "REP+", "Bellevue", "Accoord"),
    SchoolProfile("École élémentaire du Belvédère (fictive)", "REP+", "Bellevue", "ID Numéric"),
    SchoolProfile("École élémentaire des Tilleuls bleus (fictive)", "REP+", "Bellevue", "Alis 44"),
    SchoolProfile("École élémentaire des Marronniers (fictive)", "REP+", "Bottière", "PiNG"),
    SchoolProfile("École élémentaire de la Prairie haute (fictive)", "REP+", "Bottière", "Naga"),
    SchoolProfile("École élémentaire du Bois joli (fictive)", "REP+", "Nantes Nord", "Cemea"),
    SchoolProfile("École élémentaire des Ajoncs (fictive)", "REP+", "Nantes Nord", "Accoord"),
    SchoolProfile("École élémentaire des Mariniers (fictive)", "REP", "Malakoff", "Alis 44"),
    SchoolProfile("École élémentaire du Pré gauche (fictive)", "REP", "Malakoff", "ID Numéric"),
    SchoolProfile("École élémentaire des Lilas blancs (fictive)", "REP", "Dervallières", "Naga"),
    SchoolProfile("École élémentaire du Clos fleuri (fictive)", "REP", "Dervallières", "PiNG"),
    SchoolProfile("École élémentaire des Érables (fictive)", "REP", "Breil", "Cemea"),
    SchoolProfile("École élémentaire des Hirondelles (fictive)", "REP", "Clos Toreau", "Accoord"),
    SchoolProfile("École élémentaire de la Grande Ourse (fictive)", "REP", "Port-Boyer", "Alis 44"),
)


@dataclass(frozen=True)
class WavePlan:
    name: str
    starts_on: date
    ends_on: date
    targets: dict[str, int]
    neighbourhoods: tuple[str, ...]
    #: Families referred, and when the referrals came in.
    families: int
    referred: tuple[date, date]
    classes: tuple[str, ...]
    #: Days the coordinator allocates the ready stock to the waiting list.
    rounds: tuple[date, ...]
    closes: bool


PRIMARY = ("CP", "CE1", "CE2", "CM1", "CM2")
#: The four waves in the reference calendar (names and dates of 2021), moved by ``dated``.
WAVES = (
    WavePlan("Février 2021 — Cité éducative Bellevue", date(2021, 2, 1), date(2021, 2, 12),
             {"laptop": 150, "desktop": 10}, ("Bellevue",), 160,
             (date(2020, 12, 1), date(2021, 1, 22)), PRIMARY, (date(2021, 1, 27),), True),
    WavePlan("Mars 2021 — Bottière et Nantes Nord", date(2021, 3, 15), date(2021, 3, 26),
             {"laptop": 140, "desktop": 10}, ("Bottière", "Nantes Nord"), 150,
             (date(2021, 1, 25), date(2021, 3, 5)), PRIMARY, (date(2021, 3, 9),), True),
    WavePlan("Avril–mai 2021 — Autres écoles REP et REP+", date(2021, 4, 26), date(2021, 5, 28),
             {"laptop": 320, "desktop": 20, "tablet": 10},
             ("Malakoff", "Dervallières", "Breil", "Clos Toreau", "Port-Boyer"), 350,
             (date(2021, 3, 1), date(2021, 4, 16)), PRIMARY,
             (date(2021, 4, 20), date(2021, 5, 4), date(2021, 5, 18), date(2021, 6, 1)), False),
    WavePlan("Septembre 2021 — Nouveaux élèves de CM1 et CM2", date(2021, 9, 6),
             date(2021, 10, 15), {"laptop": 90, "desktop": 10, "tablet": 10},
             ("Bellevue", "Bottière", "Nantes Nord", "Malakoff", "Dervallières", "Breil",
              "Clos Toreau", "Port-Boyer"), 60, (date(2021, 5, 17), date(2021, 6, 9)),
             ("CM1", "CM2"), (date(2021, 6, 10),), False),
)

FIRST_NAMES = ("Amina", "Fatou", "Sophie", "Nadia", "Leïla", "Aïcha", "Julie", "Mariam",
               "Sandrine", "Khadija", "Céline", "Aurélie", "Yasmina", "Hawa", "Élodie", "Samira",
               "Karima", "Nathalie", "Awa", "Rachida", "Karim", "Thierry", "Youssef",
               "Mamadou", "Sébastien", "Ibrahima", "Stéphane", "Omar", "David", "Kevin")
LAST_NAMES = ("Martin", "Bernard", "Diallo", "Benali", "Traoré", "Moreau", "Petit", "Haddad",
              "Camara", "Roux", "Mansouri", "Girard", "Keita", "Fontaine", "Cissé", "Leroy",
              "Bouzid", "Garnier", "Sow", "Chevalier", "Ndiaye", "Lambert", "Rahmani", "Faure")
STREETS = ("rue des Exemples", "allée des Songes", "rue de l'Imaginaire", "square du Conte",
           "boulevard de la Fable", "impasse des Rêves", "place de la Légende")
# fmt: on

PARIS = timezone(timedelta(hours=1))


def fictional_uai(number: int) -> str:
    """Return a format-valid UAI in a range no real school uses (0449 9xx)."""
    digits = f"04499{number:02d}"
    return digits + check_letter(digits)


def create_catalogue() -> tuple[dict[str, list[School]], dict[str, int]]:
    """Record the associations and the schools; return schools by neighbourhood."""
    associations = {name: programme.create_association({"name": name}).id for name in ASSOCIATIONS}
    by_neighbourhood: dict[str, list[School]] = {}
    for number, profile in enumerate(SCHOOLS, 1):
        school = programme.create_school(
            {
                "name": profile.name,
                "uai": fictional_uai(number),
                "network": profile.network,
                "neighbourhood": profile.neighbourhood,
                "is_priority_neighbourhood": True,
            }
        )
        by_neighbourhood.setdefault(profile.neighbourhood, []).append(school)
    return by_neighbourhood, associations


def _school_association(school: School) -> str:
    return next(p.association for p in SCHOOLS if p.name == school.name)


def refer_families(
    rng: random.Random,
    plan: WavePlan,
    wave: Wave,
    schools: Sequence[School],
    associations: dict[str, int],
    coordinator: User,
) -> None:
    """Refer the wave's families, in referral order, through the family service."""
    first, last = plan.referred
    days = sorted(
        first + timedelta(days=rng.randint(0, (last - first).days)) for _ in range(plan.families)
    )
    kinds = [
        kind
        for kind, count in plan.targets.items()
        for _ in range(round(count * plan.families / sum(plan.targets.values())))
    ]
    for referred_on in days:
        school = rng.choice(schools)
        data = _family_data(rng, plan, school, kinds)
        data.update(
            referred_on=referred_on,
            wave=wave.id,
            association=associations[_school_association(school)],
        )
        family = families.create_family(data, coordinator)
        moment = datetime.combine(referred_on, time(rng.randint(9, 16), rng.randint(0, 59)), PARIS)
        family.consent_on, family.created_at = referred_on, moment


def _family_data(rng: random.Random, plan: WavePlan, school: School, kinds: Sequence[str]) -> dict:
    """Return a referral as the family service takes it, with fictional contact details."""
    needs = (
        ["computer"]
        + (["connection"] if rng.random() < 0.3 else [])
        + (["support"] if rng.random() < 0.6 else [])
    )
    return {
        "referral_source": rng.choices(("school", "social_services", "association"), (70, 20, 10))[
            0
        ],
        "school": school.id,
        "child_class": rng.choice(plan.classes),
        "neighbourhood": school.neighbourhood,
        "needs": needs,
        "device_type": rng.choice(kinds) if kinds else "laptop",
        **_contact(rng),
        "consent": True,
    }


def _contact(rng: random.Random) -> dict[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    contact = {
        "parent_name": f"{first} {last}",
        "phone": f"06 39 98 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}",
        "address": f"{rng.randint(1, 60)} {rng.choice(STREETS)} (fictive), "
        f"{rng.choice(('44100', '44200', '44300'))} Nantes",
    }
    if rng.random() < 0.4:
        ascii_name = f"{first}.{last}".lower().translate(str.maketrans("ïéèë", "ieee"))
        contact["email"] = f"{ascii_name}{rng.randint(1, 99)}@courriel.example"
    return contact


def dated(plan: WavePlan, calendar: PlanCalendar) -> WavePlan:
    """Return the wave moved to the plan's calendar: its dates, and the years in its name."""
    return replace(
        plan,
        name=calendar.years(plan.name),
        starts_on=calendar.on(plan.starts_on),
        ends_on=calendar.on(plan.ends_on),
        referred=(calendar.on(plan.referred[0]), calendar.on(plan.referred[1])),
        rounds=tuple(calendar.on(day) for day in plan.rounds),
    )


def load_loans_demo(users: Sequence[User], calendar: PlanCalendar, seed: int = SEED) -> None:
    """Write the loans part of the demo programme; flush (the caller commits)."""
    rng = random.Random(seed)
    coordinator = next(u for u in users if u.role == Role.COORDINATOR)
    by_neighbourhood, associations = create_catalogue()
    waves = []
    for plan in (dated(reference, calendar) for reference in WAVES):
        schools = [s for n in plan.neighbourhoods for s in by_neighbourhood.get(n, [])]
        wave = programme.create_wave(
            {
                "name": plan.name,
                "starts_on": plan.starts_on,
                "ends_on": plan.ends_on,
                "targets": plan.targets,
                "schools": [s.id for s in schools],
            }
        )
        wave.created_at = datetime.combine(plan.referred[0], time(9), PARIS)
        refer_families(rng, plan, wave, schools, associations, coordinator)
        waves.append((plan, wave))
    play_waves(rng, waves, users, calendar)
    for plan, wave in waves:
        if plan.closes:
            wave.is_open = False

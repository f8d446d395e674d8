"""The programme's figures for a period, as ``GET /api/v1/metrics`` answers them.

A closed period (its end before today) keeps the figures and the factor set it was first
computed with (``PeriodFigures``) until ``flask metrics recompute``; an open period is
computed with the set in use, and each worker keeps it for ``METRICS_MAX_AGE`` seconds: the
figures read the whole programme's history (a second at 100,000 devices).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app

from reuse_tracker import clock
from reuse_tracker.devices.models import DEVICE_TYPES
from reuse_tracker.extensions import db
from reuse_tracker.features import registry
from reuse_tracker.metrics import aggregates, factors, impact
from reuse_tracker.metrics.aggregates import Period
from reuse_tracker.metrics.models import FactorSet, PeriodFigures
from reuse_tracker.workshop.weee import WASTE_CODES

#: An open period's figures lately computed by this worker: (start, end, set) -> (when, figures).
_recent: dict[tuple[date, date, int], tuple[datetime, dict[str, Any]]] = {}
#: Periods kept at most (the default one, and the few others people look at).
RECENT_PERIODS = 16
#: The dashboard card's count of families equipped, when this worker counted it alone lately:
#: (start, end) -> (when, count).
_recent_equipped: dict[tuple[date, date], tuple[datetime, int]] = {}

LOAN_FIGURES = ("loans_started", "re_loans", "returns", "lost", "transferred", "devices_on_loan")


def default_period() -> Period:
    """Return the current school year (1 September to 31 August)."""
    return aggregates.school_year(clock.today())


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _sum(table: dict[str, dict[str, Any]], key: str) -> float:
    return sum(float(row.get(key) or 0) for row in table.values())


def support_figures(period: Period) -> dict[str, int | None]:
    """Ask the loans side for the families accompanied and connected, if it records them."""
    provider = registry().providers.get("support_figures")
    if provider is None:
        return {"families_accompanied": None, "families_connected": None}
    found = provider(period.start, period.end)
    return {
        "families_accompanied": found.get("families_accompanied"),
        "families_connected": found.get("families_connected"),
    }


def equipment(period: Period, loans, events, reused: int, received: int) -> dict[str, Any]:
    """Return the equipment part of the figures (six grouped queries)."""
    equipped, equipped_at_end = aggregates.families_equipped(period)
    schools = aggregates.families_by_school(period)
    neighbourhoods: dict[tuple[str, bool], dict[str, Any]] = {}
    networks: dict[str, int] = {}
    for school in schools:
        key = (school["neighbourhood"] or "", bool(school["is_qpv"]))
        entry = neighbourhoods.setdefault(
            key, {"neighbourhood": key[0], "is_qpv": key[1], "families_equipped": 0}
        )
        entry["families_equipped"] += school["families_equipped"]
        network = school["network"] or "none"
        networks[network] = networks.get(network, 0) + school["families_equipped"]
    made_ready = int(_sum(events, "made_ready"))
    weeks = max(period.elapsed_days / 7, 1)
    config = current_app.config
    return {
        "target": int(config.get("PROGRAMME_TARGET", 660)),
        "families_equipped": equipped,
        "families_equipped_at_end": equipped_at_end,
        **{name: int(_sum(loans, name)) for name in LOAN_FIGURES},
        "median_days_intake_to_family": aggregates.median_days_to_family(period),
        "workshop_ready_per_week": round(made_ready / weeks, 1),
        "yield": _ratio(reused, received),
        **support_figures(period),
        "support_target": int(config.get("SUPPORT_TARGET", 2500)),
        "by_wave": aggregates.by_wave(period),
        "by_school": [s for s in schools if s["id"] is not None],
        "by_neighbourhood": sorted(neighbourhoods.values(), key=lambda n: n["neighbourhood"]),
        "by_network": networks,
        "by_qpv": {
            "qpv": sum(n["families_equipped"] for n in neighbourhoods.values() if n["is_qpv"]),
            "other": sum(
                n["families_equipped"] for n in neighbourhoods.values() if not n["is_qpv"]
            ),
        },
        "equipped_by_month": aggregates.first_equipped_by_month(period),
    }


def factors_answer(factor_set: impact.FactorSet) -> dict[str, Any]:
    return {
        "version": factor_set.version,
        "published_on": factor_set.published_on.isoformat(),
        "source": factor_set.source,
        "avoided_share": factor_set.avoided_share,
        "by_type": {
            kind: {
                "new_device_kg_co2e": row.new_device_kg_co2e,
                "avoided_kg_co2e_per_year_of_reuse": row.avoided_kg_co2e_per_year,
                "per_year_used": round(row.per_year(factor_set.avoided_share), 3),
                "typical_weight_kg": row.typical_weight_kg,
                "reference_life_years": row.reference_life_years,
                "source": row.source,
            }
            for kind, row in factor_set.types.items()
        },
    }


def circular(period: Period, factor_set: impact.FactorSet, loans, events, reused_rows, received):
    """Return the circular-economy part of the figures (one more grouped query)."""
    activity = {
        kind: impact.TypeActivity(
            reused=int(reused_rows.get(kind, {}).get("reused") or 0),
            recorded_kg=float(reused_rows.get(kind, {}).get("recorded_kg") or 0),
            without_weight=int(reused_rows.get(kind, {}).get("without_weight") or 0),
            years_on_loan=float(loans.get(kind, {}).get("years_on_loan") or 0),
        )
        for kind in set(reused_rows) | set(loans)
    }
    result = impact.impact(activity, factor_set)
    reused = int(_sum(reused_rows, "reused"))
    disposed = int(_sum(events, "disposed_unused"))
    harvested, installed = aggregates.parts(period)
    kinds = sorted(set(received) | set(events) | set(result.by_type), key=_type_order)
    return {
        "devices_received": sum(received.values()),
        "devices_reused": reused,
        "devices_recycled": int(_sum(events, "recycled")),
        "devices_harvested": int(_sum(events, "harvested")),
        "reuse_rate": _ratio(reused, reused + disposed),
        "kg_kept_in_use": round(result.kg_kept_in_use, 2),
        "kg_weee": round(_sum(events, "kg_weee"), 2),
        "parts_harvested": harvested,
        "parts_reused": installed,
        "co2e_avoided_kg": {m: round(v, 1) for m, v in result.co2e_avoided_kg.items()},
        "by_type": [
            {
                "device_type": kind,
                "received": received.get(kind, 0),
                "reused": int(reused_rows.get(kind, {}).get("reused") or 0),
                "harvested": int(events.get(kind, {}).get("harvested") or 0),
                "recycled": int(events.get(kind, {}).get("recycled") or 0),
                "kg_kept_in_use": round(result.by_type.get(kind, {}).get("kg_kept_in_use", 0), 2),
                "kg_weee": round(float(events.get(kind, {}).get("kg_weee") or 0), 2),
                "waste_code": WASTE_CODES.get(kind, ""),
                "years_on_loan": round(float(loans.get(kind, {}).get("years_on_loan") or 0), 3),
                "co2e_avoided_kg": {
                    m: round(result.by_type.get(kind, {}).get(m, 0), 1) for m in impact.METHODS
                },
            }
            for kind in kinds
        ],
        "uncovered_types": result.uncovered,
        "factors": factors_answer(factor_set),
        "methods": {**impact.METHOD_NOTES, "parts": impact.PARTS_NOTE},
    }


def _type_order(kind: str) -> tuple[int, str]:
    return (DEVICE_TYPES.index(kind) if kind in DEVICE_TYPES else len(DEVICE_TYPES), kind)


def compute(period: Period, factor_set: FactorSet) -> dict[str, Any]:
    """Compute every figure of ``period`` with ``factor_set`` (a fixed number of queries)."""
    pure = factors.as_pure(factor_set)
    stock, received_by_type = aggregates.devices_by_type(period)
    loans = aggregates.loans_by_type(period)
    reused_rows = aggregates.reused_by_type(period)
    reused, received = int(_sum(reused_rows, "reused")), sum(received_by_type.values())
    events = aggregates.events_by_type(period)
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
        "computed_at": clock.now().isoformat(timespec="seconds"),
        "stock": stock,
        "equipment": equipment(period, loans, events, reused, received),
        "circular": circular(period, pure, loans, events, reused_rows, received_by_type),
    }


def for_period(period: Period, *, recompute: bool = False) -> dict[str, Any]:
    """Return the figures of ``period``: kept ones for a closed period, else recent ones."""
    closed = period.end < clock.today()
    kept = (
        db.session.scalar(
            sa.select(PeriodFigures).where(
                PeriodFigures.starts_on == period.start, PeriodFigures.ends_on == period.end
            )
        )
        if closed
        else None
    )
    if kept is not None and not recompute:
        return kept.figures
    factor_set = factors.current()
    if not closed:
        return _recent_figures(period, factor_set, recompute)
    figures = compute(period, factor_set)
    if kept is None:
        kept = PeriodFigures(starts_on=period.start, ends_on=period.end)
        db.session.add(kept)
    kept.factor_set_id, kept.figures, kept.computed_at = factor_set.id, figures, clock.now()
    db.session.flush()
    factors.mark_changed()
    return figures


def _fresh(when: datetime) -> bool:
    """Tell whether figures computed ``when`` are younger than ``METRICS_MAX_AGE``."""
    return 0 <= (clock.now() - when).total_seconds() < current_app.config["METRICS_MAX_AGE"]


def _recent_figures(period: Period, factor_set: FactorSet, recompute: bool) -> dict[str, Any]:
    key = (period.start, period.end, factor_set.id)
    found = _recent.get(key)
    if found and not recompute and _fresh(found[0]):
        return found[1]
    figures = compute(period, factor_set)
    _keep(_recent, key, figures)
    return figures


def _keep(kept: dict, key: tuple, value: Any) -> None:
    """Keep ``value`` with the time, for ``METRICS_MAX_AGE`` (if any), dropping the oldest of
    ``kept`` beyond ``RECENT_PERIODS``."""
    if current_app.config["METRICS_MAX_AGE"] > 0:
        if len(kept) >= RECENT_PERIODS:
            kept.pop(min(kept, key=lambda k: kept[k][0]))
        kept[key] = (clock.now(), value)


def _latest(period: Period) -> tuple[datetime, dict[str, Any]] | None:
    """The (when, figures) this worker computed last for ``period``, with any factor set."""
    entries = [
        entry
        for (start, end, _set), entry in _recent.items()
        if (start, end) == (period.start, period.end)
    ]
    return max(entries, key=lambda entry: entry[0], default=None)


def recent(period: Period) -> dict[str, Any] | None:
    """The open period's figures this worker computed lately, if still fresh (else None)."""
    latest = _latest(period)
    return latest[1] if latest and _fresh(latest[0]) else None


def families_equipped(period: Period) -> int:
    """The families equipped during ``period``, as the figures count them: from the figures
    this worker computed lately, else counted and kept as long as they would be.

    The count reads every loan handed over (24 ms on SQLite at 100,000 devices): without
    keeping it, every dashboard whose worker had not shown the figures page lately paid it.
    """
    kept = recent(period)
    if kept is not None:
        return kept["equipment"]["families_equipped"]
    key = (period.start, period.end)
    found = _recent_equipped.get(key)
    if found is not None and _fresh(found[0]):
        return found[1]
    equipped, _at_end = aggregates.families_equipped(period)
    _keep(_recent_equipped, key, equipped)
    return equipped


def forget() -> None:
    """Drop what this worker keeps of open periods' figures and counts (the tests start clean)."""
    _recent.clear()
    _recent_equipped.clear()


def computed_at(period: Period) -> datetime | None:
    """When this worker computed the open period's figures it shows (None: not kept)."""
    latest = _latest(period)
    return latest[0] if latest else None


def recompute_all() -> list[tuple[date, date]]:
    """Recompute every kept period with the set in use; return the periods. Flush."""
    kept = db.session.scalars(sa.select(PeriodFigures).order_by(PeriodFigures.starts_on)).all()
    done = []
    for row in kept:
        for_period(Period(row.starts_on, row.ends_on), recompute=True)
        done.append((row.starts_on, row.ends_on))
    return done

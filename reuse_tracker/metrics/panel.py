"""The dashboard's target card: families equipped against the target, and the next wave."""

from __future__ import annotations

from typing import Any

from flask import current_app

from reuse_tracker.loans.queries import next_wave_panel
from reuse_tracker.metrics import figures
from reuse_tracker.metrics.figures import default_period
from reuse_tracker.policy import FIGURES


def target_panel(user) -> dict[str, Any] | None:
    """Return the card's figures for staff who read them (the wave's four queries, and a count
    of the families equipped when the worker has not kept one lately)."""
    if not user.has_role(*FIGURES):
        return None
    period = default_period()
    equipped = figures.families_equipped(period)  # kept by the worker as the figures are
    target = int(current_app.config.get("PROGRAMME_TARGET", 660))
    wave = next_wave_panel(user)
    return {
        "period": period,
        "equipped": equipped,
        "target": target,
        "percent": min(100, round(100 * equipped / target)) if target else 0,
        "wave": wave["wave"],
        "verdict": wave["figures"].verdict if wave["figures"] else None,
    }

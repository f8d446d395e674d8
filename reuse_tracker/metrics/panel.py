"""The dashboard's target card: families equipped against the target, and the next wave."""

from __future__ import annotations

from typing import Any

from flask import current_app

from reuse_tracker.loans.queries import next_wave_panel
from reuse_tracker.metrics import aggregates, figures
from reuse_tracker.metrics.figures import default_period
from reuse_tracker.policy import FIGURES


def target_panel(user) -> dict[str, Any] | None:
    """Return the card's figures for staff who read them (one query and the wave's four)."""
    if not user.has_role(*FIGURES):
        return None
    period = default_period()
    kept = figures.recent(period)  # the figures page's, when a worker computed them lately
    if kept is not None:
        equipped = kept["equipment"]["families_equipped"]
    else:
        equipped, _at_end = aggregates.families_equipped(period)
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

"""Pages that belong to no one feature: the dashboard, health check, language switch."""

from reuse_tracker.main.views import bp

__all__ = ["bp"]

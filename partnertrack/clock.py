"""Today's date for the app, in one place so tests and the reveal rule agree."""

from __future__ import annotations

from datetime import date

from flask import current_app


def today() -> date:
    """Today's date, or the configured TODAY (an ISO date) when a test or demo fixes the clock."""
    fixed = current_app.config.get("TODAY")
    if fixed:
        return fixed if isinstance(fixed, date) else date.fromisoformat(str(fixed))
    return date.today()

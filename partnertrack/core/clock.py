"""The app's clock: the one place that reads the time, so tests and demos can fix it.

Set ``NOW`` (an aware datetime or ISO text) or ``TODAY`` (a date or ISO text) in the
configuration to fix it; a test moves time on by changing the setting, never by sleeping.
Outside an application context (pure code, scripts) the real clock answers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import current_app, has_app_context


def _setting(name: str):
    """A clock setting of the current app, or None outside an app."""
    return current_app.config.get(name) if has_app_context() else None


def now() -> datetime:
    """The current time, aware, in UTC (the configured NOW when one is set)."""
    fixed = _setting("NOW")
    if fixed:
        value = fixed if isinstance(fixed, datetime) else datetime.fromisoformat(str(fixed))
        return as_utc(value)
    return datetime.now(UTC)


def today() -> date:
    """Today's date: the configured TODAY, else the date of the configured NOW, else the real date."""
    fixed = _setting("TODAY")
    if fixed:
        return fixed if isinstance(fixed, date) else date.fromisoformat(str(fixed))
    if _setting("NOW"):
        return now().date()
    return date.today()


def utcnow() -> datetime:
    """The current time in UTC, for column defaults (callable, so it is read at each insert)."""
    return now()


def as_utc(value: datetime) -> datetime:
    """Treat a naive datetime (as SQLite gives it back) as the UTC it was stored as."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)

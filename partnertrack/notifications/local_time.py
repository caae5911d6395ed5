"""Times shown in the viewer's own time zone (the one chosen under "Email" settings, else the default).

Stored times are UTC; a page shows them where the reader lives. Dates of sessions are
calendar days and are never converted.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g
from flask_login import current_user

from partnertrack.core.filters import date_time
from partnertrack.notifications.schedule import zone
from partnertrack.notifications.settings import time_zone_of


def viewer_zone() -> ZoneInfo:
    """The logged-in viewer's time zone, looked up once per request; the default for anyone else."""
    if "viewer_zone" not in g:
        if current_user.is_authenticated:
            g.viewer_zone = time_zone_of(current_user.id)
        else:
            g.viewer_zone = zone(None, current_app.config["DEFAULT_TIME_ZONE"])
    return g.viewer_zone


def local_time(value: datetime | None, fmt: str | None = None) -> str:
    """A stored time as the viewer's wall-clock time, in the viewer's language ("" for none).

    A naive value is UTC (SQLite). ``fmt`` (strftime) is for machine-like text only.
    """
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(viewer_zone())
    return local.strftime(fmt) if fmt else date_time(local)


def register(app: Flask) -> None:
    """The ``local_time`` filter and ``viewer_zone`` for every template."""
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.globals["viewer_zone"] = viewer_zone

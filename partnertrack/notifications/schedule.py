"""When mail may go out: quiet hours in the person's time zone, reminder and digest timing (pure).

Every time here is an aware datetime; the callers pass the app's clock (core/clock.now), so
tests move time by setting it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


def zone(name: str | None, fallback: str = "UTC") -> ZoneInfo:
    """The time zone called ``name``, else ``fallback`` (an unknown name never raises)."""
    for candidate in (name, fallback, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def is_zone(name: str) -> bool:
    """True for an IANA time zone name this machine knows."""
    return name in zone_names()


_ZONES: list[str] = []


def zone_names() -> list[str]:
    """Every IANA time zone name, sorted (read once)."""
    if not _ZONES:
        _ZONES.extend(sorted(available_timezones()))
    return _ZONES


def in_quiet_hours(moment: datetime, tz: ZoneInfo, quiet: tuple[int, int]) -> bool:
    """True between quiet[0]:00 and quiet[1]:00 local time (21 and 8: from 21:00 to 07:59)."""
    start, end = quiet
    hour = moment.astimezone(tz).hour
    if start > end:
        return hour >= start or hour < end
    return start <= hour < end


def quiet_hours_end(moment: datetime, tz: ZoneInfo, quiet: tuple[int, int]) -> datetime:
    """The first moment at or after ``moment`` outside the quiet hours (``moment`` itself when it is)."""
    if not in_quiet_hours(moment, tz, quiet):
        return moment
    local = moment.astimezone(tz)
    day = local.date() if local.hour < quiet[1] else local.date() + timedelta(days=1)
    return datetime.combine(day, time(quiet[1]), tzinfo=tz)


def reminder_window(sent_at: datetime, after_hours: float, link_hours: float) -> tuple[datetime, datetime]:
    """When a reminder for a form link mailed at ``sent_at`` is due: from ``after_hours`` on, while the link lives."""
    return sent_at + timedelta(hours=after_hours), sent_at + timedelta(hours=link_hours)


def iso_week(moment: datetime, tz: ZoneInfo) -> str:
    """The person's ISO week of ``moment`` ("2026-W49")."""
    year, week, _ = moment.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def digest_due(moment: datetime, tz: ZoneInfo, quiet: tuple[int, int]) -> bool:
    """A weekly digest goes out on Monday, once the person's quiet hours are over."""
    local = moment.astimezone(tz)
    return local.weekday() == 0 and not in_quiet_hours(moment, tz, quiet)

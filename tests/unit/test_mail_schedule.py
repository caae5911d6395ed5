"""When mail may go out (quiet hours, digest day), the retry backoff, and how SMTP answers are read."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime

import pytest

from partnertrack.core.email import classify
from partnertrack.core.tasks import backoff_seconds
from partnertrack.notifications.schedule import digest_due, in_quiet_hours, iso_week, quiet_hours_end, zone

QUIET = (21, 8)
BERLIN = zone("Europe/Berlin")


@pytest.mark.parametrize(
    ("utc", "quiet"),
    [
        ("2026-07-01T18:59", False),  # 20:59 in Berlin (summer time, UTC+2)
        ("2026-07-01T19:00", True),  # 21:00
        ("2026-07-01T05:59", True),  # 07:59
        ("2026-07-01T06:00", False),  # 08:00
        ("2026-12-01T19:59", False),  # 20:59 in winter (UTC+1)
        ("2026-12-01T20:00", True),
    ],
)
def test_quiet_hours_follow_the_persons_time_zone_and_summer_time(utc, quiet):
    moment = datetime.fromisoformat(utc).replace(tzinfo=UTC)
    assert in_quiet_hours(moment, BERLIN, QUIET) is quiet


def test_the_end_of_quiet_hours_is_the_next_8_oclock_local():
    evening = datetime(2026, 12, 1, 21, 30, tzinfo=UTC)  # 22:30 in Berlin
    assert quiet_hours_end(evening, BERLIN, QUIET) == datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    night = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 04:00 in Berlin
    assert quiet_hours_end(night, BERLIN, QUIET) == datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    day = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    assert quiet_hours_end(day, BERLIN, QUIET) == day


def test_the_digest_is_due_on_monday_after_8_in_the_persons_zone():
    assert not digest_due(datetime(2026, 11, 30, 6, 59, tzinfo=UTC), BERLIN, QUIET)  # Monday 07:59
    assert digest_due(datetime(2026, 11, 30, 7, 0, tzinfo=UTC), BERLIN, QUIET)  # Monday 08:00
    assert not digest_due(datetime(2026, 12, 1, 9, 0, tzinfo=UTC), BERLIN, QUIET)  # Tuesday
    # Sunday 23:30 UTC is already Monday morning in Tokyo.
    assert digest_due(datetime(2026, 11, 29, 23, 30, tzinfo=UTC), zone("Asia/Tokyo"), QUIET)
    assert iso_week(datetime(2026, 11, 29, 23, 30, tzinfo=UTC), zone("Asia/Tokyo")) == "2026-W49"


def test_an_unknown_time_zone_falls_back_without_raising():
    assert zone("Mars/Olympus", "Europe/Berlin") == BERLIN
    assert str(zone(None, "nonsense")) == "UTC"


def test_backoff_doubles_up_to_its_cap():
    assert [backoff_seconds(n, 30, 3600) for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_smtp_answers_are_read_as_temporary_or_final():
    refused = classify(smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"User unknown")}))
    assert refused.permanent and refused.message == "The mail server refused the address: 550 User unknown"
    assert not classify(smtplib.SMTPRecipientsRefused({"x@example.org": (451, b"Try later")})).permanent
    assert classify(smtplib.SMTPDataError(554, b"Spam")).permanent
    assert not classify(smtplib.SMTPAuthenticationError(535, b"Bad login")).permanent
    assert not classify(ConnectionRefusedError(111, "Connection refused")).permanent
    assert not classify(smtplib.SMTPServerDisconnected("gone")).permanent

"""The summary payload (pure): made by the signal rules, and stored as JSON without losing anything."""

from datetime import date, timedelta

from partnertrack.insights.signals import SessionStatus, analyse
from partnertrack.insights.wording import describe
from partnertrack.summaries.payload import Summary, summarise
from tests.factories import timeline

DAYS = [date(2026, 1, 5) + timedelta(days=7 * n) for n in range(4)]


def summary_of(view, role):
    """The summary of ``view`` as the pages make it, through the pure rules."""
    from partnertrack.insights.service import rating_data

    statuses = [SessionStatus(v.number, v.date, v.rated_by) for v in view]
    found = analyse(rating_data(view), statuses, DAYS[-1] + timedelta(days=6))
    return summarise(view, found, describe(found, role), role)


def test_forms_owed_each_way_and_the_last_session():
    view = timeline([(d, ("patient", "therapist")) for d in DAYS[:3]] + [(DAYS[3], ("therapist",))], role="patient")
    summary = summary_of(view, "patient")
    assert summary.sessions == 4 and summary.last_date == DAYS[3]
    assert summary.owed_by_me == (4,) and summary.owed_by_partner == ()
    assert [n for n, _ in summary.own_alliance] == [1, 2, 3]


def test_the_therapist_sees_what_the_patient_owes():
    view = timeline([(d, ("patient", "therapist")) for d in DAYS[:3]] + [(DAYS[3], ("therapist",))], role="therapist")
    summary = summary_of(view, "therapist")
    assert summary.owed_by_me == () and summary.owed_by_partner == (4,)


def test_json_round_trip_keeps_every_field():
    view = timeline([(d, ("patient", "therapist")) for d in DAYS], role="therapist")
    summary = summary_of(view, "therapist")
    assert Summary.from_json(summary.to_json()) == summary


def test_an_empty_partnership():
    summary = Summary(0, None, 0, None, None, (), (), (), (0,) * 7, ())
    assert Summary.from_json(summary.to_json()) == summary

"""The factor-gap rule on named series: noise is not shown, a real difference of view is.

Patient and therapist rate at 7 unless a test says otherwise (tests/factories.py), so every
gap below is worked out by hand. The rule is in docs/clinical.md ("notable factor gap").
"""

from __future__ import annotations

import datetime

from partnertrack.insights import headlines
from partnertrack.insights.signals import Gap, Thresholds, analyse, notable_gaps
from partnertrack.insights.wording import describe
from tests.factories import rate

TODAY = datetime.date(2025, 1, 1)
LARGEST = "Largest gap in session"


def pairs(therapist_over: list[dict], patient_level: int = 7, therapist_level: int = 7) -> list:
    """Sessions 1..n both rated; session k's therapist rating has ``therapist_over[k - 1]``."""
    out = []
    for n, over in enumerate(therapist_over, start=1):
        out += [rate(n, level=patient_level), rate(n, "therapist", level=therapist_level, **over)]
    return out


def test_a_one_off_three_point_gap_from_noise_is_not_shown():
    # session 3 only: feedback 10 vs 7 (+3), the two agree before and after it
    ratings = pairs([{}, {}, {"feedback": 10}])
    signals = analyse(ratings, [], TODAY)
    assert notable_gaps(ratings) == () and signals.latest_gaps == ()
    assert not [line for line in describe(signals, "therapist") if LARGEST in line]
    assert not any("differently" in line for line in describe(signals, "patient"))


def test_a_gap_that_does_not_come_back_the_same_way_is_not_shown():
    # feedback +3 then -3: two sessions apart by 3, but in opposite directions
    ratings = pairs([{"feedback": 10}, {"feedback": 4}])
    assert notable_gaps(ratings) == ()


def test_one_factor_three_apart_in_two_sessions_running_is_shown():
    # feedback 10 vs 7 in sessions 2 and 3: the second makes it notable
    ratings = pairs([{}, {"feedback": 10}, {"feedback": 10}])
    signals = analyse(ratings, [], TODAY)
    assert notable_gaps(ratings) == (Gap(3, "feedback", 10, 7, 3),)
    assert "Largest gap in session 3: feedback, you 10, your client 7 — worth talking about together." in describe(
        signals, "therapist"
    )
    assert "You and your therapist saw feedback in session 3 differently — worth talking about together." in (
        describe(signals, "patient")
    )


def test_a_therapist_three_above_on_every_factor_for_two_sessions_is_a_blind_spot():
    # therapist 8 on every factor, patient 5: the alliance index 3.0 apart both times
    ratings = [rate(n, role, level) for n in (1, 2) for role, level in (("patient", 5), ("therapist", 8))]
    signals = analyse(ratings, [], TODAY)
    assert {g.factor for g in signals.latest_gaps} >= {"mutuality", "collaboration", "responsiveness", "feedback"}
    assert (
        "You rated session 2 3.0 points higher than your client did: a possible blind spot, worth asking about."
        in describe(signals, "therapist")
    )


def test_a_blind_spot_on_the_alliance_index_is_shown_from_one_session():
    # the index averages five factors, so a 3-point gap in it is not everyday noise:
    # therapist 8, patient 5 in the one session both rated
    signals = analyse([rate(1, level=5), rate(1, "therapist", level=8)], [], TODAY)
    assert signals.alliance_gap is not None and signals.alliance_gap.blind_spot(signals.thresholds)
    assert "You rated session 1 3.0 points higher than your client did: a possible blind spot, worth asking about." in (
        describe(signals, "therapist")
    )


def test_a_single_large_gap_is_shown_at_once_a_four_is_not():
    # five apart in one session is beyond two people's everyday wobble; four is within a wide one
    assert notable_gaps(pairs([{"feedback": 2}])) == (Gap(1, "feedback", 2, 7, -5),)
    assert notable_gaps(pairs([{"feedback": 3}])) == ()


def test_a_gap_on_a_factor_one_party_left_unrated_does_not_carry_over():
    # rupture repair 10 vs 7, then the patient leaves it unrated, then 10 vs 7 again: not running
    ratings = pairs([{"rupture_repair": 10}, {"rupture_repair": 10}, {"rupture_repair": 10}])
    ratings[2] = rate(2, rupture_repair=None)
    assert notable_gaps(ratings) == ()


def test_one_session_suffices_when_so_configured():
    # SIGNAL_GAP_SESSIONS = 1 brings back the single-session rule
    one = Thresholds.from_mapping({"SIGNAL_GAP_SESSIONS": 1})
    assert notable_gaps(pairs([{"feedback": 10}]), one) == (Gap(1, "feedback", 10, 7, 3),)


def test_the_caseload_names_the_widest_gap_of_the_session_not_the_first_factor():
    # session 2: mutuality 3 apart (both sessions) and feedback 5 apart; the row names the 5
    ratings = pairs([{"mutuality": 10}, {"mutuality": 10, "feedback": 2}])
    signals = analyse(ratings, [], TODAY)
    assert {(g.factor, g.gap) for g in signals.latest_gaps} == {("mutuality", 3), ("feedback", -5)}
    reasons = [str(r) for r in headlines.signal_reasons(signals, 2)]
    assert "gap of 5 on feedback at session 2" in reasons
    assert str(headlines.newest_signal(signals, 2)) == "gap of 5 at session 2"

"""Signals on hand-computed series: every expected number is worked out in a comment."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnertrack.core.roles import party_words
from partnertrack.insights.signals import (
    ALLIANCE,
    NOT_ENOUGH_DATA,
    FormOwed,
    Gap,
    RatingData,
    SessionStatus,
    Thresholds,
    Trend,
    analyse,
    find_forms_owed,
    find_ruptures,
    index_of,
    largest_gap,
    needs_attention_score,
    notable_gaps,
    party_trends,
    ready_to_discuss_ending,
    trend,
)
from partnertrack.insights.wording import describe
from partnertrack.ratings.factors import INDEX_KEYS
from tests.factories import rate


def run(levels: list[int], rater: str = "patient") -> list[RatingData]:
    """Sessions 1..len(levels), each at the given level."""
    return [rate(i, rater, level) for i, level in enumerate(levels, start=1)]


# --- alliance index and trends ---------------------------------------------------------


def test_index_leaves_out_not_applicable_rupture_repair():
    # (8 + 8 + 6 + 8) / 4 = 7.5: None is left out, not counted as 0
    assert index_of(rate(1, level=8, responsiveness=6, rupture_repair=None)) == 7.5


@pytest.mark.parametrize("points", [[], [(3, 7.0)]])
def test_trend_needs_two_points(points):
    assert trend(points) == Trend(0.0, NOT_ENOUGH_DATA, len(points))


@pytest.mark.parametrize("step, label", [(0.25, "stable"), (-0.25, "stable"), (0.3, "improving"), (-0.3, "declining")])
def test_trend_labels_at_and_beyond_the_threshold(step, label):
    # y = 5 + step * (x - 1): the least-squares slope is exactly ``step``; "more than
    # 0.25" means 0.25 itself is stable
    result = trend([(x, 5 + step * (x - 1)) for x in range(1, 5)])
    assert result.slope == pytest.approx(step)
    assert result.label == label


def test_trend_uses_only_the_last_six_points():
    # sessions 1-2 (0 and 10) fall outside the window; 3-8 are flat at 5 -> slope 0
    points = [(1, 0.0), (2, 10.0)] + [(x, 5.0) for x in range(3, 9)]
    assert trend(points) == Trend(0.0, "stable", 6)


def test_trend_x_is_the_session_number():
    # (1, 5) and (3, 6): 1 point over 2 sessions = 0.5 per session
    assert trend([(1, 5.0), (3, 6.0)]).slope == pytest.approx(0.5)


def slow_decline() -> list[RatingData]:
    """Indices 8.0, 7.6, 7.2, 6.8, 6.4, 6.0: one factor at a time steps down by 2."""
    scores = [(8, 8, 8, 8, 8), (8, 8, 8, 8, 6), (8, 8, 8, 6, 6), (8, 8, 6, 6, 6), (8, 6, 6, 6, 6), (6, 6, 6, 6, 6)]
    return [rate(n, **dict(zip(INDEX_KEYS, s))) for n, s in enumerate(scores, start=1)]


def test_slow_decline_is_a_declining_trend_but_no_rupture():
    # slope -0.4 < -0.25. No single step is a rupture: at session 6 the baseline is
    # (7.2 + 6.8 + 6.4) / 3 = 6.8, drop 0.8 < floor 1.0 (changes all -0.4, SD 0);
    # at session 4, (8.0 + 7.6 + 7.2) / 3 - 6.8 = 0.8 < 1.5
    ratings = slow_decline()
    assert [index_of(r) for r in ratings] == pytest.approx([8.0, 7.6, 7.2, 6.8, 6.4, 6.0])
    alliance = party_trends(ratings)["patient"][ALLIANCE]
    assert (alliance.slope, alliance.label) == (pytest.approx(-0.4), "declining")
    assert find_ruptures(ratings) == ()


def test_factor_trends_skip_not_applicable_answers():
    # rupture repair: 6 at session 1, None at 2, 8 at 3 -> slope (8 - 6) / 2 = 1.0 over 2 points
    ratings = [rate(1, rupture_repair=6), rate(2, rupture_repair=None), rate(3, rupture_repair=8)]
    repair = party_trends(ratings)["patient"]["rupture_repair"]
    assert (repair.slope, repair.n) == (pytest.approx(1.0), 2)


# --- ruptures --------------------------------------------------------------------------


def test_one_session_has_no_rupture_even_with_low_rupture_repair():
    # the first rating has no history to compare with and is never judged
    assert find_ruptures([rate(1, level=6, rupture_repair=2)]) == ()


def test_flat_series_uses_the_one_point_floor():
    # five 7s: changes 0, 0, 0, 0 -> SD 0 -> threshold max(1.0, 0) = 1.0.
    # Session 6 scores 6,6,6,6,5 -> index 29/5 = 5.8; baseline (7+7+7)/3 = 7; drop 1.2 > 1.0
    ratings = run([7] * 5) + [rate(6, level=6, rupture_repair=5)]
    (rupture,) = find_ruptures(ratings)
    assert (rupture.session_number, rupture.index, rupture.baseline) == (6, 5.8, 7.0)
    assert (rupture.drop, rupture.threshold) == (pytest.approx(1.2), 1.0)
    assert rupture.sd_based and not rupture.strong
    assert rupture.reasons == ("alliance index 5.8, 1.2 below the usual 7.0",)


def test_fewer_than_five_earlier_ratings_use_the_fixed_threshold():
    # four earlier 7s: fixed 1.5. Index 5.8 (drop 1.2) is not a rupture; 5.4
    # (scores 6,6,5,5,5 = 27/5) drops 1.6 > 1.5 and is
    assert find_ruptures(run([7] * 4) + [rate(5, level=6, rupture_repair=5)]) == ()
    low = rate(5, level=5, mutuality=6, collaboration=6)
    (rupture,) = find_ruptures(run([7] * 4) + [low])
    assert (rupture.index, rupture.threshold, rupture.sd_based) == (5.4, 1.5, False)
    assert rupture.drop == pytest.approx(1.6)


def test_a_drop_of_exactly_the_threshold_is_not_a_rupture():
    # scores 6,6,5,5 and "nothing felt off" -> 22/4 = 5.5; 7 - 5.5 = 1.5, not more than 1.5
    low = rate(4, level=5, mutuality=6, collaboration=6, rupture_repair=None)
    assert index_of(low) == 5.5
    assert find_ruptures(run([7] * 3) + [low]) == ()


def test_strong_marking_beyond_two_sd():
    # 8, 9, 8, 9, 8: changes +1, -1, +1, -1, mean 0, sample variance 4/3, SD 1.1547.
    # Baseline (8 + 9 + 8) / 3 = 8.333. Index 6: drop 2.333 > 2 x 1.1547 = 2.309 -> strong.
    # Index 7: drop 1.333 > 1.1547 but < 2.309 -> a rupture, not strong.
    (strong,) = find_ruptures(run([8, 9, 8, 9, 8, 6]))
    assert strong.threshold == pytest.approx(1.1547, abs=1e-4)
    assert strong.drop == pytest.approx(7 / 3)
    assert strong.strong and strong.sd_based
    (mild,) = find_ruptures(run([8, 9, 8, 9, 8, 7]))
    assert mild.drop == pytest.approx(4 / 3) and not mild.strong


def test_v_shape_is_a_rupture_then_a_repair():
    # six 7s, then 5.2 (scores 5,5,5,6,5 = 26/5), 6, 7.
    # Session 7: baseline 7, drop 1.8 > 1.0 (SD 0); not strong (1.8 < 2.0).
    # Session 8: 6 < 7 - 0.5, still open; its own drop, 6.4 - 6 = 0.4, triggers nothing.
    # Session 9: 7 >= 6.5 -> repaired at 9, two sessions after 7.
    ratings = run([7] * 6) + [rate(7, level=5, feedback=6), rate(8, level=6), rate(9, level=7)]
    (rupture,) = find_ruptures(ratings)
    assert (rupture.session_number, rupture.index, rupture.drop) == (7, 5.2, pytest.approx(1.8))
    assert (rupture.repaired_at, rupture.sessions_to_repair, rupture.absorbed) == (9, 2, ())
    assert not rupture.is_open and not rupture.strong


def test_repair_counts_an_index_exactly_half_a_point_below_baseline():
    # session 8: scores 6,7,6,7 and "nothing felt off" -> 26/4 = 6.5 = 7 - 0.5 -> repaired
    ratings = run([7] * 6 + [5]) + [rate(8, level=6, collaboration=7, feedback=7, rupture_repair=None)]
    (rupture,) = find_ruptures(ratings)
    assert (rupture.repaired_at, rupture.sessions_to_repair) == (8, 1)


def test_rupture_never_repaired_absorbs_the_next_low_session():
    # six 7s then 5, 5, 5, 5. Session 7 opens (drop 2 > 1.0). Session 8 on its own
    # would trigger: baseline (7+7+5)/3 = 6.333, drop 1.333; earlier changes
    # 0,0,0,0,0,-2 have SD sqrt((5 x (1/3)^2 + (5/3)^2) / 5) = 0.816 -> threshold 1.0.
    # It is absorbed. Session 9: baseline 5.667, drop 0.667, nothing. Never back to 6.5.
    (rupture,) = find_ruptures(run([7] * 6 + [5] * 4))
    assert (rupture.session_number, rupture.absorbed) == (7, (8,))
    assert rupture.is_open and rupture.repaired_at is None and rupture.sessions_to_repair is None


def test_a_repairing_session_can_open_a_new_rupture():
    # session 8: 8,8,8,8 and rupture repair 3 -> 35/5 = 7.0 >= 6.5 repairs session 7's
    # rupture, but "rupture repair rated 3" opens a new one (baseline (7+7+5)/3)
    ratings = run([7] * 6 + [5]) + [rate(8, level=8, rupture_repair=3)]
    first, second = find_ruptures(ratings)
    assert (first.session_number, first.repaired_at) == (7, 8)
    assert (second.session_number, second.reasons, second.is_open) == (8, ("rupture repair rated 3",), True)
    assert second.baseline == pytest.approx(19 / 3)


@pytest.mark.parametrize("responsiveness, flagged", [(5, True), (6, False)])
def test_a_factor_dropping_three_points_is_a_rupture(responsiveness, flagged):
    # 8 -> 5 is a drop of 3 (flagged); 8 -> 6 is 2. The index barely moves:
    # (8+8+5+8+8)/5 = 7.4, drop 0.6 < 1.5
    ratings = run([8, 8]) + [rate(3, level=8, responsiveness=responsiveness)]
    found = find_ruptures(ratings)
    assert bool(found) is flagged
    if flagged:
        assert found[0].reasons == ("responsiveness dropped 3 points",)
        assert found[0].drop == pytest.approx(0.6)


def test_low_rupture_repair_triggers_but_not_applicable_never_does():
    # earlier "nothing felt off" answers leave no rupture-repair score to drop from;
    # session 3 rated 4 -> index (8x4 + 4)/5 = 7.2, drop 0.8: only the low answer counts
    quiet = [rate(1, level=8, rupture_repair=None), rate(2, level=8, rupture_repair=None)]
    (rupture,) = find_ruptures(quiet + [rate(3, level=8, rupture_repair=4)])
    assert rupture.reasons == ("rupture repair rated 4",)
    assert find_ruptures(quiet + [rate(3, level=8, rupture_repair=5)]) == ()
    # 9 -> None is no drop: None is "nothing felt off", not a score
    assert find_ruptures(run([8, 8]) + [rate(3, level=8, rupture_repair=None)]) == ()


def test_each_party_is_judged_against_their_own_ratings():
    # the therapist's steady 4s never make the patient's 7s look high, nor the reverse;
    # the patient skipped session 3, so session 4 is compared with 1-2: (7+7)/2 - 5 = 2 > 1.5
    patient = [rate(1, level=7), rate(2, level=7), rate(4, level=5)]
    therapist = [rate(n, "therapist", level=5, rupture_repair=6) for n in range(1, 5)]
    (rupture,) = find_ruptures(patient + therapist)
    assert (rupture.party, rupture.session_number, rupture.baseline) == ("patient", 4, 7.0)


# --- gaps, ready to end, forms owed ----------------------------------------------------


def test_gaps_only_where_both_rated():
    # session 1: therapist 9 vs patient 5 on responsiveness (+4), 4 vs 7 on feedback (-3),
    # 9 vs 7 on mutuality (+2, not notable). Session 2: the patient's rating is not visible.
    ratings = [
        rate(1, level=7, responsiveness=5),
        rate(1, "therapist", level=7, responsiveness=9, feedback=4, mutuality=9),
        rate(2, "therapist", level=1),
    ]
    assert notable_gaps(ratings) == (Gap(1, "responsiveness", 9, 5, 4), Gap(1, "feedback", 4, 7, -3))
    assert largest_gap(ratings) == Gap(1, "responsiveness", 9, 5, 4)


def test_largest_gap_is_from_the_latest_session_both_rated():
    # session 1 has a gap of 6, session 2 (latest both rated) gaps of 2 on mutuality and
    # collaboration: the tie goes to mutuality, listed first; session 3 is the patient's only
    ratings = [
        rate(1, level=2),
        rate(1, "therapist", level=8),
        rate(2, level=5),
        rate(2, "therapist", level=5, mutuality=7, collaboration=7),
        rate(3, level=1),
    ]
    assert largest_gap(ratings) == Gap(2, "mutuality", 7, 5, 2)
    assert largest_gap([rate(1), rate(1, "therapist")]) is None  # agreement on everything
    assert largest_gap([rate(1)]) is None


def test_ready_to_end_needs_both_in_each_of_the_last_two_sessions_both_rated():
    ready = [rate(n, role, termination_readiness=7) for n in (1, 2) for role in ("patient", "therapist")]
    assert ready_to_discuss_ending(ready)
    # the patient's session-3 rating is not visible: the rule looks at 1 and 2
    assert ready_to_discuss_ending(ready + [rate(3, "therapist", termination_readiness=2)])
    one_short = ready[:-1] + [rate(2, "therapist", termination_readiness=6)]
    assert not ready_to_discuss_ending(one_short)
    assert not ready_to_discuss_ending(ready[2:])  # only one session both rated


def test_forms_owed_relative_to_a_fixed_today():
    today = datetime.date(2025, 3, 10)
    sessions = [
        SessionStatus(1, datetime.date(2025, 3, 1), frozenset({"patient", "therapist"})),
        SessionStatus(2, datetime.date(2025, 3, 2), frozenset()),
        SessionStatus(3, datetime.date(2025, 3, 8), frozenset({"patient"})),  # 2 days: owed
        SessionStatus(4, datetime.date(2025, 3, 9), frozenset()),  # 1 day: not yet
        SessionStatus(5, datetime.date(2025, 3, 10), frozenset()),
    ]
    assert find_forms_owed(sessions, today) == (
        FormOwed(2, datetime.date(2025, 3, 2), "patient"),
        FormOwed(2, datetime.date(2025, 3, 2), "therapist"),
        FormOwed(3, datetime.date(2025, 3, 8), "therapist"),
    )
    # with 0 days, yesterday's session 4 is owed by both too: 3 + 2; today's is not
    assert len(find_forms_owed(sessions, today, Thresholds(form_owed_days=0))) == 5


# --- thresholds from config ------------------------------------------------------------


def test_thresholds_from_mapping_reads_signal_keys():
    config = {
        "SIGNAL_GAP": 4,
        "SIGNAL_TREND_SLOPE": "0.5",
        "SIGNAL_READY_SCORE": "8",
        "SIGNAL_RUPTURE_FIXED_DROP": 2,
        "GAP": 1,
        "SECRET_KEY": "x",
    }
    t = Thresholds.from_mapping(config)
    assert (t.gap, t.trend_slope, t.ready_score, t.rupture_fixed_drop) == (4, 0.5, 8, 2.0)
    assert isinstance(t.ready_score, int) and isinstance(t.rupture_fixed_drop, float)
    assert t.repair_within == 0.5 and Thresholds.from_mapping({}) == Thresholds()


@pytest.mark.parametrize(
    "config", [{"SIGNAL_GAP": "2.5"}, {"SIGNAL_GAP": True}, {"SIGNAL_GAP": -1}, {"SIGNAL_TREND_SESSIONS": 1}]
)
def test_thresholds_refuse_bad_values(config):
    with pytest.raises(ValueError):
        Thresholds.from_mapping(config)


def test_overridden_thresholds_change_the_signals():
    # a gap of 3 is notable by default, not with SIGNAL_GAP = 4; readiness 7 is not ready at 8
    ratings = [rate(n, role, termination_readiness=7) for n in (1, 2) for role in ("patient", "therapist")]
    ratings[-1] = rate(2, "therapist", termination_readiness=7, feedback=10)
    strict = Thresholds.from_mapping({"SIGNAL_GAP": 4, "SIGNAL_READY_SCORE": 8})
    assert len(notable_gaps(ratings)) == 1 and notable_gaps(ratings, strict) == ()
    assert ready_to_discuss_ending(ratings) and not ready_to_discuss_ending(ratings, strict)


# --- analyse, attention order, sentences -----------------------------------------------


def _signals(ratings, sessions=(), today=datetime.date(2025, 1, 1)):
    return analyse(ratings, list(sessions), today)


def test_analyse_one_session():
    signals = _signals([rate(1), rate(1, "therapist")])
    assert signals.ruptures == () and signals.gaps == () and not signals.ready_to_end
    assert signals.trends["patient"][ALLIANCE].label == NOT_ENOUGH_DATA
    assert [p.index for p in signals.indices] == [7.0, 7.0]


def test_needs_attention_orders_the_caseload():
    rupture = _signals(run([7] * 6 + [5]))
    declining = _signals(slow_decline())
    owed = _signals(run([7, 7]), [SessionStatus(3, datetime.date(2024, 12, 1), frozenset())])
    ready = _signals([rate(n, role, termination_readiness=8) for n in (1, 2) for role in ("patient", "therapist")])
    calm = _signals(run([7, 7]))
    order = sorted([calm, ready, owed, declining, rupture], key=needs_attention_score)
    assert order == [rupture, declining, owed, ready, calm]


def test_party_words_per_viewer():
    assert party_words("patient", "patient") == ("you", "your")
    assert party_words("therapist", "patient") == ("your therapist", "your therapist's")
    assert party_words("patient", "therapist") == ("your client", "your client's")
    assert party_words("therapist", None) == ("the therapist", "the therapist's")


def test_describe_speaks_to_each_viewer():
    # the V shape of test_v_shape..., with session 9 at (7+7+5+7+7)/5 = 6.6, still >= 6.5;
    # the therapist's ratings of 8 and 9 are visible; in 9 responsiveness is 9 vs 5
    patient = run([7] * 6) + [rate(7, level=5, feedback=6), rate(8, level=6), rate(9, level=7, responsiveness=5)]
    therapist = [rate(8, "therapist"), rate(9, "therapist", responsiveness=9, rupture_repair=None)]
    signals = _signals(patient + therapist)
    for_patient = describe(signals, "patient")
    assert for_patient[0] == (
        "Possible rupture at session 7 in your ratings (alliance index 5.2, "
        "1.8 below the usual 7.0). Repaired after 2 sessions."
    )
    assert ("Largest gap in session 9: responsiveness, your therapist 9, you 5 — worth talking about.") in for_patient
    for_therapist = describe(signals, "therapist")
    assert for_therapist[0].startswith("Possible rupture at session 7 in your client's ratings")
    assert "Largest gap in session 9: responsiveness, you 9, your client 5 — worth talking about." in for_therapist


def test_describe_open_strong_rupture_forms_owed_and_readiness():
    # patient 7, 7, 8, 9, 8, 6: at session 6 the changes 0, +1, +1, -1 have SD 0.957,
    # threshold 1.0; drop (8+9+8)/3 - 6 = 2.33 > 2 x 1.0 -> strong, and never repaired.
    # Both rated readiness 8 in sessions 1 and 2, the last two both rated.
    ratings = [rate(n, role, termination_readiness=8) for n in (1, 2) for role in ("patient", "therapist")]
    signals = analyse(
        ratings + run([8, 9, 8, 9, 8, 6])[2:],
        [SessionStatus(7, datetime.date(2025, 1, 1), frozenset({"patient"}))],
        datetime.date(2025, 2, 1),
    )
    lines = describe(signals, "therapist")
    assert lines[0].startswith("Possible rupture at session 6 in your client's ratings — strong (")
    assert lines[0].endswith("Not yet repaired — worth talking about together.")
    assert "You have not yet rated session 7." in lines
    assert lines[-1] == "You both feel ready to discuss ending."
    assert describe(_signals([rate(1)]), "patient") == []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10), st.one_of(st.none(), st.integers(0, 10))), min_size=1, max_size=30))
def test_rupture_invariants_on_any_series(levels):
    # whatever the series: one dip at a time, repairs after the rupture, absorbed
    # sessions inside the dip, and the counts add up
    ratings = [rate(n, level=level, rupture_repair=repair) for n, (level, repair) in enumerate(levels, start=1)]
    ruptures = find_ruptures(ratings)
    open_until = 0
    for r in ruptures:
        assert r.session_number > 1 and r.session_number >= open_until
        if r.repaired_at is not None:
            assert r.sessions_to_repair == r.repaired_at - r.session_number > 0
            open_until = r.repaired_at
        else:
            open_until = len(levels) + 1
        assert all(r.session_number < n < open_until for n in r.absorbed)
        assert r.reasons and (not r.strong or r.sd_based)
    assert sum(r.is_open for r in ruptures) <= 1

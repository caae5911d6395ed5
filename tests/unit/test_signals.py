"""Signals on hand-computed series: every expected number is worked out in a comment."""

from __future__ import annotations

import datetime

import pytest

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
from partnertrack.ratings.factors import INDEX_KEYS
from tests.factories import rate


def run(levels: list[int], rater: str = "patient") -> list[RatingData]:
    """Sessions 1..len(levels), each at the given level."""
    return [rate(i, rater, level) for i, level in enumerate(levels, start=1)]


# --- alliance index and trends ---------------------------------------------------------


def test_index_leaves_out_not_applicable_rupture_repair():
    # (8 + 8 + 6 + 8) / 4 = 7.5: None is left out, not counted as 0
    assert index_of(rate(1, level=8, responsiveness=6, rupture_repair=None)) == 7.5


@pytest.mark.parametrize("points", [[], [(3, 7.0)], [(1, 9.0), (2, 8.0)], [(1, 9.0), (2, 8.0), (3, 7.0)]])
def test_trend_needs_four_points(points):
    # "declining" on two points (9 then 8) is what made the old rule fire on noise
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
    # 5, 6, 7, 8 at sessions 1, 3, 5, 7: 1 point over 2 sessions = 0.5 per session
    assert trend([(1, 5.0), (3, 6.0), (5, 7.0), (7, 8.0)]).slope == pytest.approx(0.5)


def test_a_zig_zag_is_no_trend_however_steep_its_slope():
    # 8, 6, 8, 5, 7, 4: least-squares slope -10 / 17.5 = -0.571 per session (beyond 0.25),
    # but the points scatter around the line by a residual SD of 1.380: SE of the slope
    # 1.380 / sqrt(17.5) = 0.330, and 0.571 < 2 x 0.330. A steady fall of 0.4 (SE 0) declines.
    zig = trend(list(enumerate([8.0, 6.0, 8.0, 5.0, 7.0, 4.0], start=1)))
    assert (zig.slope, zig.label) == (pytest.approx(-4 / 7), "stable")
    assert trend([(x, 8 - 0.4 * x) for x in range(1, 7)]).label == "declining"


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
    # rupture repair: 6, None, 7, 8, 9 at sessions 1-5 -> four points, slope 0.5 per session
    ratings = [rate(n, rupture_repair=r) for n, r in enumerate([6, None, 7, 8, 9], start=1)]
    repair = party_trends(ratings)["patient"]["rupture_repair"]
    assert (repair.slope, repair.n) == (pytest.approx(0.75, abs=0.01), 4)


# --- gaps, ready to end, forms owed ----------------------------------------------------


def test_gaps_only_where_both_rated():
    # session 1: therapist 10 vs patient 5 on responsiveness (+5: large, notable at once),
    # 4 vs 7 on feedback (-3, a first time: not yet), 9 vs 7 on mutuality (+2, never).
    # Session 2: feedback 4 vs 7 again (-3 twice the same way: notable). Session 3: the
    # patient's rating is not visible, so it makes no gap.
    ratings = [
        rate(1, level=7, responsiveness=5),
        rate(1, "therapist", level=7, responsiveness=10, feedback=4, mutuality=9),
        rate(2, level=7),
        rate(2, "therapist", level=7, feedback=4),
        rate(3, "therapist", level=1),
    ]
    assert notable_gaps(ratings) == (Gap(1, "responsiveness", 10, 5, 5), Gap(2, "feedback", 4, 7, -3))
    assert largest_gap(ratings) == Gap(2, "feedback", 4, 7, -3)


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
    ready = [rate(n, role, termination_readiness=7) for n in (8, 9) for role in ("patient", "therapist")]
    assert ready_to_discuss_ending(ready)
    # the patient's session-10 rating is not visible: the rule looks at 8 and 9
    assert ready_to_discuss_ending(ready + [rate(10, "therapist", termination_readiness=2)])
    one_short = ready[:-1] + [rate(9, "therapist", termination_readiness=6)]
    assert not ready_to_discuss_ending(one_short)
    assert not ready_to_discuss_ending(ready[2:])  # only one session both rated


def test_ready_to_end_is_never_suggested_before_session_eight():
    # both at 10 in sessions 1-7: a hopeful start, not a reason to talk about ending
    early = [rate(n, role, termination_readiness=10) for n in range(1, 8) for role in ("patient", "therapist")]
    assert not ready_to_discuss_ending(early)
    assert ready_to_discuss_ending(early, Thresholds(ready_min_sessions=2))


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
        "SIGNAL_RUPTURE_FLOOR": 2,
        "GAP": 1,
        "SECRET_KEY": "x",
    }
    t = Thresholds.from_mapping(config)
    assert (t.gap, t.trend_slope, t.ready_score, t.rupture_floor) == (4, 0.5, 8, 2.0)
    assert isinstance(t.ready_score, int) and isinstance(t.rupture_floor, float)
    assert t.repair_within == 0.5 and Thresholds.from_mapping({}) == Thresholds()


@pytest.mark.parametrize(
    "config", [{"SIGNAL_GAP": "2.5"}, {"SIGNAL_GAP": True}, {"SIGNAL_GAP": -1}, {"SIGNAL_TREND_SESSIONS": 1}]
)
def test_thresholds_refuse_bad_values(config):
    with pytest.raises(ValueError):
        Thresholds.from_mapping(config)


def test_overridden_thresholds_change_the_signals():
    # a gap of 3 in two sessions running is notable by default, not with SIGNAL_GAP = 4; readiness 7 is not ready at 8
    ratings = [rate(n, role, termination_readiness=7) for n in (8, 9) for role in ("patient", "therapist")]
    ratings[1] = rate(8, "therapist", termination_readiness=7, feedback=10)  # 3 apart twice: notable
    ratings[3] = rate(9, "therapist", termination_readiness=7, feedback=10)
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


def test_needs_attention_orders_the_caseload_by_the_client_first():
    rupture = _signals(run([7] * 6 + [5]))
    declining = _signals(slow_decline())
    therapist_rupture = _signals(run([7] * 6 + [5], "therapist"))
    therapist_declining = _signals([rate(r.session_number, "therapist", **r.scores) for r in slow_decline()])
    owed = _signals(run([7, 7]), [SessionStatus(3, datetime.date(2024, 12, 1), frozenset())])
    ready = _signals([rate(n, role, termination_readiness=8) for n in (8, 9) for role in ("patient", "therapist")])
    calm = _signals(run([7, 7]))
    cases = [calm, ready, owed, therapist_declining, therapist_rupture, declining, rupture]
    order = sorted(cases, key=needs_attention_score)
    assert order == [rupture, declining, therapist_rupture, therapist_declining, owed, ready, calm]


def test_party_words_per_viewer():
    assert party_words("patient", "patient") == ("you", "your")
    assert party_words("therapist", "patient") == ("your therapist", "your therapist's")
    assert party_words("patient", "therapist") == ("your client", "your client's")
    assert party_words("therapist", None) == ("the therapist", "the therapist's")

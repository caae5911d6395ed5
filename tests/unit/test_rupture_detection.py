"""The calibrated rupture rule on named series: every expected number is worked out in a comment."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnertrack.insights.rupture_detection import find_ruptures, index_threshold
from partnertrack.insights.series import RatingData, index_of
from partnertrack.insights.thresholds import Thresholds
from partnertrack.ratings.factors import INDEX_KEYS
from tests.factories import rate
from tests.simulated_series import NOISE_MODELS, Dip, series


def run(levels: list[int], rater: str = "patient") -> list[RatingData]:
    """Sessions 1..len(levels), each at the given level."""
    return [rate(i, rater, level) for i, level in enumerate(levels, start=1)]


def indexed(values: list[float], rater: str = "patient") -> list[RatingData]:
    """Sessions 1..len(values) whose alliance index is each value (whole scores, the higher ones first)."""
    out = []
    for n, value in enumerate(values, start=1):
        total = round(value * len(INDEX_KEYS))
        five = [total // len(INDEX_KEYS) + (i < total % len(INDEX_KEYS)) for i in range(len(INDEX_KEYS))]
        out.append(rate(n, rater, **dict(zip(INDEX_KEYS, five, strict=True))))
    return out


def test_nothing_is_judged_before_three_usual_ratings():
    # 7, 7, then 3: a fall of 4, but two ratings are no usual level yet
    assert find_ruptures(run([7, 7, 3])) == ()
    (rupture,) = find_ruptures(run([7, 7, 7, 3]))
    assert (rupture.session_number, rupture.baseline, rupture.drop) == (4, 7.0, 4.0)


def test_a_flat_series_uses_the_floor_and_a_drop_at_the_floor_counts():
    # five 7s: SD 0 -> threshold = floor 1.4. Scores 6,6,6,5,5 -> 28/5 = 5.6, drop 1.4
    (rupture,) = find_ruptures(run([7] * 5) + [rate(6, level=6, feedback=5, rupture_repair=5)])
    assert (rupture.index, rupture.drop, rupture.threshold) == (5.6, pytest.approx(1.4), 1.4)
    assert rupture.kinds == ("index",) and not rupture.sd_based and not rupture.strong
    assert rupture.reasons == ("1.4 below the usual 7.0",)
    # 6,6,6,6,5 -> 5.8, drop 1.2 (also 1.2 from the last 7, short of a sharp 1.5): no rupture
    assert find_ruptures(run([7] * 5) + [rate(6, level=6, rupture_repair=5)]) == ()


def test_a_wide_rater_needs_a_fall_beyond_their_own_spread():
    # 6, 9, 6, 9, 6: mean 7.2, sample SD sqrt(10.8 / 4) = 1.643; n = 5 ->
    # 2.58 x 1.643 x sqrt(1.2) = 4.644. A 3 (drop 4.2) is their usual swing; a 2 (5.2) is not.
    # (Rupture repair left out of the fall so that only the index rule speaks.)
    wide = run([6, 9, 6, 9, 6])
    threshold, sd_based = index_threshold([6.0, 9.0, 6.0, 9.0, 6.0], Thresholds())
    assert (threshold, sd_based) == (pytest.approx(4.644, abs=1e-3), True)
    assert find_ruptures(wide + [rate(6, level=3, rupture_repair=None)]) == ()
    (rupture,) = find_ruptures(wide + [rate(6, level=2, rupture_repair=None)])
    assert rupture.sd_based and rupture.drop == pytest.approx(5.2)


def test_a_fall_of_one_point_from_a_usual_top_score_is_a_prompt():
    # 10, 10, 10 then 9 everywhere: baseline 10 >= 9, drop 1.0 -> the ceiling rule
    (rupture,) = find_ruptures(run([10, 10, 10, 9]))
    assert rupture.kinds == ("ceiling",)
    assert rupture.reasons == ("1.0 below a usual top level of 10.0",)
    # the same fall from 8 is everyday wobble
    assert find_ruptures(run([8, 8, 8, 7])) == ()


def test_a_slow_drift_down_is_not_a_rupture():
    # a party drifting down by about 0.05 a session with everyday wobble (a run of the
    # benchmark's "slow drift down"). Session 6, 5.0: the usual 6.0, 6.8, 5.8, 6.4, 6.2 ->
    # 6.24, drop 1.24, below the floor 1.4; and 6.2 -> 5.0 is 1.2, not a sharp 1.5. The rule
    # before this calibration (floor 1.2, no cap) named it a possible rupture.
    drift = indexed([6.0, 6.8, 5.8, 6.4, 6.2, 5.0, 5.2, 6.0, 6.0, 6.0, 5.8, 6.2, 5.4, 5.8, 6.4, 5.6])
    assert find_ruptures(drift) == ()
    before = Thresholds(rupture_floor=1.2, rupture_steady_drop=99, rupture_sharp_drop=99)
    assert [r.session_number for r in find_ruptures(drift, before)] == [6]


def test_a_two_point_v_from_a_lively_but_steady_level_is_caught():
    # usual 8.4, 7.6, 9.0, 7.2: mean 8.05, sample SD 0.806, n = 4 -> 2.58 x 0.806 x sqrt(1.25)
    # = 2.32, more than the dip. The SD of 4 ratings is itself uncertain: a steady party (SD
    # at most 1.0) needs 1.5 at most. 6.2 is 1.85 below -> a rupture, repaired by 8.0 at 7.
    (rupture,) = find_ruptures(indexed([8.4, 7.6, 9.0, 7.2, 6.2, 7.2, 8.0, 8.2]))
    assert (rupture.session_number, rupture.drop, rupture.threshold) == (5, pytest.approx(1.85), 1.5)
    assert (rupture.kinds, rupture.repaired_at, rupture.sessions_to_repair) == (("index",), 7, 2)
    assert index_threshold([8.4, 7.6, 9.0, 7.2], Thresholds(rupture_steady_drop=99))[0] == pytest.approx(2.32, abs=0.01)


def test_a_sharp_fall_from_a_steady_level_is_the_left_arm_of_a_v():
    # session 12, 4.2: the usual 5.4, 6.4, 5.0, 5.6, 6.0 -> 5.68, drop 1.48, short of 1.5; but
    # the usual spread is small (SD 0.53 over the last 8, at most 0.6) and the fall from the
    # last usual rating, 6.0, is 1.8 (at least 1.5) with at least 1.2 below the usual level
    ratings = indexed([6.2, 6.0, 6.2, 5.4, 6.4, 5.2, 5.4, 6.4, 5.0, 5.6, 6.0, 4.2, 5.4, 6.2])
    (rupture,) = find_ruptures(ratings)
    assert (rupture.session_number, rupture.drop, rupture.threshold) == (12, pytest.approx(1.48), 1.5)
    assert (rupture.kinds, rupture.repaired_at) == (("index",), 13)
    # the same fall after a session that was already low is a slide, not a V's sharp arm
    slid = indexed([6.2, 6.0, 6.2, 5.4, 6.4, 5.2, 5.4, 6.4, 5.0, 5.6, 5.0, 4.2])
    assert [r.session_number for r in find_ruptures(slid)] == []


def test_a_ceiling_rater_s_one_point_fall_is_a_prompt():
    # a client who clusters at 9-10: usual 9.6, 10, 9.4, 9.8 -> 9.7 (at least 9); 8.6 is 1.1
    # below, far short of the floor, but at the top a one-point fall is the only fall there is
    (rupture,) = find_ruptures(indexed([9.6, 10, 9.4, 9.8, 8.6, 9.8]))
    assert (rupture.session_number, rupture.kinds, rupture.repaired_at) == (5, ("ceiling",), 6)
    assert rupture.reasons == ("1.1 below a usual top level of 9.7",)


def test_v_shape_is_a_rupture_then_a_repair():
    # six 7s, then 5.2 (scores 5,5,5,6,5), 6, 7. Session 8: 6 < 7 - 0.5, still open and
    # absorbed (its own drop, 1.0, is below the floor anyway: it is simply not usual).
    # Session 9: 7 >= 6.5 -> repaired at 9, two sessions after 7.
    ratings = run([7] * 6) + [rate(7, level=5, feedback=6), rate(8, level=6), rate(9, level=7)]
    (rupture,) = find_ruptures(ratings)
    assert (rupture.session_number, rupture.index, rupture.drop) == (7, 5.2, pytest.approx(1.8))
    assert (rupture.repaired_at, rupture.sessions_to_repair, rupture.absorbed) == (9, 2, ())


def test_an_unrepaired_dip_absorbs_later_low_sessions_and_never_lowers_the_usual_level():
    # six 7s then four 5s: one rupture at 7; 8-10 are judged against the usual 7 (the dip
    # never enters the usual level), each would open one, so each is absorbed
    (rupture,) = find_ruptures(run([7] * 6 + [5] * 4))
    assert (rupture.session_number, rupture.absorbed, rupture.is_open) == (7, (8, 9, 10), True)


def test_something_felt_off_and_unsettled_is_a_rupture_by_the_party_s_own_word():
    # three sessions where nothing felt off, then "felt off, settled 3 of 10": index
    # (8 x 4 + 3) / 5 = 7.0, drop 1.0 is below the floor; the party's own answer counts
    quiet = [rate(n, level=8, rupture_repair=None) for n in (1, 2, 3)]
    (rupture,) = find_ruptures(quiet + [rate(4, level=8, rupture_repair=3)])
    assert rupture.kinds == ("self_report",)
    assert rupture.reasons == ("something felt off and feels unsettled (3 of 10)",)
    assert find_ruptures(quiet + [rate(4, level=8, rupture_repair=5)]) == ()
    # someone who usually answers 4 is not flagged for a 3: only 1 below their usual
    usual_four = [rate(n, level=8, rupture_repair=4) for n in (1, 2, 3)]
    assert find_ruptures(usual_four + [rate(4, level=8, rupture_repair=3)]) == ()


def test_each_party_is_judged_against_their_own_ratings():
    # the therapist's steady 4s never make the patient's 7s look high, nor the reverse;
    # the patient skipped session 4: session 5 is compared with 1-3
    patient = [rate(1, level=7), rate(2, level=7), rate(3, level=7), rate(5, level=5)]
    therapist = [rate(n, "therapist", level=4) for n in range(1, 6)]
    (rupture,) = find_ruptures(patient + therapist)
    assert (rupture.party, rupture.session_number, rupture.baseline) == ("patient", 5, 7.0)


def test_twelve_partnerships_of_everyday_wobble_are_not_called_ruptures():
    # the outside check: 12 partnerships, both parties, 16 sessions of -1/0/+1 on every
    # factor around a steady level (seeded; the benchmark runs thousands)
    rng = random.Random(14)
    flagged = [
        find_ruptures(series(rng, NOISE_MODELS["wobble -1/0/+1"], rater))
        for _ in range(12)
        for rater in ("patient", "therapist")
    ]
    assert sum(len(f) for f in flagged) <= 1


@pytest.mark.parametrize("model", ["wobble -1/0/+1", "top cluster 9-10", "slow drift down", "slow drift up"])
@pytest.mark.parametrize("size", [2, 3, 4])
def test_every_v_shaped_dip_of_two_or_more_is_seen(size, model):
    # a dip: the index `size` or more below the person's usual level, half as low at the next
    rng = random.Random(size)
    for at in range(5, 15):
        ratings = series(rng, NOISE_MODELS[model], dip=Dip(at, size))
        found = find_ruptures(ratings)
        assert any(r.session_number == at or at in r.absorbed for r in found), [index_of(r) for r in ratings]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10), st.one_of(st.none(), st.integers(0, 10))), min_size=1, max_size=30))
def test_rupture_invariants_on_any_series(levels):
    # whatever the series: one dip at a time, repairs after the rupture, absorbed
    # sessions inside the dip, never graded "strong", and the counts add up
    ratings = [rate(n, level=level, rupture_repair=repair) for n, (level, repair) in enumerate(levels, start=1)]
    ruptures = find_ruptures(ratings)
    open_until = 0
    for r in ruptures:
        assert r.session_number > 3 and r.session_number >= open_until
        if r.repaired_at is not None:
            assert r.sessions_to_repair == r.repaired_at - r.session_number > 0
            open_until = r.repaired_at
        else:
            open_until = len(levels) + 1
        assert all(r.session_number < n < open_until for n in r.absorbed)
        assert r.reasons and r.kinds and not r.strong
    assert sum(r.is_open for r in ruptures) <= 1

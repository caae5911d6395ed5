"""First three sessions against the last three, per factor and party (pure)."""

from datetime import date, timedelta

import pytest

from partnertrack.insights.signals import RatingData
from partnertrack.ratings.factors import FACTOR_KEYS
from partnertrack.review.summary import first_against_last

START = date(2025, 1, 6)


def rating(n, rater, value, **override):
    scores = dict.fromkeys(FACTOR_KEYS, value)
    scores.update(override)
    return RatingData(n, START + timedelta(days=7 * n), rater, scores)


def by_name(comparisons):
    return {c.name: c for c in comparisons}


def test_means_of_first_and_last_three_per_party():
    ratings = [rating(n, "patient", v) for n, v in enumerate([4, 5, 6, 7, 8, 9, 9], start=1)]
    ratings += [rating(n, "therapist", 6) for n in range(1, 8)]
    rows = by_name(first_against_last(ratings))
    index = rows["Alliance index"]
    assert index.first["patient"].mean == pytest.approx(5.0) and index.first["patient"].sessions == (1, 2, 3)
    assert index.last["patient"].mean == pytest.approx(26 / 3) and index.last["patient"].sessions == (5, 6, 7)
    assert index.change("patient") == pytest.approx(26 / 3 - 5)
    assert index.change("therapist") == pytest.approx(0.0)
    assert not index.overlaps("patient")
    assert [c.name for c in first_against_last(ratings)][1:] == [
        "Mutuality",
        "Collaboration",
        "Responsiveness",
        "Feedback",
        "Rupture repair",
        "Termination readiness",
    ]


def test_nothing_felt_off_is_skipped_not_counted_as_zero():
    ratings = [
        rating(1, "patient", 6, rupture_repair=None),
        rating(2, "patient", 6, rupture_repair=8),
        rating(3, "patient", 6, rupture_repair=None),
        rating(4, "patient", 6, rupture_repair=4),
    ]
    repair = by_name(first_against_last(ratings))["Rupture repair"]
    assert repair.first["patient"].sessions == (2, 4) and repair.first["patient"].mean == pytest.approx(6.0)


def test_few_sessions_overlap_and_a_single_one_has_no_change():
    ratings = [rating(1, "patient", 5), rating(2, "patient", 6), rating(3, "patient", 9), rating(4, "patient", 9)]
    index = by_name(first_against_last(ratings))["Alliance index"]
    assert index.overlaps("patient") and index.change("patient") == pytest.approx(8.0 - 20 / 3)
    one = by_name(first_against_last([rating(1, "therapist", 7)]))["Alliance index"]
    assert one.change("therapist") is None and one.first["patient"].mean is None and one.change("patient") is None

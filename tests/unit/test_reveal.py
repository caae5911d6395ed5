"""The blind-until-both-rated rule, with a fixed clock."""

from datetime import date

import pytest

from partnertrack.ratings.reveal import (
    RatingRecord,
    SessionRecord,
    is_revealed,
    session_views,
)

DAY = date(2026, 3, 10)
P = RatingRecord(
    {
        "mutuality": 6,
        "collaboration": 6,
        "responsiveness": 6,
        "feedback": 6,
        "rupture_repair": None,
        "termination_readiness": 1,
    },
    "patient note",
)
T = RatingRecord(
    {
        "mutuality": 8,
        "collaboration": 7,
        "responsiveness": 9,
        "feedback": 8,
        "rupture_repair": 7,
        "termination_readiness": 2,
    },
    "therapist note",
)


def test_revealed_once_both_have_rated():
    assert is_revealed(DAY, {"patient", "therapist"}, DAY, 7)


@pytest.mark.parametrize("days_later, revealed", [(0, False), (6, False), (7, True), (30, True)])
def test_one_rating_is_revealed_after_the_configured_days(days_later, revealed):
    today = date.fromordinal(DAY.toordinal() + days_later)
    assert is_revealed(DAY, {"patient"}, today, 7) is revealed


def test_configured_days_are_honoured():
    assert is_revealed(DAY, {"therapist"}, date(2026, 3, 12), 2)
    assert not is_revealed(DAY, {"therapist"}, date(2026, 3, 11), 2)


def test_partner_rating_hidden_until_reveal():
    views = session_views([SessionRecord(DAY, {"patient": P, "therapist": T})], "patient", DAY, 7)
    assert views[0].partner is not None  # both rated: revealed at once
    views = session_views([SessionRecord(DAY, {"therapist": T})], "patient", DAY, 7)
    assert views[0].partner is None and views[0].own is None
    assert views[0].rated_by == {"therapist"}


def test_own_rating_always_visible_and_unlocked_before_reveal():
    (view,) = session_views([SessionRecord(DAY, {"patient": P})], "patient", DAY, 7)
    assert view.own.scores["mutuality"] == 6 and view.own.comment == "patient note"
    assert not view.locked


def test_own_rating_locked_after_reveal():
    (view,) = session_views([SessionRecord(DAY, {"patient": P, "therapist": T})], "therapist", DAY, 7)
    assert view.locked
    assert [r.rater for r in view.visible] == ["patient", "therapist"]
    assert view.own.alliance_index == pytest.approx((8 + 7 + 9 + 8 + 7) / 5)


def test_sessions_numbered_by_date_not_by_insertion():
    later, earlier = SessionRecord(date(2026, 3, 20), {"patient": P}), SessionRecord(date(2026, 3, 1), {"patient": P})
    views = session_views([later, earlier], "patient", date(2026, 3, 21), 7)
    assert [(v.number, v.date) for v in views] == [(1, date(2026, 3, 1)), (2, date(2026, 3, 20))]


def test_partner_of_late_session_is_shown_after_seven_days_even_unrated_by_viewer():
    (view,) = session_views([SessionRecord(DAY, {"therapist": T})], "patient", date(2026, 3, 17), 7)
    assert view.revealed and view.partner.comment == "therapist note"

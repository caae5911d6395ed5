"""The six factors are defined once, completely, and in our own words."""

import datetime

import pytest

from partnertrack.core.roles import ROLES
from partnertrack.ratings.factors import (
    BY_KEY,
    FACTOR_KEYS,
    FACTORS,
    INDEX_KEYS,
    ITEMS_CHANGED_ON,
    alliance_index,
    first_session_reworded,
    items_version_on,
)


def test_six_factors_in_design_order():
    assert FACTOR_KEYS == (
        "mutuality",
        "collaboration",
        "responsiveness",
        "feedback",
        "rupture_repair",
        "termination_readiness",
    )
    assert [f.name for f in FACTORS] == [
        "Mutuality",
        "Collaboration",
        "Responsiveness",
        "Feedback",
        "Rupture repair",
        "Termination readiness",
    ]


def test_only_rupture_repair_allows_nothing_felt_off():
    assert [f.key for f in FACTORS if f.allows_not_applicable] == ["rupture_repair"]


def test_termination_readiness_is_tracked_apart_from_the_index():
    assert FACTOR_KEYS[:5] == INDEX_KEYS
    assert not BY_KEY["termination_readiness"].in_alliance_index


@pytest.mark.parametrize("role", ROLES)
def test_every_factor_has_a_distinct_statement_per_role(role):
    statements = [f.statement_for(role) for f in FACTORS]
    assert all(s and s.endswith(".") for s in statements)
    assert len(set(statements)) == 6


def test_patient_and_therapist_statements_differ():
    assert all(f.patient_statement != f.therapist_statement for f in FACTORS)


def test_unknown_role_is_refused():
    with pytest.raises(ValueError):
        FACTORS[0].statement_for("admin")


def test_statements_avoid_copyrighted_scale_wording():
    # Phrases from the SRS/ORS/WAI items that our own wording must not copy.
    borrowed = [
        "i felt heard, understood, and respected",
        "we worked on and talked about",
        "the therapist's approach is a good fit",
        "overall, today's session was right for me",
        "we agree on what is important",
    ]
    text = " ".join(f.statement_for(r).lower() for f in FACTORS for r in ROLES)
    assert not [phrase for phrase in borrowed if phrase in text]


def test_alliance_index_is_mean_of_rated_first_five():
    scores = {
        "mutuality": 8,
        "collaboration": 6,
        "responsiveness": 7,
        "feedback": 5,
        "rupture_repair": 9,
        "termination_readiness": 0,
    }
    assert alliance_index(scores) == pytest.approx((8 + 6 + 7 + 5 + 9) / 5)


def test_alliance_index_leaves_out_nothing_felt_off():
    scores = {
        "mutuality": 8,
        "collaboration": 6,
        "responsiveness": 7,
        "feedback": 5,
        "rupture_repair": None,
        "termination_readiness": 10,
    }
    assert alliance_index(scores) == pytest.approx(6.5)


def test_alliance_index_of_nothing_is_none():
    assert alliance_index(dict.fromkeys(FACTOR_KEYS)) is None


# --- the reworded statements (version 2) ----------------------------------------------

SAME_ACT = {
    "mutuality": "heard and respected",
    "collaboration": "decided together what to work on",
    "responsiveness": "fitted the session to",
    "feedback": "said about how therapy is going",
    "rupture_repair": "feels settled now",
    "termination_readiness": "talk openly",
}


@pytest.mark.parametrize("factor", FACTORS, ids=lambda f: f.key)
def test_both_roles_rate_the_same_act_so_a_gap_means_something(factor):
    for role in ROLES:
        assert SAME_ACT[factor.key] in factor.statement_for(role)


@pytest.mark.parametrize("factor", FACTORS, ids=lambda f: f.key)
def test_each_statement_asks_one_thing(factor):
    # the old double-barrelled items: "talked about it and set it right", "what ... and how"
    for role in ROLES:
        text = factor.statement_for(role)
        assert ", and" not in text and " and how" not in text and " and set" not in text
        assert text.count(".") == 1


def test_mutuality_asks_whether_the_patient_felt_heard_and_respected_as_an_equal():
    assert BY_KEY["mutuality"].patient_statement == "My therapist heard and respected me as an equal."


def test_sessions_from_the_change_date_use_the_new_statements():
    before = ITEMS_CHANGED_ON - datetime.timedelta(days=1)
    assert (items_version_on(before), items_version_on(ITEMS_CHANGED_ON)) == (1, 2)
    sessions = [(1, before - datetime.timedelta(days=7)), (2, before), (3, ITEMS_CHANGED_ON)]
    assert first_session_reworded(sessions) == 3
    assert first_session_reworded(sessions[:2]) is None  # all old: nothing to mark
    assert first_session_reworded(sessions[2:]) is None  # all new: no change to mark

"""Signals in words: the therapist's contract wording, the patient's plain words."""

from __future__ import annotations

import datetime
import random

import pytest

from partnertrack.insights.signals import SessionStatus, analyse, find_ruptures
from partnertrack.insights.wording import describe
from tests.factories import rate
from tests.simulated_series import NOISE_MODELS, series

TODAY = datetime.date(2025, 1, 1)
FORBIDDEN_FOR_PATIENTS = ("index", "strong", "partner", "rupture")


def run(levels, rater="patient"):
    """Sessions 1..len(levels), each at the given level."""
    return [rate(i, rater, level) for i, level in enumerate(levels, start=1)]


def v_shape():
    """Six 7s, a dip to 5.2 at session 7, back to 7 at session 9 (see test_rupture_detection)."""
    return run([7] * 6) + [rate(7, level=5, feedback=6), rate(8, level=6), rate(9, level=7)]


def test_the_therapist_reads_possible_rupture_at_session_n_with_its_repair():
    lines = describe(analyse(v_shape(), [], TODAY), "therapist")
    assert lines[0] == (
        "Possible rupture at session 7 in your client's ratings (1.8 below the usual 7.0). Repaired after 2 sessions."
    )


def test_an_open_rupture_is_worth_talking_about():
    lines = describe(analyse(run([7] * 6 + [5]), [], TODAY), "therapist")
    assert lines[0] == (
        "Possible rupture at session 7 in your client's ratings (2.0 below the usual 7.0). "
        "Not yet repaired — worth talking about together."
    )


def test_the_patient_reads_plain_words_about_how_a_session_felt():
    lines = describe(analyse(v_shape(), [], TODAY), "patient")
    assert lines[0] == "A dip in how session 7 felt to you. It felt better again 2 sessions later."
    open_dip = describe(analyse(run([7] * 6 + [5]), [], TODAY), "patient")
    assert open_dip[0].startswith("A dip in how session 7 felt to you. Your therapist would want to hear about it")
    therapist_dip = describe(analyse(run([7] * 6 + [5], "therapist"), [], TODAY), "patient")
    assert therapist_dip[0].startswith("Your therapist noted a dip in how session 7 felt to them.")


@pytest.mark.parametrize("seed", range(12))
def test_no_possible_rupture_is_named_that_was_not_detected(seed):
    # everyday wobble for both parties: the page names exactly the detected ruptures
    rng = random.Random(seed)
    ratings = series(rng, NOISE_MODELS["wobble -1/0/+1"]) + series(rng, NOISE_MODELS["wobble -1/0/+1"], "therapist")
    named = [line for line in describe(analyse(ratings, [], TODAY), "therapist") if "ossible rupture" in line]
    assert len(named) == len(find_ruptures(ratings))


def _busy_signals():
    """A dip, a decline, a blind spot, forms owed, quiet weeks and readiness, all at once."""
    patient = [rate(n, level=8, termination_readiness=8) for n in range(1, 8)]
    patient += [rate(n, level=lv, termination_readiness=8) for n, lv in ((8, 6), (9, 5), (10, 4))]
    therapist = [rate(n, "therapist", level=8, termination_readiness=8) for n in range(1, 11)]
    old = [SessionStatus(11, datetime.date(2024, 11, 1), frozenset({"patient"}))]
    return analyse(patient + therapist, old, datetime.date(2025, 6, 1))


def test_patients_never_read_an_index_a_grade_or_partner():
    for line in describe(_busy_signals(), "patient"):
        assert not any(word in line.lower() for word in FORBIDDEN_FOR_PATIENTS), line


def test_the_therapist_never_reads_index_strong_or_partner():
    lines = describe(_busy_signals(), "therapist")
    assert lines
    for line in lines:
        assert not any(word in line.lower() for word in ("index", "strong rupture", "partner ")), line


def test_a_therapist_well_above_the_client_is_worded_as_a_blind_spot():
    # session 10: therapist 8, patient 4 -> the therapist 4.0 higher
    lines = describe(_busy_signals(), "therapist")
    assert (
        "You rated session 10 4.0 points higher than your client did: a possible blind spot, worth asking about."
        in lines
    )
    patient_higher = analyse([rate(1, level=9), rate(1, "therapist", level=5)], [], TODAY)
    assert "Your client rated session 1 4.0 points higher; patients often do." in describe(patient_higher, "therapist")


def test_one_trend_line_per_party_never_one_per_factor():
    lines = describe(_busy_signals(), "therapist")
    assert [line for line in lines if "declining" in line] == [
        "Your client's ratings have been declining over the last 6 sessions — worth talking about together."
    ]
    assert "Sessions have been feeling less good to you over the last 6 sessions — worth talking about together." in (
        describe(_busy_signals(), "patient")
    )


def test_readiness_is_an_invitation_to_talk_never_a_discharge():
    lines = describe(_busy_signals(), "therapist")
    assert (
        lines[-1]
        == "You both feel ready to talk about how and when therapy might end — a conversation, not a decision."
    )
    assert all("discharge" not in line.lower() for line in lines + describe(_busy_signals(), "patient"))


def test_weeks_without_ratings_and_forms_owed():
    lines = describe(_busy_signals(), "therapist")
    assert "Your client has not yet rated session 11." not in lines  # the patient rated it
    assert "You have not yet rated session 11." in lines
    assert any(line.startswith("No session has been rated for 30 weeks.") for line in lines)
    assert describe(analyse([rate(1)], [], TODAY), "patient") == []

"""Chart data: what each chart draws is exactly the ratings given, and its text says so."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest

from partnertrack.insights.alliance_data import alliance
from partnertrack.insights.chart_data import (
    CHART_NAMES,
    caseload,
    factor_trends,
    gap_map,
    goal_progress,
    readiness,
)
from partnertrack.insights.chart_model import CaseloadLine, GoalSeries, Mark
from partnertrack.insights.signals import RatingData, find_ruptures
from partnertrack.ratings.factors import FACTORS, INDEX_KEYS, ITEMS_CHANGED_ON, NOT_APPLICABLE_LABEL
from tests.factories import rate


@pytest.fixture
def ratings() -> list[RatingData]:
    """Four sessions; the therapist's session-3 rating is not revealed, so it is absent.

    Patient indices: 6,6,6,7,6 -> 31/5 = 6.2; 7.0; 8.0; 8,8,9,9,8 -> 42/5 = 8.4.
    Therapist: 7.0, 7.0, and 8,8,5,8,8 -> 37/5 = 7.4 in session 4.
    """
    return [
        rate(1, level=6, feedback=7),
        rate(2),
        rate(3, level=8),
        rate(4, level=8, responsiveness=9, feedback=9),
        rate(1, "therapist"),
        rate(2, "therapist"),
        rate(4, "therapist", level=8, responsiveness=5),
    ]


def test_chart_names():
    assert CHART_NAMES == ("factors", "alliance", "gaps", "readiness", "goals", "caseload")


@pytest.mark.parametrize("build", [factor_trends, lambda r: alliance(r, ()), gap_map, readiness])
def test_no_ratings_is_the_empty_state(build):
    data = build([])
    assert data.empty and data.rows == () and data.summary == "No ratings yet."
    assert data.empty_message == "No ratings yet" and data.columns


def test_factor_series_are_the_ratings_given(ratings):
    data = factor_trends(ratings)
    assert data.panels == tuple(f.name for f in FACTORS)
    for series in data.series:
        key = next(f.key for f in FACTORS if f.name == series.panel)
        expected = tuple((r.session_number, r.scores[key]) for r in ratings if r.rater == series.role)
        assert series.points == expected
    therapist_sessions = {n for s in data.series if s.role == "therapist" for n, _ in s.points}
    assert therapist_sessions == {1, 2, 4}  # the unrevealed session-3 rating is simply absent
    # patient: responsiveness moved most, 6 -> 9; therapist: responsiveness 7 -> 5
    assert data.summary == (
        "Over 4 sessions, the patient's ratings moved most on responsiveness "
        "(6 to 9); the therapist's ratings moved most on responsiveness (7 to 5)."
    )


def test_factor_table_marks_missing_and_not_applicable_differently(ratings):
    ratings[1] = rate(2, rupture_repair=None)
    data = factor_trends(ratings, viewer_role="patient")
    assert data.columns[:3] == ("Session", "Mutuality (patient)", "Mutuality (therapist)")
    assert data.rows[2][:3] == (3, 8, "")  # session 3: the therapist's rating is not visible
    repair = data.columns.index("Rupture repair (patient)")
    assert data.rows[1][repair] == NOT_APPLICABLE_LABEL
    assert (2, None) in next(s.points for s in data.series if s.panel == "Rupture repair" and s.role == "patient")
    assert data.summary.startswith("Over 4 sessions, your ratings moved most")


def test_alliance_series_band_and_summary(ratings):
    data = alliance(ratings, (), viewer_role="therapist")
    patient, therapist = data.series
    # sums of whole scores divided by 5 give the same float as the decimal literal
    assert patient.points == ((1, 6.2), (2, 7.0), (3, 8.0), (4, 8.4))
    assert therapist.points == ((1, 7.0), (2, 7.0), (4, 7.4))
    assert [n for n, _, _ in data.band] == [1, 2, 4]  # shaded only where both rated
    assert data.rows[0] == (1, 6.2, 7.0, 0.8, "")  # 7.0 - 6.2
    assert data.rows[2] == (3, 8.0, "", "", "")
    assert data.summary == (
        "Your client's alliance index rose from 6.2 to 8.4 over 4 sessions; your "
        "alliance index rose from 7.0 to 7.4 over 3 sessions; "
        "no possible ruptures."
    )
    assert (data.title, data.y_label) == ("Alliance index", "Alliance index (0–10)")


def test_the_patient_reads_how_sessions_felt_not_an_index(ratings):
    data = alliance(ratings, (), viewer_role="patient")
    assert (data.title, data.y_label) == ("How the sessions felt overall", "How the session felt (0–10)")
    assert data.summary == (
        "Sessions felt better to you over 4 sessions: from 6.2 to 8.4 out of 10. "
        "Sessions felt better to your therapist over 3 sessions: from 7.0 to 7.4 out of 10. "
        "No dip in how the sessions felt."
    )


def test_the_patient_reads_of_a_dip_and_never_of_a_strong_rupture():
    patient = [rate(n) for n in range(1, 7)] + [rate(7, level=5, feedback=6), rate(8, level=6), rate(9)]
    ruptures = [replace(r, strong=True) for r in find_ruptures(patient)]
    data = alliance(patient, ruptures, viewer_role="patient")
    assert data.marks == (Mark("rupture", "patient", 7, 5.2), Mark("repair", "patient", 9, 7.0))  # none larger
    assert data.rows[6][-1] == "a dip for you" and data.rows[8][-1] == "better again for you"
    assert (data.mark_words.rupture, data.mark_words.at_strong) == ("A dip", "dip")
    assert data.summary.endswith("A dip in how session 7 felt to you; it felt better again by session 9.")
    assert "rupture" not in data.summary.lower() and "index" not in data.summary.lower()
    therapist = alliance(patient, ruptures, viewer_role="therapist")
    assert therapist.marks[0].strong and therapist.rows[6][-1] == "possible rupture (strong), patient"


def test_alliance_marks_rupture_and_repair():
    # six 7s, 5.2 (5,5,5,6,5), 6, 7: rupture at 7, repaired at 9 (as in test_signals)
    patient = [rate(n) for n in range(1, 7)] + [rate(7, level=5, feedback=6), rate(8, level=6), rate(9)]
    data = alliance(patient, find_ruptures(patient), viewer_role="therapist")
    assert data.marks == (Mark("rupture", "patient", 7, 5.2), Mark("repair", "patient", 9, 7.0))
    assert data.rows[6][-1] == "possible rupture, patient" and data.rows[8][-1] == "repaired, patient"
    assert data.summary.endswith(
        "one possible rupture, at session 7 in your client's ratings, was repaired by session 9."
    )


def test_viewer_wording_changes_the_text_not_the_drawing_of_the_factors(ratings):
    for_patient = factor_trends(ratings, viewer_role="patient")
    for_therapist = factor_trends(ratings, viewer_role="therapist")
    assert for_patient.summary != for_therapist.summary
    assert for_patient.drawn() == for_therapist.drawn()


def test_the_alliance_chart_is_drawn_for_its_reader(ratings):
    """Its title and drawn labels are the reader's: one image cannot serve both."""
    assert (
        alliance(ratings, (), viewer_role="patient").drawn() != alliance(ratings, (), viewer_role="therapist").drawn()
    )


def test_gap_map_matrix(ratings):
    data = gap_map(ratings, viewer_role="patient")
    matrix = data.matrix
    assert matrix.col_labels == (1, 2, 3, 4)
    by_factor = dict(zip(matrix.row_labels, matrix.values))
    # therapist minus patient; None in session 3, which only the patient's rating covers
    assert by_factor["Mutuality"] == (1, 0, None, 0)  # 7-6, 7-7, -, 8-8
    assert by_factor["Responsiveness"] == (1, 0, None, -4)  # ..., 5-9
    assert by_factor["Feedback"] == (0, 0, None, -1)  # 7-7, 7-7, -, 8-9
    assert data.rows[2] == (3, "", "", "", "", "", "")
    assert data.summary == (
        "In 3 sessions rated by both, 1 factor score was 3 or more points "
        "apart; the widest was responsiveness in session 4 (your therapist 5, you 9)."
    )


def test_gap_map_needs_a_session_both_rated():
    data = gap_map([rate(1), rate(2, "therapist")])
    assert data.empty and data.empty_message == "No session rated by both yet"


def test_readiness_series_and_ready_line(ratings):
    data = readiness(ratings, viewer_role="therapist")
    assert data.hline == 7.0 and data.hline_label == "Ready line (7)"
    assert [s.points for s in data.series] == [((1, 3), (2, 3), (3, 3), (4, 3)), ((1, 3), (2, 3), (4, 3))]
    assert data.summary == (
        "Latest readiness: your client rated 3 in session 4, you rated 3 in session 4; the ready line is at 7."
    )
    ready = [rate(n, role, termination_readiness=8) for n in (8, 9) for role in ("patient", "therapist")]
    assert readiness(ready).summary.endswith(
        "the ready line is at 7, reached by both in each of the last 2 sessions both rated."
    )


def test_one_session_summary():
    assert factor_trends([rate(1), rate(1, "therapist")]).summary == (
        "One session rated so far: each factor shows a single score."
    )


def test_goal_progress_split_by_rater():
    goals = [
        GoalSeries("Sleep better", [(1, "patient", 2), (1, "therapist", 3), (3, "patient", 6)]),
        GoalSeries("Walk daily", []),
    ]
    data = goal_progress(goals)
    assert [(s.label, s.points, s.group) for s in data.series] == [
        ("Sleep better (patient)", ((1, 2), (3, 6)), 0),
        ("Sleep better (therapist)", ((1, 3),), 0),
        ("Walk daily (patient)", (), 1),
        ("Walk daily (therapist)", (), 1),
    ]
    assert data.rows == ((1, 2, 3, "", ""), (3, 6, "", "", ""))
    assert data.summary == "2 shared goals; latest progress — Sleep better: the patient 6 and the therapist 3."


def test_goal_progress_empty_states():
    assert goal_progress([]).empty_message == "No shared goals yet"
    assert goal_progress([GoalSeries("Walk daily", [])]).empty_message == "No goal progress rated yet"


def test_caseload_lines_and_summary():
    patients = [
        CaseloadLine("Alex", [(2, 7.5), (1, 6.0)]),
        CaseloadLine("Sam", [(1, 8.0), (3, 5.2)]),
        CaseloadLine("New client", []),
    ]
    data = caseload(patients)
    assert [s.points for s in data.series] == [((1, 6.0), (2, 7.5)), ((1, 8.0), (3, 5.2)), ()]
    # One row per client, whatever the number of sessions: the dashboard stays O(partnerships).
    assert data.rows == (("Alex", 2, 6.0, 7.5, 6.0), ("Sam", 2, 8.0, 5.2, 5.2))
    assert data.summary == (
        "2 clients with ratings; latest alliance index in your ratings lowest for Sam (5.2), highest for Alex (7.5)."
    )
    assert caseload([]).empty and caseload([CaseloadLine("New", [])]).empty


def test_the_alliance_chart_marks_the_session_where_the_statements_were_reworded():
    # sessions weekly up to the change date and beyond: the first on or after it is marked
    start = ITEMS_CHANGED_ON - datetime.timedelta(days=14)
    ratings = [
        RatingData(n, start + datetime.timedelta(days=7 * (n - 1)), "patient", dict.fromkeys(INDEX_KEYS, 7))
        for n in (1, 2, 3, 4)
    ]
    data = alliance(ratings, ())
    assert (data.vline, data.vline_label) == (2.5, "Statements reworded")
    assert "the statements were reworded from session 3" in data.summary
    assert [row[-1] for row in data.rows][2] == "first rated with the reworded statements"
    assert alliance(ratings[:2], ()).vline is None

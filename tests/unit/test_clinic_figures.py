"""The clinic's pure domain: attunement, the supervisor's figures, de-identification, the export."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from partnertrack.clinic import attunement, deidentify, export
from partnertrack.clinic.figures import Case, band_of, figures_of, latest_client_index, needs_attention
from partnertrack.insights.signals import analyse
from tests.factories import rate

KEY = b"a test key that is long enough"


def series(patient: list[int], therapist: list[int]) -> list:
    """Ratings of both parties, session by session, at the given alliance levels."""
    return [rate(n, "patient", p) for n, p in enumerate(patient, 1)] + [
        rate(n, "therapist", t) for n, t in enumerate(therapist, 1)
    ]


def case(ratings, pid: int = 1, therapist: int = 10, status: str = "active", **over) -> Case:
    """A Case around ``ratings`` with its signals."""
    values = dict(
        partnership_id=pid,
        therapist_id=therapist,
        status=status,
        closed_by_patient=False,
        ratings=tuple(ratings),
        sessions_due=0,
        rated_by_patient=0,
        rated_by_therapist=0,
        open_concerns=0,
        signals=analyse(ratings, [], date(2025, 6, 1)),
    )
    values.update(over)
    return Case(**values)


def test_a_client_dip_the_therapist_also_rated_low_counts_as_seen():
    """Both dip at session 5: one client dip, seen."""
    figure = attunement.of_partnership(series([7, 7, 7, 7, 3, 7], [6, 6, 6, 6, 2, 6]))
    assert (figure.client_dips, figure.seen_by_therapist, figure.share_seen) == (1, 1, 1.0)


def test_a_client_dip_the_therapist_did_not_feel_is_not_seen():
    """Client dips at session 5, the therapist rated it as usual: 0 of 1."""
    figure = attunement.of_partnership(series([7, 7, 7, 7, 3, 7], [6, 6, 6, 6, 6, 6]))
    assert (figure.client_dips, figure.seen_by_therapist) == (1, 0)
    assert figure.share_seen == 0.0


def test_a_dip_in_a_session_the_therapist_did_not_rate_is_neither_seen_nor_missed():
    """The therapist's rating of session 5 is missing: the client's dip there does not count."""
    ratings = [
        r
        for r in series([7, 7, 7, 7, 3, 7], [6, 6, 6, 6, 6, 6])
        if not (r.rater == "therapist" and r.session_number == 5)
    ]
    assert attunement.of_partnership(ratings).client_dips == 0


def test_the_lean_is_therapist_minus_client_over_sessions_both_rated():
    """Therapist two points lower in each of four sessions: lean -2, in words."""
    figure = attunement.of_partnership(series([8, 8, 8, 8], [6, 6, 6, 6]))
    assert figure.lean == pytest.approx(-2.0)
    assert figure.lean_words == "2.0 points lower than the clients' ratings"
    assert attunement.of_partnership(series([7, 7], [7, 7])).lean_words == "close to the clients' ratings"
    assert attunement.Attunement().lean_words == "no session rated by both yet"


def test_figures_of_many_partnerships_add_up_exactly():
    """combined sums counts, so shares of a caseload are exact."""
    a = attunement.of_partnership(series([7, 7, 7, 7, 3, 7], [6, 6, 6, 6, 2, 6]))
    b = attunement.of_partnership(series([7, 7, 7, 7, 3, 7], [6, 6, 6, 6, 6, 6]))
    total = attunement.combined([a, b])
    assert (total.client_dips, total.seen_by_therapist, total.share_seen) == (2, 1, 0.5)


def test_alliance_bands_and_latest_client_index():
    """Bands of two points; 10 is in the top band; the latest patient rating decides."""
    assert [band_of(x) for x in (0, 1.9, 2, 5.5, 8, 10)] == [0, 0, 1, 2, 4, 4]
    assert latest_client_index(series([4, 9], [5, 5])) == 9


def test_figures_count_caseload_forms_ruptures_and_endings():
    """A dip-and-repair partnership, a quiet one, and two endings of each kind."""
    dip = case(
        series([7, 7, 7, 7, 3, 7, 7, 7], [6] * 8), pid=1, sessions_due=6, rated_by_patient=6, rated_by_therapist=3
    )
    quiet = case(
        series([8, 8], [8, 8]), pid=2, sessions_due=2, rated_by_patient=1, rated_by_therapist=2, open_concerns=1
    )
    planned = case([], pid=3, status="ended", open_concerns=2)  # left open at the end: not counted
    unplanned = case([], pid=4, status="ended", closed_by_patient=True)
    f = figures_of([dip, quiet, planned, unplanned])
    assert f.caseload == 2
    assert (f.patient_share, f.therapist_share) == (7 / 8, 5 / 8)
    assert f.open_concerns == 1
    assert (f.ruptures_detected, f.ruptures_repaired, f.median_sessions_to_repair) == (1, 1, 1)
    assert (f.planned_endings, f.unplanned_endings) == (1, 1)
    assert f.alliance_bands == (0, 0, 0, 1, 1)
    assert f.needing_attention == 1  # the open concern; the repaired dip needs nothing more


def test_an_open_rupture_needs_attention_but_an_ended_partnership_never_does():
    """Still low at the last session: open rupture, attention; ended: none."""
    low = series([7, 7, 7, 7, 3], [6, 6, 6, 6, 6])
    assert needs_attention(case(low))
    assert not needs_attention(case(low, status="ended"))


def test_pseudonyms_and_shifts_are_stable_secret_and_never_zero():
    """Same input, same output; another key or clinic, another; shifts within the bound and not 0."""
    assert deidentify.pseudonym(KEY, 1, "P", 5) == deidentify.pseudonym(KEY, 1, "P", 5)
    assert deidentify.pseudonym(KEY, 1, "P", 5) != deidentify.pseudonym(b"another key", 1, "P", 5)
    assert deidentify.pseudonym(KEY, 1, "P", 5) != deidentify.pseudonym(KEY, 2, "P", 5)
    shifts = {deidentify.shift_days(KEY, 1, pid) for pid in range(300)}
    assert 0 not in shifts and max(map(abs, shifts)) <= deidentify.MAX_SHIFT_DAYS
    assert min(shifts) < 0 < max(shifts)


def test_the_export_has_no_names_shifted_dates_and_the_signals():
    """One row per rating; the real date nowhere; the dip flagged on the patient's row of session 5."""
    ratings = series([7, 7, 7, 7, 3, 7], [6, 6, 6, 6, 6, 6])
    body = export.to_csv([case(ratings, pid=42, therapist=7)], KEY, 1)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 12 and tuple(rows[0]) == export.HEADER
    assert {r["partnership"] for r in rows} == {deidentify.pseudonym(KEY, 1, "P", 42)}
    assert {r["therapist"] for r in rows} == {deidentify.pseudonym(KEY, 1, "T", 7)}
    real = {r.session_date.isoformat() for r in ratings}
    assert not real & {r["session_date_shifted"] for r in rows}
    flagged = [(r["session_number"], r["rater"]) for r in rows if r["possible_rupture"] == "1"]
    assert flagged == [("5", "patient")]
    assert "comment" not in body


def test_a_clinic_summed_from_its_therapists_equals_the_figures_of_all_its_partnerships():
    """Figures add exactly (the clinic page sums the therapists' instead of computing twice)."""
    from partnertrack.clinic.figures import summed

    cases = [
        case(series([7, 7, 7, 7, 3, 7, 7, 7], [6] * 8), pid=1, therapist=1, sessions_due=8, rated_by_patient=8),
        case(series([7, 7, 7, 7, 2, 4, 7], [6, 6, 6, 6, 2, 6, 6]), pid=2, therapist=2, open_concerns=2),
        case(series([8, 8], [8, 8]), pid=3, therapist=2, status="ended", closed_by_patient=True),
    ]
    assert summed([figures_of(cases[:1]), figures_of(cases[1:])]) == figures_of(cases)

"""The renderer: valid, deterministic SVG and PNG for every chart, and matplotlib imported lazily."""

from __future__ import annotations

import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from partnertrack.demo.series import demo_goals, synthetic_ratings
from partnertrack.insights import chart_data, chart_model
from partnertrack.insights.alliance_data import alliance
from partnertrack.insights.charts import FIGSIZE, PNG_DPI, etag, render
from partnertrack.insights.signals import find_ruptures, index_of
from tests.factories import rate

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _all_charts(n_sessions: int = 16) -> list[chart_model.ChartData]:
    """One ChartData per chart name, from the demo series."""
    ratings = synthetic_ratings(n_sessions)
    goals = [chart_model.GoalSeries(title, points) for title, points in demo_goals(n_sessions)]
    patients = [
        chart_model.CaseloadLine(
            f"Client {seed}",
            [(r.session_number, index_of(r)) for r in synthetic_ratings(n_sessions, seed) if r.rater == "therapist"],
        )
        for seed in range(3)
    ]
    return [
        chart_data.factor_trends(ratings),
        alliance(ratings, find_ruptures(ratings)),
        chart_data.gap_map(ratings),
        chart_data.readiness(ratings),
        chart_data.goal_progress(goals),
        chart_data.caseload(patients),
    ]


CHARTS = {data.name: data for data in _all_charts()}


def _png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which always follows the signature."""
    assert png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def _texts(svg: bytes) -> list[str]:
    """All text content of an SVG document (parsing it proves it is well-formed XML)."""
    return [t for t in ET.fromstring(svg).itertext() if t.strip()]


def test_every_chart_has_a_renderer():
    assert tuple(CHARTS) == chart_data.CHART_NAMES


@pytest.mark.parametrize("name", chart_data.CHART_NAMES)
def test_svg_is_xml_with_the_title(name):
    svg = render(CHARTS[name])
    texts = _texts(svg)
    assert texts[0] == CHARTS[name].title  # the <title> element, first inside <svg>
    assert CHARTS[name].title not in texts[1:]  # not drawn again: the page's heading names the chart


@pytest.mark.parametrize("name", ["factors", "gaps", "readiness"])
def test_png_signature_and_size(name):
    png = render(CHARTS[name], "png")
    assert png.startswith(PNG_SIGNATURE)
    assert _png_size(png) == (round(FIGSIZE[0] * PNG_DPI), round(FIGSIZE[1] * PNG_DPI))  # 1200 x 675


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_same_data_gives_identical_bytes(fmt):
    first = render(CHARTS["alliance"], fmt)
    again = render(alliance(synthetic_ratings(16), find_ruptures(synthetic_ratings(16))), fmt)
    assert first == again


def test_empty_data_draws_a_message():
    svg = render(chart_data.factor_trends([]))
    assert "No ratings yet" in _texts(svg)
    assert render(chart_data.goal_progress([]), "png").startswith(PNG_SIGNATURE)


def test_alliance_marks_and_dashed_therapist_line():
    svg = render(CHARTS["alliance"]).decode()
    assert "stroke-dasharray" in svg  # the therapist's line differs by style, not colour only
    texts = _texts(svg.encode())
    assert "Possible rupture" in texts and "Repaired" in texts and "strong rupture" not in texts


def test_large_gap_map_skips_cell_numbers():
    # 12 sessions: one number per cell (72); 60 sessions: none, past MAX_CELL_NUMBERS
    small = _texts(render(CHARTS["gaps"]))
    large = _texts(render(chart_data.gap_map(synthetic_ratings(60))))
    assert len(small) - len(large) > 60


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        render(CHARTS["readiness"], "pdf")


def test_etag_depends_on_drawn_data_and_format():
    ratings = synthetic_ratings(12)
    mine = chart_data.factor_trends(ratings, viewer_role="patient")
    theirs = chart_data.factor_trends(ratings, viewer_role="therapist")
    assert etag(mine, "svg") == etag(theirs, "svg") != etag(mine, "png")
    assert etag(chart_data.factor_trends(ratings[:-2]), "svg") != etag(mine, "svg")


def test_the_alliance_chart_is_drawn_in_its_readers_words():
    """The patient's image never carries the therapist's terms, so it never shares the therapist's tag.

    The patient's six usual 7s, then a 3 in session 7: one dip, open.
    """
    ratings = [rate(n, level=3 if n == 7 else 7) for n in range(1, 8)] + [rate(n, "therapist") for n in range(1, 8)]
    ruptures = find_ruptures(ratings)
    assert ruptures
    patient = alliance(ratings, ruptures, viewer_role="patient")
    therapist = alliance(ratings, ruptures, viewer_role="therapist")
    assert etag(patient, "svg") != etag(therapist, "svg")
    patient_words, therapist_words = _texts(render(patient)), _texts(render(therapist))
    assert {"A dip", "dip"} <= set(patient_words)
    assert not [t for t in patient_words if "rupture" in t.lower() or "index" in t.lower()]
    assert {"Possible rupture", "Alliance index (0–10)"} <= set(therapist_words)


@pytest.mark.parametrize("name", ["alliance", "caseload"])
def test_the_fixed_drawn_words_go_through_the_given_translation(name):
    """Every word of the code drawn in the image is looked up (the mark labels and the caseload's axis too)."""
    texts = _texts(render(CHARTS[name], words=lambda text: f"«{text}»"))
    expected = {
        "alliance": ["«Possible rupture»", "«rupture»", "«repaired»"],
        "caseload": ["«Session (each band: alliance index 0–10; latest at right)»"],
    }[name]
    assert all(word in texts for word in expected), texts


def test_importing_charts_does_not_import_matplotlib():
    code = "import sys, partnertrack.insights.charts; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

"""The CSV contract, built from what the viewer may see."""

import csv
import io
from datetime import date

from partnertrack.exports.csvfile import HEADER, render
from partnertrack.ratings.reveal import RatingRecord, SessionRecord, session_views

SCORES = {
    "mutuality": 6,
    "collaboration": 5,
    "responsiveness": 7,
    "feedback": 6,
    "rupture_repair": None,
    "termination_readiness": 1,
}


def parse(text):
    return list(csv.reader(io.StringIO(text)))


def test_header_is_the_contract():
    assert ",".join(HEADER) == (
        "session_number,session_date,rater,mutuality,collaboration,responsiveness,feedback,"
        "rupture_repair,termination_readiness,alliance_index,comment"
    )


def test_unrevealed_partner_rating_is_not_exported_and_na_is_empty():
    sessions = [
        SessionRecord(
            date(2026, 1, 5),
            {"patient": RatingRecord(SCORES, 'a, "quoted" comment'), "therapist": RatingRecord(SCORES)},
        ),
        SessionRecord(date(2026, 1, 12), {"therapist": RatingRecord(dict(SCORES, mutuality=9))}),
    ]
    rows = parse(render(session_views(sessions, "patient", date(2026, 1, 13), 7)))
    assert rows[0] == list(HEADER)
    assert rows[1] == ["1", "2026-01-05", "patient", "6", "5", "7", "6", "", "1", "6.00", 'a, "quoted" comment']
    assert rows[2][:3] == ["1", "2026-01-05", "therapist"]
    assert len(rows) == 3  # session 2's therapist rating is still blind to the patient


def test_formula_like_comment_cannot_run_in_a_spreadsheet():
    sessions = [SessionRecord(date(2026, 1, 5), {"patient": RatingRecord(SCORES, '=HYPERLINK("x")')})]
    rows = parse(render(session_views(sessions, "patient", date(2026, 1, 5), 7)))
    assert rows[1][-1] == '\'=HYPERLINK("x")'


def test_ordinary_dash_prose_is_kept_as_typed():
    sessions = [SessionRecord(date(2026, 1, 5), {"patient": RatingRecord(SCORES, "- felt rushed")})]
    rows = parse(render(session_views(sessions, "patient", date(2026, 1, 5), 7)))
    assert rows[1][-1] == "- felt rushed"

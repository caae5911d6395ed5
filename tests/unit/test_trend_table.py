"""The partnership page's trend table: first against latest of what the viewer may see."""

from datetime import date, timedelta

from partnertrack.partnerships.overview import trend_table
from partnertrack.ratings.reveal import RatingRecord, SessionRecord, session_views
from tests.factories import flat

DAY = date(2026, 3, 2)


def test_first_and_latest_per_party_skip_hidden_ratings_and_empty_scores():
    records = [
        SessionRecord(DAY, {"patient": RatingRecord(flat(4)), "therapist": RatingRecord(flat(6))}, session_id=1),
        SessionRecord(
            DAY + timedelta(days=7),
            {"patient": RatingRecord(flat(8, rupture_repair=None)), "therapist": RatingRecord(flat(7))},
            session_id=2,
        ),
        # Rated by the therapist only yesterday: still hidden from the patient.
        SessionRecord(DAY + timedelta(days=14), {"therapist": RatingRecord(flat(2))}, session_id=3),
    ]
    seen = session_views(records, "patient", DAY + timedelta(days=15), 7)
    rows = {str(r.name): r for r in trend_table(seen, "patient")}
    bond = rows["Mutuality"]
    assert bond.first == {"patient": 4, "therapist": 6} and bond.latest == {"patient": 8, "therapist": 7}
    assert bond.count == {"patient": 2, "therapist": 2}
    repair = rows["Rupture repair"]
    assert repair.latest["patient"] == 4 and repair.count["patient"] == 1  # "nothing felt off" is no score
    assert list(rows)[0] == "How the sessions felt overall" and len(rows) == 7

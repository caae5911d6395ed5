"""The post-session form: storing, changing, locking, the reveal rule and every bad input."""

import csv
import io
from datetime import date, timedelta

import pytest

from partnertrack.extensions import db
from partnertrack.models import Rating, TherapySession
from tests.factories import rating_form

TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)


def rating_rows(app):
    with app.app_context():
        return [(r.therapy_session.date, r.rater, r.scores, r.comment) for r in db.session.scalars(db.select(Rating))]


def session_count(app):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(TherapySession.id)))


def rate(client, world, **fields):
    return client.post(f"/partnerships/{world.partnership}/rate", data=rating_form(YESTERDAY, **fields))


def test_form_shows_factors_and_role_statements(client, world, auth):
    auth.login("pat@example.org")
    page = client.get(f"/partnerships/{world.partnership}/rate").text
    for label in (
        "Session date",
        "Mutuality",
        "Collaboration",
        "Responsiveness",
        "Feedback",
        "Rupture repair",
        "Termination readiness",
        "Comment",
        "Nothing felt off this session",
    ):
        assert label in page
    assert "My therapist fitted the session to me" in page
    assert "once you have both rated" in page
    assert f'value="{TODAY.isoformat()}"' in page  # session date defaults to today


def test_therapist_sees_therapist_statements(client, world, auth):
    auth.login("tara@example.org")
    assert "I fitted the session to my client" in client.get(f"/partnerships/{world.partnership}/rate").text


def test_rating_is_stored(app, client, world, auth):
    auth.login("pat@example.org")
    response = rate(client, world, comment="Felt heard today")
    assert response.status_code == 302
    assert rating_rows(app) == [
        (
            YESTERDAY,
            "patient",
            {
                "mutuality": 7,
                "collaboration": 6,
                "responsiveness": 8,
                "feedback": 7,
                "rupture_repair": 5,
                "termination_readiness": 2,
            },
            "Felt heard today",
        )
    ]


def test_nothing_felt_off_is_stored_as_null(app, client, world, auth):
    auth.login("pat@example.org")
    rate(client, world, rupture_repair="", rupture_choice="none")
    assert rating_rows(app)[0][2]["rupture_repair"] is None


def test_sending_again_updates_and_never_adds_a_row(app, client, world, auth):
    auth.login("pat@example.org")
    rate(client, world)
    response = rate(client, world, mutuality=3, comment="changed my mind")
    assert response.status_code == 302
    rows = rating_rows(app)
    assert len(rows) == 1 and rows[0][2]["mutuality"] == 3 and rows[0][3] == "changed my mind"
    assert session_count(app) == 1


def test_both_parties_share_one_session(app, client, world, auth):
    auth.login("pat@example.org")
    rate(client, world)
    auth.logout()
    auth.login("tara@example.org")
    rate(client, world, mutuality=9)
    assert session_count(app) == 1
    assert sorted(r[1] for r in rating_rows(app)) == ["patient", "therapist"]


def test_blind_until_both_rated(app, client, world, auth):
    auth.login("tara@example.org")
    rate(client, world, mutuality=9, comment="Secret therapist note")
    auth.logout()
    auth.login("pat@example.org")
    page = client.get(f"/partnerships/{world.partnership}/").text
    assert "Secret therapist note" not in page
    assert "has rated; their answers appear once you have rated too" in page
    export = client.get(f"/partnerships/{world.partnership}/export.csv").text
    assert "therapist" not in export and "Secret" not in export
    rate(client, world, mutuality=4, comment="Patient view")
    page = client.get(f"/partnerships/{world.partnership}/").text
    assert "Secret therapist note" in page and "Patient view" in page


def test_patient_sees_waiting_for_therapist(client, world, auth):
    auth.login("pat@example.org")
    rate(client, world)
    assert "Waiting for your therapist to rate." in client.get(f"/partnerships/{world.partnership}/").text


def test_revealed_rating_is_locked(app, client, world, auth):
    auth.login("pat@example.org")
    rate(client, world)
    auth.logout()
    auth.login("tara@example.org")
    rate(client, world)
    before = rating_rows(app)
    response = rate(client, world, mutuality=0)
    assert response.status_code == 422 and "is locked" in response.text
    assert rating_rows(app) == before


def test_rating_revealed_after_reveal_days(app, client, world, auth):
    old_day = TODAY - timedelta(days=7)
    auth.login("tara@example.org")
    client.post(f"/partnerships/{world.partnership}/rate", data=rating_form(old_day, comment="old note"))
    auth.logout()
    auth.login("pat@example.org")
    assert "old note" in client.get(f"/partnerships/{world.partnership}/").text


def test_reveal_days_are_configurable(new_app):
    from tests.factories import add_partnership, add_user

    app = new_app(REVEAL_AFTER_DAYS=1)
    with app.app_context():
        t = add_user("T", "t@example.org", "therapist")
        p = add_user("P", "p@example.org", "patient")
        pid = add_partnership(t, p, "P", TODAY - timedelta(days=30))
    client = app.test_client()
    client.post("/login", data={"email": "t@example.org", "password": "correct horse battery"})
    client.post(f"/partnerships/{pid}/rate", data=rating_form(YESTERDAY, comment="day-old note"))
    client.post("/logout")
    client.post("/login", data={"email": "p@example.org", "password": "correct horse battery"})
    assert "day-old note" in client.get(f"/partnerships/{pid}/").text


BAD_SCORES = ["11", "-1", "7.5", "abc", "", " ", "1e1", "0x5", "99999999999999999999", "²", "٣"]


@pytest.mark.parametrize("value", BAD_SCORES)
@pytest.mark.parametrize(
    "factor, name", [("mutuality", "Mutuality"), ("termination_readiness", "Termination readiness")]
)
def test_bad_scores_are_refused_with_a_message(app, client, world, auth, value, factor, name):
    auth.login("pat@example.org")
    response = rate(client, world, **{factor: value})
    assert response.status_code == 422
    assert f"{name}: choose a whole number from 0 to 10." in response.text
    assert rating_rows(app) == [] and session_count(app) == 0


def test_missing_score_field_is_refused(app, client, world, auth):
    auth.login("pat@example.org")
    data = rating_form(YESTERDAY)
    del data["feedback"]
    response = client.post(f"/partnerships/{world.partnership}/rate", data=data)
    assert response.status_code == 422 and "Feedback: choose a whole number" in response.text
    assert rating_rows(app) == []


def test_rupture_repair_needs_a_score_or_nothing_felt_off(app, client, world, auth):
    auth.login("pat@example.org")
    response = rate(client, world, rupture_repair="")
    assert response.status_code == 422 and "or choose “Nothing felt off this session”" in response.text
    assert rating_rows(app) == []


def test_a_score_and_nothing_felt_off_together_are_refused(app, client, world, auth):
    auth.login("pat@example.org")
    response = rate(client, world, rupture_repair="6", rupture_choice="none")
    assert response.status_code == 422 and "not both" in response.text
    assert rating_rows(app) == []


def test_bad_input_keeps_what_was_typed(client, world, auth):
    auth.login("pat@example.org")
    page = rate(client, world, mutuality="11", feedback="4", comment="keep me").text
    assert 'value="11"' in page and 'value="4"' in page and "keep me" in page


@pytest.mark.parametrize(
    "day, message",
    [
        (TODAY + timedelta(days=1), "cannot be in the future"),
        (TODAY - timedelta(days=400), "cannot be before the partnership began"),
    ],
)
def test_bad_dates_are_refused(app, client, world, auth, day, message):
    auth.login("pat@example.org")
    response = client.post(f"/partnerships/{world.partnership}/rate", data=rating_form(day))
    assert response.status_code == 422 and message in response.text
    assert session_count(app) == 0


@pytest.mark.parametrize("value", ["", "not a date", "2026-02-30"])
def test_unreadable_dates_are_refused(app, client, world, auth, value):
    auth.login("pat@example.org")
    data = rating_form(YESTERDAY)
    data["session_date"] = value
    response = client.post(f"/partnerships/{world.partnership}/rate", data=data)
    assert response.status_code == 422
    assert "Please give the date of the session." in response.text or "Not a valid date value." in response.text
    assert session_count(app) == 0


def test_comment_limit(app, client, world, auth):
    auth.login("pat@example.org")
    response = rate(client, world, comment="x" * 2001)
    assert response.status_code == 422 and "2,000 characters or fewer" in response.text
    assert rating_rows(app) == []
    assert rate(client, world, comment="y" * 2000).status_code == 302
    assert len(rating_rows(app)[0][3]) == 2000


def test_comment_is_rendered_escaped(client, world, auth):
    auth.login("pat@example.org")
    rate(client, world, comment="<script>alert(1)</script>")
    auth.logout()
    auth.login("tara@example.org")
    rate(client, world)
    page = client.get(f"/partnerships/{world.partnership}/").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_post_without_csrf_token_stores_nothing(new_app):
    from tests.factories import add_partnership, add_user

    app = new_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        t = add_user("T", "t@example.org", "therapist")
        pid = add_partnership(t, None, "P", TODAY - timedelta(days=30))
    client = app.test_client()
    login_page = client.get("/login").text
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"email": "t@example.org", "password": "correct horse battery", "csrf_token": token})
    response = client.post(f"/partnerships/{pid}/rate", data=rating_form(YESTERDAY))
    assert response.status_code == 400
    assert rating_rows(app) == []


def test_edit_link_prefills_own_rating(client, world, auth):
    auth.login("pat@example.org")
    rate(client, world, mutuality=2, comment="first thoughts")
    page = client.get(f"/partnerships/{world.partnership}/rate?date={YESTERDAY.isoformat()}").text
    assert 'value="2"' in page and "first thoughts" in page
    # The page marks the date its answers belong to, so changing the date reloads instead of carrying them over.
    assert f'data-prefilled-date="{YESTERDAY.isoformat()}"' in page
    fresh = client.get(f"/partnerships/{world.partnership}/rate?date={TODAY.isoformat()}").text
    assert "data-prefilled-date" not in fresh and "first thoughts" not in fresh


def test_side_by_side_and_csv_hold_what_was_typed(client, world, auth):
    auth.login("pat@example.org")
    rate(client, world, mutuality=4, collaboration=5, comment="patient words")
    auth.logout()
    auth.login("tara@example.org")
    rate(client, world, mutuality=9, rupture_repair="", rupture_choice="none", comment="therapist words")
    page = client.get(f"/partnerships/{world.partnership}/").text
    assert "Latest: session 1 ·" in page and "patient words" in page and "therapist words" in page
    response = client.get(f"/partnerships/{world.partnership}/export.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["rater"], r["mutuality"], r["collaboration"], r["rupture_repair"], r["comment"]) for r in rows] == [
        ("patient", "4", "5", "5", "patient words"),
        ("therapist", "9", "6", "", "therapist words"),
    ]
    assert rows[0]["session_number"] == "1" and rows[0]["session_date"] == YESTERDAY.isoformat()
    assert rows[1]["alliance_index"] == f"{(9 + 6 + 8 + 7) / 4:.2f}"

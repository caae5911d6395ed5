"""The rupture log: automatic entries from the signals, concerns raised by hand, notes and status."""

import pytest

from partnertrack.extensions import db
from partnertrack.ruptures.models import RuptureEntry, RuptureNote
from tests.factories import PATIENT, THERAPIST, YESTERDAY, flat, rating_form, set_status, store_ratings, weekly_dates
from tests.helpers import count, text_of

# The patient's alliance index over 7 weekly sessions: steady, a dip at session 5, back by session 7.
V_SHAPE = [7, 7, 7, 7, 3, 5, 7]


def log_url(world, tail=""):
    return f"/partnerships/{world.partnership}/ruptures/{tail}"


def store_v_shape(app, world):
    """Both parties rated 7 weekly sessions up to yesterday: the therapist steady, the patient V-shaped."""
    dates = weekly_dates(len(V_SHAPE))
    rows = [(d, "patient", flat(v)) for d, v in zip(dates, V_SHAPE)] + [(d, "therapist", flat(7)) for d in dates]
    store_ratings(app, world.partnership, rows)
    return dates


def entries(app):
    with app.app_context():
        return [
            (e.source, e.party, e.therapy_session.date if e.therapy_session else None, e.status)
            for e in db.session.scalars(db.select(RuptureEntry).order_by(RuptureEntry.id))
        ]


def only_entry_id(app):
    with app.app_context():
        return db.session.scalar(db.select(RuptureEntry.id))


def notes(app):
    with app.app_context():
        return [
            (n.author, n.text, n.status_from, n.status_to)
            for n in db.session.scalars(db.select(RuptureNote).order_by(RuptureNote.id))
        ]


def test_a_v_shaped_series_becomes_one_automatic_entry_with_its_repair(app, client, world, auth):
    dates = store_v_shape(app, world)
    auth.login(PATIENT)
    page = text_of(client.get(log_url(world)))
    assert entries(app) == [("signal", "patient", dates[4], "open")]
    assert "A dip in how a session felt to you, session 5" in page  # the patient never reads "rupture" here
    assert "came back near their usual level in session 7: 2 sessions after the dip" in page
    assert "4.0 below the usual 7.0" in page  # why it was flagged
    # Loading the log again, or as the other party, never adds a second entry for the same dip.
    client.get(log_url(world))
    auth.logout()
    auth.login(THERAPIST)
    page = text_of(client.get(log_url(world)))
    assert "Possible rupture in Pat’s ratings, session 5" in page
    assert len(entries(app)) == 1


def test_a_blind_dip_makes_no_entry_until_a_rating_reveals_it(app, client, world, auth):
    dates = weekly_dates(6, YESTERDAY)
    rows = [(d, role, flat(7)) for d in dates[:-1] for role in ("patient", "therapist")]
    store_ratings(app, world.partnership, rows + [(dates[-1], "patient", flat(2))])
    auth.login(THERAPIST)
    page = text_of(client.get(log_url(world)))
    assert entries(app) == [] and "Nothing in the log yet" in page  # the patient's dip is still blind
    # The therapist rates that session: it is revealed, and saving the rating adds the entry at once.
    response = client.post(f"/partnerships/{world.partnership}/rate", data=rating_form(dates[-1], **flat(7)))
    assert response.status_code == 302
    assert entries(app) == [("signal", "patient", dates[-1], "open")]


def test_patient_concern_from_the_form_reaches_the_therapist_at_once(app, client, world, auth):
    auth.login(PATIENT)
    form = rating_form(YESTERDAY, rupture_choice="raised", concern_text="I felt rushed at the end.")
    assert client.post(f"/partnerships/{world.partnership}/rate", data=form).status_code == 302
    auth.logout()
    auth.login(THERAPIST)
    dashboard = text_of(client.get("/"))
    assert "Pat: I felt rushed at the end." in dashboard  # the concerns cell of the caseload table
    log = text_of(client.get(log_url(world)))
    assert "Concern raised by Pat, session 1" in log and "I felt rushed at the end." in log
    # The concern is not blind, but the rating still is: the therapist has not rated.
    show = text_of(client.get(f"/partnerships/{world.partnership}/"))
    assert "their answers appear once you have rated too" in show


def test_sending_the_form_again_keeps_one_concern(app, client, world, auth):
    auth.login(PATIENT)
    url = f"/partnerships/{world.partnership}/rate"
    client.post(url, data=rating_form(YESTERDAY, rupture_choice="raised"))
    client.post(url, data=rating_form(YESTERDAY, rupture_choice="raised", concern_text="It was the silence."))
    assert entries(app) == [("concern", "patient", YESTERDAY, "open")]
    assert notes(app) == [("patient", "It was the silence.", None, None)]


def test_the_form_without_the_box_raises_nothing(app, client, world, auth):
    auth.login(PATIENT)
    client.post(f"/partnerships/{world.partnership}/rate", data=rating_form(YESTERDAY))
    assert entries(app) == []


def test_over_long_concern_on_the_form_stores_nothing(app, client, world, auth):
    from partnertrack.models import Rating

    auth.login(PATIENT)
    response = client.post(
        f"/partnerships/{world.partnership}/rate",
        data=rating_form(YESTERDAY, rupture_choice="raised", concern_text="x" * 2001),
    )
    assert response.status_code == 422
    assert "Please keep your concern to 2,000 characters or fewer." in text_of(response)
    assert entries(app) == [] and count(app, Rating) == 0


def test_concern_raised_from_the_partnership_page(app, client, world, auth):
    store_ratings(app, world.partnership, [(YESTERDAY, "therapist", flat(6))])
    auth.login(THERAPIST)
    assert "Something felt off? Raise a concern" in client.get(f"/partnerships/{world.partnership}/").text
    page = client.get(log_url(world, "new")).text
    assert "Session 1 · " in page
    response = client.post(log_url(world, "new"), data={"text": "I pushed too hard on homework.", "session": ""})
    assert response.status_code == 302
    assert entries(app) == [("concern", "therapist", None, "open")]
    auth.logout()
    auth.login(PATIENT)
    assert "Concern raised by your therapist" in text_of(client.get(log_url(world)))


def test_a_concern_sent_twice_from_one_form_is_raised_once(app, client, world, auth):
    """A double tap or a retried request: the same form's key meets the first request's, one entry, one alert."""
    import re

    from partnertrack.core.outbox import OutboxMessage

    auth.login(PATIENT)
    page = client.get(log_url(world, "new")).text
    key = re.search(r'name="submission" type="hidden" value="([0-9a-f]+)"', page).group(1)
    data = {"text": "The session ended abruptly.", "session": "", "submission": key}
    first = client.post(log_url(world, "new"), data=data)
    second = client.post(log_url(world, "new"), data=data)
    assert first.status_code == second.status_code == 302
    assert entries(app) == [("concern", "patient", None, "open")]
    assert "Your concern is in the rupture log" in text_of(client.get(second.headers["Location"]))
    assert count(app, OutboxMessage) <= 1  # the therapist is alerted once at most
    fresh = re.search(r'name="submission" type="hidden" value="([0-9a-f]+)"', client.get(log_url(world, "new")).text)
    assert fresh.group(1) != key  # a new form is a new concern
    assert client.post(log_url(world, "new"), data={**data, "submission": fresh.group(1)}).status_code == 302
    assert len(entries(app)) == 2


@pytest.mark.parametrize(
    "data, message",
    [
        ({"text": ""}, "Please say briefly what felt off."),
        ({"text": "y" * 2001}, "Please keep your concern to 2,000 characters or fewer."),
        ({"text": "Fine words", "session": "99999"}, "Please choose one of this partnership’s sessions."),
        ({"text": "Fine words", "session": "²"}, "Please choose one of this partnership’s sessions."),
    ],
)
def test_bad_concerns_are_refused_beside_the_field(app, client, world, auth, data, message):
    auth.login(PATIENT)
    response = client.post(log_url(world, "new"), data=data)
    assert response.status_code == 422 and message in text_of(response)
    assert entries(app) == []


def test_entry_moves_open_discussed_repaired_with_notes_from_both(app, client, world, auth):
    dates = store_v_shape(app, world)
    auth.login(PATIENT)
    client.get(log_url(world))
    eid = only_entry_id(app)
    assert (
        client.post(
            log_url(world, f"{eid}/notes"), data={"note": "I was upset about the cancelled session."}
        ).status_code
        == 302
    )
    auth.logout()
    auth.login(THERAPIST)
    client.post(log_url(world, f"{eid}/status"), data={"status": "discussed", "status_note": "We talked it through."})
    auth.logout()
    auth.login(PATIENT)
    client.post(log_url(world, f"{eid}/status"), data={"status": "repaired"})
    assert entries(app) == [("signal", "patient", dates[4], "repaired")]
    assert notes(app) == [
        ("patient", "I was upset about the cancelled session.", None, None),
        ("therapist", "We talked it through.", "open", "discussed"),
        ("patient", None, "discussed", "repaired"),
    ]
    page = text_of(client.get(log_url(world, str(eid))))
    assert "Your therapist" in page and "marked it discussed (was open): We talked it through." in page
    assert "You" in page and "marked it repaired (was discussed)." in page
    # Marked repaired today: sessions 6 and 7 were held after the dip at session 5.
    assert "2 sessions after the dip" in page
    # And back one step: repaired -> discussed is allowed.
    assert client.post(log_url(world, f"{eid}/status"), data={"status": "discussed"}).status_code == 302
    assert entries(app)[0][3] == "discussed"


@pytest.mark.parametrize(
    "steps, bad, message",
    [
        ([], "repaired", "Talk it through first: mark this entry discussed before marking it repaired."),
        ([], "open", "This entry is already marked open."),
        (["discussed", "repaired"], "open", "A repaired entry goes back to discussed first, then to open."),
        (["discussed"], "discussed", "This entry is already marked discussed."),
        ([], "closed", "Please choose open, discussed or repaired."),
    ],
)
def test_status_changes_that_are_not_allowed_change_nothing(app, client, world, auth, steps, bad, message):
    auth.login(PATIENT)
    client.post(log_url(world, "new"), data={"text": "Something felt off."})
    eid = only_entry_id(app)
    for step in steps:
        client.post(log_url(world, f"{eid}/status"), data={"status": step})
    before = (entries(app), notes(app))
    response = client.post(log_url(world, f"{eid}/status"), data={"status": bad})
    assert response.status_code == 409 and message in text_of(response)
    assert (entries(app), notes(app)) == before


@pytest.mark.parametrize(
    "note, message",
    [
        ("", "Please write a note."),
        ("n" * 2001, "Please keep your note to 2,000 characters or fewer."),
    ],
)
def test_bad_notes_are_refused(app, client, world, auth, note, message):
    auth.login(PATIENT)
    client.post(log_url(world, "new"), data={"text": "Something felt off."})
    eid = only_entry_id(app)
    response = client.post(log_url(world, f"{eid}/notes"), data={"note": note})
    assert response.status_code == 422 and message in text_of(response)
    assert 'id="note-error"' in response.text
    response = client.post(
        log_url(world, f"{eid}/status"), data={"status": "discussed", "status_note": note or "m" * 2001}
    )
    assert response.status_code == 422
    assert notes(app) == [] and entries(app)[0][3] == "open"


def test_outsiders_get_404(app, client, world, auth):
    auth.login(PATIENT)
    client.post(log_url(world, "new"), data={"text": "Something felt off."})
    eid = only_entry_id(app)
    auth.logout()
    auth.login("omar@example.org")
    for url in (log_url(world), log_url(world, "new"), log_url(world, str(eid))):
        assert client.get(url).status_code == 404
    assert client.post(log_url(world, f"{eid}/notes"), data={"note": "hi"}).status_code == 404
    other = f"/partnerships/{world.other_partnership}/ruptures/{eid}"
    assert client.get(other).status_code == 404  # Omar's own partnership, Pat's entry id
    assert client.post(other + "/status", data={"status": "discussed"}).status_code == 404
    assert notes(app) == [] and entries(app)[0][3] == "open"


def test_ended_partnership_keeps_the_log_readable_and_refuses_changes(app, client, world, auth):
    auth.login(PATIENT)
    client.post(log_url(world, "new"), data={"text": "Something felt off."})
    eid = only_entry_id(app)
    set_status(app, world.partnership, "ended")
    for url, data in [
        (log_url(world, "new"), {"text": "Another"}),
        (log_url(world, f"{eid}/notes"), {"note": "A note"}),
        (log_url(world, f"{eid}/status"), {"status": "discussed"}),
    ]:
        response = client.post(url, data=data, follow_redirects=True)
        assert "This partnership has ended, so nothing here can change." in text_of(response)
    page = client.get(log_url(world, str(eid)))
    assert page.status_code == 200 and "Something felt off." in page.text and "Add note" not in page.text
    assert notes(app) == [] and entries(app) == [("concern", "patient", None, "open")]

"""The safety path: crisis information on patient pages, the talk-soon request, the clinic contact."""

from partnertrack.extensions import db
from partnertrack.models import Partnership
from tests.conftest import make_app
from tests.factories import PATIENT, THERAPIST, make_world
from tests.helpers import client_as, outbox, text_of


def talk_url(world, tail=""):
    return f"/partnerships/{world.partnership}/talk-soon/{tail}"


def asked_at(app, world):
    with app.app_context():
        return db.session.get(Partnership, world.partnership).talk_soon_at


def test_every_patient_page_carries_the_crisis_line_and_the_default_says_call_emergency(app, world, auth):
    auth.login(PATIENT)
    for url in (
        "/",
        f"/partnerships/{world.partnership}/rate",
        f"/partnerships/{world.partnership}/goals/",
        "/account/",
    ):
        page = text_of(auth.client.get(url))
        assert "In crisis or in danger now? Call your local emergency number." in page, url
    auth.logout()
    auth.login(THERAPIST)
    assert "In crisis or in danger now?" not in text_of(auth.client.get("/"))


def test_the_clinic_sets_the_crisis_text_phone_and_contact(tmp_path):
    app = make_app(
        tmp_path,
        CRISIS_PHONE="call 116 123 (Samaritans)",
        CRISIS_TEXT="Out of hours: the crisis team.",
        CLINIC_CONTACT="clinic@example.org",
    )
    world = make_world(app)
    page = text_of(client_as(app, PATIENT).get(f"/partnerships/{world.partnership}/rate"))
    assert "In crisis or in danger now? Call 116 123 (Samaritans)." in page
    assert "Out of hours: the crisis team." in page
    assert "A concern about your therapist? You can raise it with the clinic: clinic@example.org." in page


def test_without_a_clinic_contact_no_clinic_line_is_shown(app, world, auth):
    auth.login(PATIENT)
    assert "raise it with the clinic" not in text_of(auth.client.get(f"/partnerships/{world.partnership}/rate"))


def test_talk_soon_reaches_the_therapist_at_once_and_mails_an_alert(app, world, auth):
    auth.login(PATIENT)
    response = auth.client.post(talk_url(world))
    assert response.status_code == 302 and asked_at(app, world) is not None
    assert "Your therapist has been told you need to talk soon." in text_of(auth.client.get(response.location))
    (alert,) = outbox(app, kind="alert")
    assert '"talk_soon"' in alert.payload
    # asking again changes nothing and mails nothing more
    first = asked_at(app, world)
    auth.client.post(talk_url(world))
    assert asked_at(app, world) == first and len(outbox(app, kind="alert")) == 1
    auth.logout()
    auth.login(THERAPIST)
    page = text_of(auth.client.get("/"))
    assert "Asked to talk to you soon" in page and "Pat" in page
    auth.client.post(talk_url(world, "answered"))
    assert asked_at(app, world) is None
    assert "Asked to talk to you soon" not in text_of(auth.client.get("/"))


def test_the_wrong_role_cannot_ask_or_answer(app, world, auth):
    auth.login(THERAPIST)
    assert auth.client.post(talk_url(world)).status_code == 403
    assert asked_at(app, world) is None
    auth.logout()
    auth.login("quinn@example.org")
    assert auth.client.post(talk_url(world)).status_code == 404


def test_a_talk_soon_request_puts_the_partnership_first_on_the_dashboard(app, world, auth):
    from partnertrack.partnerships.service import open_partnership

    with app.app_context():
        from partnertrack.models import User

        tara = db.session.scalar(db.select(User).where(User.email == THERAPIST))
        open_partnership(tara, "Abe Newer", world.started_on)
        db.session.commit()
    auth.login(THERAPIST)
    before = text_of(auth.client.get("/"))
    assert before.index("Abe Newer") < before.index("Pat")  # by name while all is calm
    auth.logout()
    auth.login(PATIENT)
    auth.client.post(talk_url(world))
    auth.logout()
    auth.login(THERAPIST)
    page = text_of(auth.client.get("/"))
    listing = page[page.index("Asked to talk to you soon") + 30 :]
    listing = listing[listing.index("Mark as answered") :]
    assert listing.index("Pat") < listing.index("Abe Newer")
    assert "Asked to talk soon" in listing

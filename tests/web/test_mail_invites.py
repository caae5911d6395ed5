"""Invites by mail, against a real SMTP server: "New partnership" takes an optional "Patient email"."""

from __future__ import annotations

from datetime import date

from partnertrack.core.outbox import OutboxMessage
from partnertrack.models import Partnership
from tests.factories import THERAPIST
from tests.helpers import client_as, count, deliver, html_body, link_in, outbox, path_of, table_snapshot, text_of


def _open(client, email: str = "", name: str = "Zoe Quinlan"):
    """Post the New partnership form."""
    return client.post(
        "/partnerships/new",
        data={"patient_name": name, "started_on": date.today().isoformat(), "patient_email": email},
    )


def test_new_partnership_mails_the_invite_and_its_link_joins(mail_app, mail_server, world):
    therapist = client_as(mail_app, THERAPIST)
    page = therapist.get("/partnerships/new")
    assert "Patient email" in text_of(page)
    response = _open(therapist, "zoe@example.org")
    assert response.status_code == 302
    assert "being mailed to zoe@example.org" in text_of(therapist.get(response.headers["Location"]))
    assert deliver(mail_app).sent == 1
    [message] = mail_server.wait_for(1)
    assert message["To"] == "zoe@example.org"
    assert message["Subject"] == "You are invited to PartnerTrack"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<http://localhost/unsubscribe/")
    assert message["Message-ID"] == outbox(mail_app)[0].message_id
    link = link_in(message, "/join/")
    assert link in html_body(message)
    # The mail names neither the patient nor the therapist.
    for name in ("Zoe", "Quinlan", "Tara", "Therapist"):
        assert name not in text_body_and_subject(message)
    joining = mail_app.test_client().get(path_of(link))
    assert joining.status_code == 200 and "Create account and join" in joining.text


def text_body_and_subject(message) -> str:
    """Everything a reader of the mail sees: subject, text and HTML."""
    from tests.helpers import text_body

    return " ".join([message["Subject"], text_body(message), html_body(message)])


def test_an_invalid_patient_email_is_refused_and_nothing_is_stored(mail_app, world):
    therapist = client_as(mail_app, THERAPIST)
    before = table_snapshot(mail_app)
    response = _open(therapist, "zoe@@example")
    assert response.status_code == 422
    assert "Please enter a valid email address" in text_of(response)
    assert table_snapshot(mail_app) == before


def test_without_an_email_the_invite_is_not_mailed(mail_app, world):
    therapist = client_as(mail_app, THERAPIST)
    assert _open(therapist).status_code == 302
    assert count(mail_app, OutboxMessage) == 0
    assert count(mail_app, Partnership) == 3


def test_a_refused_address_is_shown_to_the_therapist(tmp_path, new_app, world):
    from tests.mailserver import MailServer

    with MailServer(refuse=("nobody@example.org",)) as smtp:
        app = new_app(**smtp.settings())
        from tests.factories import make_world

        make_world(app)
        therapist = client_as(app, THERAPIST)
        location = _open(therapist, "nobody@example.org").headers["Location"]
        report = deliver(app)
        assert (report.sent, report.failed, report.retried) == (0, 1, 0)
        assert smtp.messages == []
        page = text_of(therapist.get(location))
        assert "Invite to nobody@example.org: refused" in page
        assert "The mail server refused the address: 550" in page
        assert "Check the address with the patient and send a new invite" in page


def test_a_new_invite_link_can_be_mailed_and_the_replaced_one_is_not_sent(mail_app, mail_server, world):
    therapist = client_as(mail_app, THERAPIST)
    location = _open(therapist, "zoe@example.org").headers["Location"]
    assert therapist.post(location + "invite", data={"patient_email": "zoe.new@example.org"}).status_code == 302
    report = deliver(mail_app)
    assert (report.sent, report.skipped) == (1, 1)
    [message] = mail_server.wait_for(1)
    assert message["To"] == "zoe.new@example.org"
    page = text_of(therapist.get(location))
    assert "Not sent: the invite was used or replaced by a newer one first." in page
    assert mail_app.test_client().get(path_of(link_in(message, "/join/"))).status_code == 200


def test_a_bad_address_for_a_new_invite_changes_nothing(mail_app, world):
    therapist = client_as(mail_app, THERAPIST)
    location = _open(therapist).headers["Location"]
    before = table_snapshot(mail_app)
    response = therapist.post(location + "invite", data={"patient_email": "not an address"}, follow_redirects=True)
    assert "Please enter a valid email address" in text_of(response)
    assert "No new invite was made" in text_of(response)
    assert table_snapshot(mail_app) == before

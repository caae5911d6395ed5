"""The ending review: open, notes, agreement by both, withdrawal, closing, read-only after, the PDF."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from partnertrack.extensions import db
from partnertrack.goals.models import Goal
from partnertrack.review.models import Review
from partnertrack.ruptures.models import RuptureEntry
from tests.factories import PATIENT, THERAPIST, YESTERDAY, flat, rating_form, store_ratings, weekly_dates
from tests.helpers import count, status_of, text_of

NOTES = {
    "patient": ("I can name what I feel and ask for help.", "Speaking up at work still scares me."),
    "therapist": ("Pat now notices early signs and acts on them.", "Work on assertiveness was only begun."),
}


def url(world, tail=""):
    return f"/partnerships/{world.partnership}/review/{tail}"


def as_(auth, who):
    auth.logout()
    auth.login(who)


def write_notes(client, world, role):
    progress, undone = NOTES[role]
    return client.post(url(world, f"{role}/notes"), data={"progress": progress, "left_undone": undone})


def review_row(app):
    with app.app_context():
        r = db.session.scalar(db.select(Review))
        if r is None:
            return None
        return {
            "status": r.status,
            "opened_by": r.opened_by,
            "patient": (r.notes_of("patient"), r.agreed("patient")),
            "therapist": (r.notes_of("therapist"), r.agreed("therapist")),
            "patient_agreed_at": r.patient_agreed_at,
            "therapist_agreed_at": r.therapist_agreed_at,
        }


def test_full_ending_flow_for_both_parties_with_withdrawal(app, client, world, auth):
    auth.login(PATIENT)
    page = text_of(client.get(url(world)))
    assert "Open the ending review" in page and status_of(app, world.partnership) == "active"
    assert client.post(url(world, "open")).status_code == 302
    assert status_of(app, world.partnership) == "ending"
    assert "The ending review is open" in text_of(client.get(f"/partnerships/{world.partnership}/"))

    assert write_notes(client, world, "patient").status_code == 302
    assert client.post(url(world, "patient/agree")).status_code == 302
    assert review_row(app)["patient"] == (NOTES["patient"], True)
    # The patient changes their mind, then agrees again.
    assert client.post(url(world, "patient/withdraw")).status_code == 302
    assert review_row(app)["patient"][1] is False and status_of(app, world.partnership) == "ending"
    client.post(url(world, "patient/agree"))

    as_(auth, THERAPIST)
    page = text_of(client.get(url(world)))
    assert NOTES["patient"][0] in page and "agreed to end on" in page
    write_notes(client, world, "therapist")
    assert status_of(app, world.partnership) == "ending"  # notes alone end nothing
    response = client.post(url(world, "therapist/agree"), follow_redirects=True)
    assert "You have both agreed: the partnership has ended." in text_of(response)
    assert status_of(app, world.partnership) == "ended"
    row = review_row(app)
    assert row["status"] == "completed" and row["opened_by"] == "patient"
    assert row["patient"] == (NOTES["patient"], True) and row["therapist"] == (NOTES["therapist"], True)

    as_(auth, PATIENT)
    page = text_of(client.get(url(world)))
    assert "This partnership ended on" in page and "by mutual agreement" in page
    assert NOTES["therapist"][1] in page and "I agree to end" not in page


def test_closing_the_review_goes_back_to_active_and_keeps_the_notes(app, client, world, auth):
    auth.login(THERAPIST)
    client.post(url(world, "open"))
    write_notes(client, world, "therapist")
    client.post(url(world, "therapist/agree"))
    as_(auth, PATIENT)
    response = client.post(url(world, "close"), follow_redirects=True)
    assert "The ending review is closed and the partnership is active again." in text_of(response)
    assert status_of(app, world.partnership) == "active"
    row = review_row(app)
    assert row["status"] == "closed" and row["therapist"] == (NOTES["therapist"], False)
    # Opened again later: the notes are still there, the old agreement is not.
    client.post(url(world, "open"))
    row = review_row(app)
    assert row["status"] == "open" and row["opened_by"] == "patient" and row["therapist"] == (NOTES["therapist"], False)
    assert count(app, Review) == 1


@pytest.mark.parametrize(
    "setup, post, message",
    [
        (["open"], "open", "The ending review is already open."),
        ([], "patient/agree", "Open the ending review before agreeing to end."),
        (
            ["open"],
            "patient/agree",
            "Please write what progress was made and what was left undone before agreeing to end.",
        ),
        (["open", "notes", "patient/agree"], "patient/agree", "You have already agreed to end."),
        (["open"], "patient/withdraw", "You have not agreed to end, so there is no agreement to withdraw."),
        ([], "close", "There is no open ending review to close."),
        (["open", "notes", "patient/agree"], "patient/notes", "You have agreed to end, so your notes are fixed."),
    ],
)
def test_steps_that_are_not_allowed_change_nothing(app, client, world, auth, setup, post, message):
    auth.login(PATIENT)
    for step in setup:
        if step == "notes":
            write_notes(client, world, "patient")
        else:
            client.post(url(world, step))
    before = (review_row(app), status_of(app, world.partnership))
    data = {"progress": "changed", "left_undone": "changed"} if post.endswith("notes") else {}
    response = client.post(url(world, post), data=data)
    assert response.status_code == 409 and message in text_of(response)
    assert (review_row(app), status_of(app, world.partnership)) == before


def ended(app, client, world, auth):
    """Take the partnership through the review to "ended"."""
    auth.login(PATIENT)
    client.post(url(world, "open"))
    write_notes(client, world, "patient")
    client.post(url(world, "patient/agree"))
    as_(auth, THERAPIST)
    write_notes(client, world, "therapist")
    client.post(url(world, "therapist/agree"))
    assert status_of(app, world.partnership) == "ended"


@pytest.mark.parametrize(
    "post, message",
    [
        ("open", "This partnership has already ended."),
        ("close", "This partnership has ended and cannot go back to active."),
        ("therapist/agree", "This partnership has ended, so nothing here can change."),
        ("therapist/withdraw", "This partnership has ended, so nothing here can change."),
    ],
)
def test_an_ended_partnership_cannot_be_ended_again_or_reopened(app, client, world, auth, post, message):
    ended(app, client, world, auth)
    before = review_row(app)
    response = client.post(url(world, post))
    assert response.status_code == 409 and message in text_of(response)
    assert review_row(app) == before and status_of(app, world.partnership) == "ended"


def test_read_only_after_ending_but_pages_and_exports_stay(app, client, world, auth):
    ended(app, client, world, auth)
    pid = world.partnership
    refused = "This partnership has ended"
    for path, data in [
        (f"/partnerships/{pid}/rate", rating_form(YESTERDAY)),
        (f"/partnerships/{pid}/goals/", {"text": "A new goal"}),
        (f"/partnerships/{pid}/ruptures/new", {"text": "Something felt off"}),
        (url(world, "therapist/notes"), {"progress": "x", "left_undone": "y"}),
    ]:
        assert refused in text_of(client.post(path, data=data, follow_redirects=True))
    assert count(app, Goal) == 0 and count(app, RuptureEntry) == 0
    assert review_row(app)["therapist"] == (NOTES["therapist"], True)
    for path in ("/", "goals/", "ruptures/", "review/", "export.csv", "export.json", "review.pdf"):
        assert client.get(f"/partnerships/{pid}/{path}".replace("//", "/")).status_code == 200, path
    show = text_of(client.get(f"/partnerships/{pid}/"))
    assert "Ended" in show and "Rate a session" not in show and "/rate" not in client.get(f"/partnerships/{pid}/").text


def test_a_patient_cannot_act_as_the_therapist(app, client, world, auth):
    auth.login(PATIENT)
    client.post(url(world, "open"))
    for post in ("therapist/notes", "therapist/agree", "therapist/withdraw"):
        response = client.post(url(world, post), data={"progress": "forged", "left_undone": "forged"})
        assert response.status_code == 403
        assert "You do not have permission to do that." in text_of(response)
    assert review_row(app)["therapist"] == (("", ""), False)
    as_(auth, THERAPIST)
    assert client.post(url(world, "patient/agree")).status_code == 403
    assert client.post(url(world, "someone/agree")).status_code == 404


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"progress": "", "left_undone": "Something"}, "progress", "Please write what progress was made."),
        ({"progress": "Something", "left_undone": "  "}, "left_undone", "Please write what was left undone"),
        (
            {"progress": "p" * 2001, "left_undone": "Something"},
            "progress",
            "Please keep “Progress made” to 2,000 characters or fewer.",
        ),
        (
            {"progress": "Something", "left_undone": "u" * 2001},
            "left_undone",
            "Please keep “What was left undone” to 2,000 characters or fewer.",
        ),
    ],
)
def test_bad_notes_are_refused_beside_the_field(app, client, world, auth, data, field, message):
    auth.login(PATIENT)
    client.post(url(world, "open"))
    response = client.post(url(world, "patient/notes"), data=data)
    assert response.status_code == 422 and message in text_of(response)
    assert f'id="{field}-error"' in response.text
    assert review_row(app)["patient"] == (("", ""), False)


def test_outsiders_get_404(app, client, world, auth):
    auth.login("quinn@example.org")
    for path in ("", "../review.pdf"):
        assert client.get(url(world, path)).status_code == 404
    for post in ("open", "close", "patient/notes", "patient/agree", "patient/withdraw"):
        assert client.post(url(world, post)).status_code == 404
    assert review_row(app) is None and status_of(app, world.partnership) == "active"


def test_review_compares_first_three_sessions_with_the_last_three(app, client, world, auth):
    dates = weekly_dates(6, YESTERDAY - timedelta(days=1))
    values = [4, 5, 6, 8, 8, 9]  # patient: first three mean 5.0, last three 8.3
    store_ratings(
        app,
        world.partnership,
        [(d, "patient", flat(v)) for d, v in zip(dates, values)] + [(d, "therapist", flat(6)) for d in dates],
    )
    auth.login(THERAPIST)
    page = text_of(client.get(url(world)))
    assert "Factor Pat: first latest change You: first latest change" in page
    assert "Alliance index 5.0 8.3 +3.3 6.0 6.0 +0.0" in page
    assert "Mutuality 5.0 8.3 +3.3 6.0 6.0 +0.0" in page


def test_review_page_lists_goals_and_ruptures(app, client, world, auth):
    auth.login(PATIENT)
    client.post(f"/partnerships/{world.partnership}/goals/", data={"text": "Sleep through the night"})
    client.post(f"/partnerships/{world.partnership}/goals/", data={"text": "Call my sister"})
    with app.app_context():
        gid = db.session.scalar(db.select(Goal.id).where(Goal.text == "Sleep through the night"))
    client.post(f"/partnerships/{world.partnership}/goals/{gid}/status", data={"status": "achieved"})
    client.post(f"/partnerships/{world.partnership}/ruptures/new", data={"text": "Felt judged"})
    page = text_of(client.get(url(world)))
    achieved = page[page.index("Achieved") : page.index("Still open")]
    assert "Sleep through the night" in achieved and "Call my sister" in page[page.index("Still open") :]
    assert "Concern raised by you: open." in page


def test_the_pdf_opens_and_holds_both_parties_notes_and_the_charts(app, client, world, auth):
    store_ratings(
        app,
        world.partnership,
        [(d, r, flat(v)) for d, v in zip(weekly_dates(4), [6, 7, 3, 7]) for r in ("patient", "therapist")],
    )
    ended(app, client, world, auth)
    response = client.get(f"/partnerships/{world.partnership}/review.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for role in ("patient", "therapist"):
        for note in NOTES[role]:
            assert note in text, note
    assert "Ending review" in text and "Patient (Pat)" in text and "Therapist (Dr Tara Therapist)" in text
    assert "agreed to end on" in text
    images = sum(len(page.images) for page in reader.pages)
    assert images >= 2  # the readiness and alliance charts


def test_pdf_keeps_notes_in_any_script(app, client, world, auth):
    auth.login(PATIENT)
    client.post(url(world, "open"))
    client.post(
        url(world, "patient/notes"),
        data={"progress": "Ich kann „nein“ sagen — Ελληνικά, Русский.", "left_undone": "Ærlighed & <script>"},
    )
    response = client.get(f"/partnerships/{world.partnership}/review.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Ich kann „nein“ sagen — Ελληνικά, Русский." in " ".join(text.split())
    assert "Ærlighed & <script>" in text

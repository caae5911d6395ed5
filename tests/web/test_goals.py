"""Shared goals: adding, rewording, achieving, dropping, their history, and progress on the form."""

import re

import pytest

from partnertrack.extensions import db
from partnertrack.goals.models import Goal, GoalProgress, GoalRevision
from partnertrack.insights.service import goal_series
from partnertrack.models import Partnership, Rating
from tests.factories import PATIENT, THERAPIST, YESTERDAY, rating_form, set_status
from tests.helpers import count, text_of


def goals_url(world, tail=""):
    return f"/partnerships/{world.partnership}/goals/{tail}"


def add_goal(client, world, text):
    response = client.post(goals_url(world), data={"text": text})
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rsplit("#goal-", 1)[1])


def revisions(app, goal_id):
    with app.app_context():
        return [
            (r.action, r.text, r.status, r.changed_by)
            for r in db.session.scalars(
                db.select(GoalRevision).where(GoalRevision.goal_id == goal_id).order_by(GoalRevision.id)
            )
        ]


def goal_row(app, goal_id):
    with app.app_context():
        goal = db.session.get(Goal, goal_id)
        return goal.text, goal.status


def test_either_party_adds_a_goal_and_both_see_it(app, client, world, auth):
    auth.login(PATIENT)
    gid = add_goal(client, world, "Sleep through the night more often")
    page = text_of(client.get(goals_url(world)))
    assert "Sleep through the night more often" in page and "You set the goal" in page
    auth.logout()
    auth.login(THERAPIST)
    page = text_of(client.get(goals_url(world)))
    assert "Set by Pat" in page and "Pat set the goal “Sleep through the night more often”." in page
    assert goal_row(app, gid) == ("Sleep through the night more often", "active")
    assert revisions(app, gid) == [("created", "Sleep through the night more often", "active", "patient")]


def test_every_change_is_kept_as_a_revision_and_shown(app, client, world, auth):
    auth.login(PATIENT)
    gid = add_goal(client, world, "Go out once a week")
    auth.logout()
    auth.login(THERAPIST)
    assert (
        client.post(
            goals_url(world, f"{gid}/reword"), data={f"goal-{gid}-text": "Meet a friend once a week"}
        ).status_code
        == 302
    )
    assert client.post(goals_url(world, f"{gid}/status"), data={"status": "achieved"}).status_code == 302
    auth.logout()
    auth.login(PATIENT)
    client.post(goals_url(world, f"{gid}/status"), data={"status": "active"})
    client.post(goals_url(world, f"{gid}/status"), data={"status": "dropped"})
    assert revisions(app, gid) == [
        ("created", "Go out once a week", "active", "patient"),
        ("reworded", "Meet a friend once a week", "active", "therapist"),
        ("achieved", "Meet a friend once a week", "achieved", "therapist"),
        ("reopened", "Meet a friend once a week", "active", "patient"),
        ("dropped", "Meet a friend once a week", "dropped", "patient"),
    ]
    page = text_of(client.get(goals_url(world)))
    history = page[page.index("History") :]
    expected = [
        "You set the goal “Go out once a week”.",
        "Your therapist reworded it from “Go out once a week” to “Meet a friend once a week”.",
        "Your therapist marked it achieved.",
        "You set it active again.",
        "You dropped it.",
    ]
    positions = [history.index(line) for line in expected]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Please write the goal."),
        ("   ", "Please write the goal."),
        ("x" * 301, "Please keep the goal to 300 characters or fewer."),
    ],
)
def test_bad_goal_text_is_refused_beside_the_field(app, client, world, auth, text, message):
    auth.login(PATIENT)
    response = client.post(goals_url(world), data={"text": text})
    assert response.status_code == 422
    assert message in text_of(response)
    assert re.search(r'id="text-error"', response.text)  # beside the field, linked to it
    assert count(app, Goal) == 0 and count(app, GoalRevision) == 0


def test_300_characters_is_allowed(app, client, world, auth):
    auth.login(PATIENT)
    gid = add_goal(client, world, "y" * 300)
    assert goal_row(app, gid) == ("y" * 300, "active")


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Please write the goal."),
        ("z" * 301, "Please keep the goal to 300 characters or fewer."),
        ("Go out once a week", "The new wording is the same as the current one."),
    ],
)
def test_bad_rewording_changes_nothing(app, client, world, auth, text, message):
    auth.login(PATIENT)
    gid = add_goal(client, world, "Go out once a week")
    response = client.post(goals_url(world, f"{gid}/reword"), data={f"goal-{gid}-text": text})
    assert response.status_code == 422 and message in text_of(response)
    assert f'id="goal-{gid}-text-error"' in response.text
    assert goal_row(app, gid) == ("Go out once a week", "active")
    assert len(revisions(app, gid)) == 1


@pytest.mark.parametrize(
    "first, second, message",
    [
        ("achieved", "achieved", "This goal is already achieved."),
        ("dropped", "achieved", "This goal is dropped. Set it active again before marking it achieved."),
        (None, "active", "This goal is already active."),
        (None, "finished", "Please choose achieved, dropped or active."),
    ],
)
def test_status_changes_that_are_not_allowed(app, client, world, auth, first, second, message):
    auth.login(THERAPIST)
    gid = add_goal(client, world, "Name feelings when they come up")
    if first:
        client.post(goals_url(world, f"{gid}/status"), data={"status": first})
    before = (goal_row(app, gid), revisions(app, gid))
    response = client.post(goals_url(world, f"{gid}/status"), data={"status": second})
    assert response.status_code == 409 and message in text_of(response)
    assert (goal_row(app, gid), revisions(app, gid)) == before


def test_a_dropped_goal_cannot_be_reworded(app, client, world, auth):
    auth.login(PATIENT)
    gid = add_goal(client, world, "Old goal")
    client.post(goals_url(world, f"{gid}/status"), data={"status": "dropped"})
    response = client.post(goals_url(world, f"{gid}/reword"), data={f"goal-{gid}-text": "New words"})
    assert response.status_code == 422 and "Only an active goal can be reworded." in text_of(response)
    assert goal_row(app, gid) == ("Old goal", "dropped")


def test_outsiders_get_404_and_goal_ids_of_other_partnerships_find_nothing(app, client, world, auth):
    auth.login(PATIENT)
    gid = add_goal(client, world, "Mine")
    auth.logout()
    auth.login("quinn@example.org")
    assert client.get(goals_url(world)).status_code == 404
    assert client.post(goals_url(world), data={"text": "Sneaky"}).status_code == 404
    assert client.post(goals_url(world, f"{gid}/status"), data={"status": "dropped"}).status_code == 404
    # Quinn's own partnership, with Pat's goal id: still nothing.
    other = f"/partnerships/{world.other_partnership}/goals/{gid}"
    assert client.post(other + "/status", data={"status": "dropped"}).status_code == 404
    assert client.post(other + "/reword", data={f"goal-{gid}-text": "Hijacked"}).status_code == 404
    assert goal_row(app, gid) == ("Mine", "active") and count(app, Goal) == 1


def test_ended_partnership_refuses_goal_changes(app, client, world, auth):
    auth.login(PATIENT)
    gid = add_goal(client, world, "Keep a diary")
    set_status(app, world.partnership, "ended")
    for url, data in [
        (goals_url(world), {"text": "Another"}),
        (goals_url(world, f"{gid}/reword"), {f"goal-{gid}-text": "Changed"}),
        (goals_url(world, f"{gid}/status"), {"status": "achieved"}),
    ]:
        response = client.post(url, data=data, follow_redirects=True)
        assert "This partnership has ended, so nothing here can change." in text_of(response)
    assert goal_row(app, gid) == ("Keep a diary", "active") and count(app, Goal) == 1
    page = client.get(goals_url(world))
    assert page.status_code == 200 and "Keep a diary" in page.text and "Add goal" not in page.text


# --- progress on the post-session form ---------------------------------------------------


def test_form_has_no_goal_inputs_without_goals(client, world, auth):
    auth.login(PATIENT)
    page = client.get(f"/partnerships/{world.partnership}/rate").text
    assert "Progress on goal" not in page and 'name="goal_' not in page
    assert "Something felt off — raise a concern" in page


def test_form_has_one_progress_input_per_active_goal_for_both_parties(app, client, world, auth):
    auth.login(PATIENT)
    first = add_goal(client, world, "Ask for feedback at work")  # a factor name inside the goal text
    dropped = add_goal(client, world, "Dropped one")
    client.post(goals_url(world, f"{dropped}/status"), data={"status": "dropped"})
    for who in (PATIENT, THERAPIST):
        auth.logout()
        auth.login(who)
        page = client.get(f"/partnerships/{world.partnership}/rate").text
        labels = re.findall(r'<label[^>]*for="goal_\d+"[^>]*>([^<]*)</label>', page)
        assert labels == ["Progress on goal 1"]
        assert f'name="goal_{first}"' in page and f'name="goal_{dropped}"' not in page
        assert "Ask for feedback at work" in page
        # The goal text is the input's description, never its label: no factor name in any progress label.
        assert f'aria-describedby="goal_{first}-goal"' in page


def test_progress_is_stored_with_the_rating_and_can_be_changed(app, client, world, auth):
    auth.login(PATIENT)
    a = add_goal(client, world, "Sleep better")
    b = add_goal(client, world, "Walk daily")
    url = f"/partnerships/{world.partnership}/rate"
    assert client.post(url, data=rating_form(YESTERDAY, **{f"goal_{a}": 4, f"goal_{b}": ""})).status_code == 302
    with app.app_context():
        rows = db.session.execute(
            db.select(GoalProgress.goal_id, GoalProgress.progress, Rating.rater).join(
                Rating, GoalProgress.rating_id == Rating.id
            )
        ).all()
    assert [tuple(r) for r in rows] == [(a, 4, "patient")]
    # Coming back to change the rating shows the answer and lets it change or clear.
    page = client.get(f"{url}?date={YESTERDAY.isoformat()}").text
    assert re.search(rf'name="goal_{a}"[^>]*value="4"', page)
    client.post(url, data=rating_form(YESTERDAY, **{f"goal_{a}": "", f"goal_{b}": 9}))
    with app.app_context():
        assert [(p.goal_id, p.progress) for p in db.session.scalars(db.select(GoalProgress))] == [(b, 9)]


@pytest.mark.parametrize("value", ["11", "-1", "5.5", "lots"])
def test_bad_progress_stores_nothing(app, client, world, auth, value):
    auth.login(PATIENT)
    gid = add_goal(client, world, "Sleep better")
    response = client.post(
        f"/partnerships/{world.partnership}/rate", data=rating_form(YESTERDAY, **{f"goal_{gid}": value})
    )
    assert response.status_code == 422
    assert "Progress on goal 1: choose a whole number from 0 to 10." in text_of(response)
    assert count(app, Rating) == 0 and count(app, GoalProgress) == 0


def test_posted_progress_for_another_partnerships_goal_is_ignored(app, client, world, auth):
    auth.login("quinn@example.org")
    foreign = add_goal(client, type("W", (), {"partnership": world.other_partnership})(), "Quinn's goal")
    auth.logout()
    auth.login(PATIENT)
    client.post(f"/partnerships/{world.partnership}/rate", data=rating_form(YESTERDAY, **{f"goal_{foreign}": 3}))
    assert count(app, Rating) == 1 and count(app, GoalProgress) == 0


def test_goal_series_follows_the_reveal_rule(app, client, world, auth):
    auth.login(PATIENT)
    gid = add_goal(client, world, "Sleep better")
    client.post(f"/partnerships/{world.partnership}/rate", data=rating_form(YESTERDAY, **{f"goal_{gid}": 6}))

    def series(role):
        with app.app_context():
            return [
                (g.title, list(g.points)) for g in goal_series(db.session.get(Partnership, world.partnership), role)
            ]

    assert series("patient") == [("Sleep better", [(1, "patient", 6)])]
    assert series("therapist") == [("Sleep better", [])]  # blind until the therapist rates too
    auth.logout()
    auth.login(THERAPIST)
    client.post(f"/partnerships/{world.partnership}/rate", data=rating_form(YESTERDAY, **{f"goal_{gid}": 5}))
    assert series("therapist") == [("Sleep better", [(1, "patient", 6), (1, "therapist", 5)])]

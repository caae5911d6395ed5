"""Filling every URL rule's parameters, for the tests that walk app.url_map."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from werkzeug.routing import IntegerConverter

from tests.factories import World


def _first_chart_name(_world, _app) -> str:
    """A chart that exists."""
    from partnertrack.insights.service import PARTNERSHIP_CHARTS

    return next(iter(PARTNERSHIP_CHARTS))


def _partnership(world):
    """The world's partnership (inside an app context)."""
    from partnertrack.extensions import db
    from partnertrack.models import Partnership

    return db.session.get(Partnership, world.partnership)


def _goal_id(world, app) -> int:
    """A goal of the world's partnership."""
    from partnertrack.extensions import db
    from partnertrack.goals.service import add_goal

    with app.app_context():
        goal = add_goal(_partnership(world), "therapist", None, "Sleep through the night")
        db.session.commit()
        return goal.id


def _entry_id(world, app) -> int:
    """A concern raised in the world's partnership."""
    from partnertrack.extensions import db
    from partnertrack.ruptures.service import raise_concern

    with app.app_context():
        entry = raise_concern(_partnership(world), "therapist", None, "We rushed the ending of the session.")
        db.session.commit()
        return entry.id


def _session_id(world, app) -> int:
    """A planned session of the world's partnership (nobody has rated it)."""
    from datetime import date, timedelta

    from partnertrack.extensions import db
    from partnertrack.sessions.service import plan

    with app.app_context():
        planned = plan(_partnership(world), date.today() + timedelta(days=7), "once", None)
        db.session.commit()
        return planned.added[0].id


# How to fill each URL parameter: a function of (world, app). An <int:...> parameter not
# listed here gets 1; any other unknown parameter fails the test by name.
PARAMS: dict[str, Callable] = {
    "partnership_id": lambda world, _app: world.partnership,
    "token": lambda _world, _app: "not-a-real-invite-token",
    "filename": lambda _world, _app: "app.css",
    "fmt": lambda _world, _app: "svg",
    "name": _first_chart_name,
    "party": lambda _world, _app: "patient",
    "goal_id": _goal_id,
    "entry_id": _entry_id,
    "session_id": _session_id,
}

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def url_for_rule(rule, world: World, app) -> str:
    """The rule's URL with every parameter filled (each filler runs once per app)."""
    values = {}
    filled = app.extensions.setdefault("access_matrix_fillers", {})
    for argument in rule.arguments:
        if argument in PARAMS:
            if argument not in filled:
                filled[argument] = PARAMS[argument](world, app)
            values[argument] = filled[argument]
        elif isinstance(rule._converters[argument], IntegerConverter):
            values[argument] = 1
        else:
            pytest.fail(f"URL parameter <{argument}> of {rule.rule} has no filler: add it to PARAMS")
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def routed(app):
    """(endpoint, url rule, method) for every routed method."""
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & set(METHODS)):
            yield rule, method

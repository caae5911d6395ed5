"""The goals page: set, reword, achieve and drop shared goals, with each goal's history."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import audit
from ..access import partnership_for
from ..extensions import db
from ..review.machine import Refused
from ..review.service import refuse_when_ended
from . import service
from .forms import GoalForm, RewordForm, StatusForm

bp = Blueprint("goals", __name__, url_prefix="/partnerships/<int:partnership_id>/goals")

STATUS_DONE = {"achieved": "Goal marked achieved.", "dropped": "Goal dropped.", "active": "Goal set active again."}


def _page(partnership, role, add_form=None, reword_forms=None, status: int = 200):
    """Render the goals page; forms with errors are passed in to show them beside their fields."""
    goals = service.goals_of(partnership)
    forms = {g.id: RewordForm(prefix=f"goal-{g.id}", formdata=None) for g in goals}
    forms.update(reword_forms or {})
    for goal in goals:
        if forms[goal.id].text.data is None:
            forms[goal.id].text.data = goal.text
    return render_template(
        "goals/index.html", partnership=partnership, role=role, goals=goals,
        history={g.id: service.history(g) for g in goals}, add_form=add_form or GoalForm(formdata=None),
        reword_forms=forms, status_form=StatusForm(formdata=None),
    ), status


def _goal_or_404(partnership, goal_id: int):
    """The goal if it is this partnership's, else 404 (ids of other partnerships' goals find nothing)."""
    goal = service.goal_in(partnership, goal_id)
    if goal is None:
        abort(404)
    return goal


@bp.get("/")
@login_required
def index(partnership_id: int):
    """Every goal, its status and its history."""
    partnership, role = partnership_for(partnership_id)
    return _page(partnership, role)


@bp.post("/")
@login_required
def add(partnership_id: int):
    """Set a new shared goal."""
    partnership, role = partnership_for(partnership_id)
    if (refused := refuse_when_ended(partnership)) is not None:
        return refused
    form = GoalForm()
    if not form.validate():
        return _page(partnership, role, add_form=form, status=422)
    goal = service.add_goal(partnership, role, current_user, form.text.data)
    db.session.commit()
    audit.record("goal.added", partnership.id, f"goal {goal.id}")
    flash("Goal added. You can both rate progress on it with each session.", "success")
    return redirect(url_for("goals.index", partnership_id=partnership.id) + f"#goal-{goal.id}")


@bp.post("/<int:goal_id>/reword")
@login_required
def reword(partnership_id: int, goal_id: int):
    """Change a goal's wording; the old wording stays in its history."""
    partnership, role = partnership_for(partnership_id)
    if (refused := refuse_when_ended(partnership)) is not None:
        return refused
    goal = _goal_or_404(partnership, goal_id)
    form = RewordForm(prefix=f"goal-{goal.id}")
    if form.validate():
        try:
            service.reword(goal, role, current_user, form.text.data)
        except Refused as refusal:
            db.session.rollback()
            if goal.status == "active":
                form.text.errors.append(refusal.message)  # shown beside the wording field
            else:
                flash(refusal.message, "error")  # an inactive goal's card has no wording field
        else:
            db.session.commit()
            audit.record("goal.changed", partnership.id, f"goal {goal.id} reworded")
            flash("Goal reworded. The earlier wording stays in its history.", "success")
            return redirect(url_for("goals.index", partnership_id=partnership.id) + f"#goal-{goal.id}")
    return _page(partnership, role, reword_forms={goal.id: form}, status=422)


@bp.post("/<int:goal_id>/status")
@login_required
def change_status(partnership_id: int, goal_id: int):
    """Mark a goal achieved or dropped, or set it active again."""
    partnership, role = partnership_for(partnership_id)
    if (refused := refuse_when_ended(partnership)) is not None:
        return refused
    goal = _goal_or_404(partnership, goal_id)
    try:
        service.set_status(goal, role, current_user, StatusForm().status.data or "")
    except Refused as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
        return _page(partnership, role, status=409)
    db.session.commit()
    audit.record("goal.changed", partnership.id, f"goal {goal.id} {goal.status}")
    flash(STATUS_DONE[goal.status], "success")
    return redirect(url_for("goals.index", partnership_id=partnership.id) + f"#goal-{goal.id}")

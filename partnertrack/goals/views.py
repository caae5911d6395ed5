"""The goals page: set, reword, achieve and drop shared goals, with each goal's history."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from partnertrack.access import PartnershipBlueprint
from partnertrack.core import audit
from partnertrack.core.errors import translated
from partnertrack.core.refusals import Refused
from partnertrack.goals import service
from partnertrack.goals.forms import GoalForm, RewordForm, StatusForm

bp = PartnershipBlueprint("goals", __name__, url_prefix="/goals")

STATUS_DONE = {"achieved": "Goal marked achieved.", "dropped": "Goal dropped.", "active": "Goal set active again."}


@bp.refusal_page
def _page(add_form=None, reword_forms=None):
    """The goals page; forms with errors are passed in to show them beside their fields."""
    goals = service.goals_of(g.partnership)
    forms = {goal.id: RewordForm(prefix=f"goal-{goal.id}", formdata=None) for goal in goals}
    forms.update(reword_forms or {})
    for goal in goals:
        if forms[goal.id].text.data is None:
            forms[goal.id].text.data = goal.text
    return render_template(
        "goals/index.html",
        partnership=g.partnership,
        role=g.role,
        goals=goals,
        history={goal.id: service.history(goal) for goal in goals},
        add_form=add_form or GoalForm(formdata=None),
        reword_forms=forms,
        status_form=StatusForm(formdata=None),
    )


def _goal_or_404(goal_id: int):
    """The goal if it is this partnership's, else 404 (ids of other partnerships' goals find nothing)."""
    goal = service.goal_in(g.partnership, goal_id)
    if goal is None:
        abort(404)
    return goal


def _back_to(goal) -> str:
    """The goals page, scrolled to ``goal``."""
    return url_for("goals.index") + f"#goal-{goal.id}"


@bp.get("/")
def index():
    """Every goal, its status and its history."""
    return _page()


@bp.post("/")
def add():
    """Set a new shared goal."""
    form = GoalForm()
    if not form.validate():
        return _page(add_form=form), 422
    goal = service.add_goal(g.partnership, g.role, current_user, form.text.data)
    audit.record("goal.added", g.partnership.id, f"goal {goal.id}")
    flash(_("Goal added. You can both rate progress on it with each session."), "success")
    return redirect(_back_to(goal))


@bp.post("/<int:goal_id>/reword")
def reword(goal_id: int):
    """Change a goal's wording; the old wording stays in its history."""
    goal = _goal_or_404(goal_id)
    form = RewordForm(prefix=f"goal-{goal.id}")
    if form.validate():
        try:
            service.reword(goal, g.role, current_user, form.text.data)
        except Refused as refusal:
            if goal.status == "active":
                form.text.errors.append(translated(refusal.message))
            else:
                flash(translated(refusal.message), "error")  # an inactive goal's card has no wording field
        else:
            audit.record("goal.changed", g.partnership.id, f"goal {goal.id} reworded")
            flash(_("Goal reworded. The earlier wording stays in its history."), "success")
            return redirect(_back_to(goal))
    return _page(reword_forms={goal.id: form}), 422


@bp.post("/<int:goal_id>/status")
def change_status(goal_id: int):
    """Mark a goal achieved or dropped, or set it active again."""
    goal = _goal_or_404(goal_id)
    service.set_status(goal, g.role, current_user, StatusForm().status.data or "")
    audit.record("goal.changed", g.partnership.id, f"goal {goal.id} {goal.status}")
    flash(STATUS_DONE[goal.status], "success")
    return redirect(_back_to(goal))

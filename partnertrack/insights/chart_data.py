"""What each chart (docs/clinical.md, "Charts") draws, as plain data (pure; no matplotlib).

The alliance chart has a module of its own (alliance_data.py, worded by alliance_words.py);
this one builds the factor panels, the gap map, readiness, goal progress and the caseload.

A chart shows exactly the ratings passed in: the caller applies the reveal rule,
so an unrevealed rating is simply absent here. Each ``ChartData`` also carries
its text alternative, a summary sentence and the plotted data as a table, which
the page shows beside the image. ``summary``, ``columns`` and ``rows`` may be
worded for the viewer; the alliance chart's title and drawn labels are too, which
is why the image is drawn, tagged and cached per viewer (charts.etag, images.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from partnertrack.core.phrase import N_, P_, Phrase, decimal
from partnertrack.core.roles import ROLES, Role, party_words
from partnertrack.insights.chart_model import (
    CaseloadLine,
    ChartData,
    GoalSeries,
    Matrix,
    Series,
    cell,
    empty_chart,
    number_text,
    table_of,
)
from partnertrack.insights.signals import (
    DEFAULT_THRESHOLDS,
    Gap,
    RatingData,
    Thresholds,
    by_party,
    ready_to_discuss_ending,
    session_gaps,
)
from partnertrack.insights.wording import capitalise, party
from partnertrack.ratings.factors import BY_KEY, FACTORS

PARTY_LABELS = (N_("Patient"), N_("Therapist"))  # capitalise(role): series labels, translated when shown
CHART_NAMES: tuple[str, ...] = ("factors", "alliance", "gaps", "readiness", "goals", "caseload")


def factor_trends(ratings: Iterable[RatingData], *, viewer_role: str | None = None) -> ChartData:
    """Six panels, one per factor, each with the patient's and the therapist's scores."""
    ratings = list(ratings)
    parties = by_party(ratings)
    series = tuple(
        Series(capitalise(role), tuple((r.session_number, r.scores.get(f.key)) for r in parties[role]), role, f.name)
        for f in FACTORS
        for role in ROLES
    )
    columns = ("Session", *(_factor_column(s) for s in series))
    title = N_("How each factor moved")
    if not ratings:
        return empty_chart("factors", title, columns)
    n_sessions = len({r.session_number for r in ratings})
    phrases = [_biggest_change(parties[role], role, viewer_role) for role in ROLES if parties[role]]
    template = "; ".join(f"%(c{i})s" for i in range(len(phrases)))
    changes = Phrase(template, **{f"c{i}": p for i, p in enumerate(phrases)})
    summary = (
        P_("Over %(num)d session, %(changes)s.", "Over %(num)d sessions, %(changes)s.", num=n_sessions, changes=changes)
        if n_sessions > 1
        else Phrase("One session rated so far: each factor shows a single score.")
    )
    return ChartData(
        "factors",
        title,
        summary,
        columns,
        table_of(series),
        False,
        series=series,
        panels=tuple(f.name for f in FACTORS),
    )


def _goal_label(title: str, role: str) -> str:
    """ "Sleep better (patient)": a goal's line for one party; the title stays as typed."""
    if role == Role.PATIENT:
        return Phrase("%(factor)s (patient)", factor=title)
    return Phrase("%(factor)s (therapist)", factor=title)


def _factor_column(series: Series) -> str:
    """ "Mutuality (patient)": a column of the factor table, translated when shown."""
    if series.role == Role.PATIENT:
        return Phrase("%(factor)s (patient)", factor=Phrase(series.panel))
    return Phrase("%(factor)s (therapist)", factor=Phrase(series.panel))


def _biggest_change(series: Sequence[RatingData], role: str, viewer_role: str | None) -> str:
    """ "your ratings moved most on collaboration (5 to 8)" for one party's ratings."""
    whose = party(role, viewer_role, whose=True)
    first, last = series[0].scores, series[-1].scores
    changes = [
        (abs(last[f.key] - first[f.key]), f)
        for f in FACTORS
        if first.get(f.key) is not None and last.get(f.key) is not None
    ]
    if len(series) < 2 or not changes or max(c for c, _ in changes) == 0:
        return Phrase("%(whose)s ratings held steady", whose=whose)
    _, factor = max(changes, key=lambda c: c[0])  # max keeps the first factor of equals
    return Phrase(
        "%(whose)s ratings moved most on %(factor)s (%(first)s to %(last)s)",
        whose=whose,
        factor=Phrase(factor.name.lower()),
        first=first[factor.key],
        last=last[factor.key],
    )


def gap_map(
    ratings: Iterable[RatingData], thresholds: Thresholds = DEFAULT_THRESHOLDS, *, viewer_role: str | None = None
) -> ChartData:
    """Factor x session matrix of therapist - patient; None where not both rated.

    Columns cover every session anyone rated, so a session missing a partner
    shows as a blank cell rather than vanishing from the timeline.
    """
    ratings = list(ratings)
    title = N_("Where your ratings differ")
    columns = ("Session", *(f.name for f in FACTORS))
    if not ratings:
        return empty_chart("gaps", title, columns)
    gaps = session_gaps(ratings)
    if not gaps:
        return empty_chart("gaps", title, columns, N_("No session rated by both yet"))
    sessions = tuple(sorted({r.session_number for r in ratings}))
    value = {(g.factor, g.session_number): g.gap for g in gaps}
    matrix = Matrix(
        tuple(f.name for f in FACTORS), sessions, tuple(tuple(value.get((f.key, n)) for n in sessions) for f in FACTORS)
    )
    rows = tuple((n, *(cell(value.get((f.key, n))) for f in FACTORS)) for n in sessions)
    return ChartData(
        "gaps", title, _gap_summary(gaps, thresholds, viewer_role), columns, rows, False, matrix=matrix, y_label=""
    )


def _gap_summary(gaps: Sequence[Gap], thresholds: Thresholds, viewer_role: str | None) -> str:
    """How many factor scores were notably apart, and the widest of all."""
    both = len({g.session_number for g in gaps})
    notable = sum(abs(g.gap) >= thresholds.gap for g in gaps)
    scores = P_(
        "%(num)d factor score was %(gap)s or more points apart",
        "%(num)d factor scores were %(gap)s or more points apart",
        num=notable,
        gap=thresholds.gap,
    )
    widest = max(gaps, key=lambda g: (abs(g.gap), g.session_number))
    if widest.gap == 0:
        return P_(
            "In %(num)d session rated by both, %(scores)s.",
            "In %(num)d sessions rated by both, %(scores)s.",
            num=both,
            scores=scores,
        )
    return P_(
        "In %(num)d session rated by both, %(scores)s; the widest was %(factor)s in session %(number)s"
        " (%(therapist)s %(t_score)s, %(patient)s %(p_score)s).",
        "In %(num)d sessions rated by both, %(scores)s; the widest was %(factor)s in session %(number)s"
        " (%(therapist)s %(t_score)s, %(patient)s %(p_score)s).",
        num=both,
        scores=scores,
        factor=Phrase(BY_KEY[widest.factor].name.lower()),
        number=widest.session_number,
        therapist=party(Role.THERAPIST, viewer_role),
        t_score=widest.therapist,
        patient=party(Role.PATIENT, viewer_role),
        p_score=widest.patient,
    )


def readiness(
    ratings: Iterable[RatingData], thresholds: Thresholds = DEFAULT_THRESHOLDS, *, viewer_role: str | None = None
) -> ChartData:
    """Termination readiness of both parties, with the ready line at ``ready_score``."""
    ratings = list(ratings)
    parties = by_party(ratings)
    key = "termination_readiness"
    series = tuple(
        Series(
            capitalise(role),
            tuple((r.session_number, r.scores[key]) for r in parties[role] if r.scores.get(key) is not None),
            role,
        )
        for role in ROLES
    )
    columns = ("Session", N_("Patient"), N_("Therapist"))
    title = N_("Readiness to discuss ending")
    if not any(s.points for s in series):
        return empty_chart("readiness", title, columns)
    return ChartData(
        "readiness",
        title,
        _readiness_summary(series, ready_to_discuss_ending(ratings, thresholds), thresholds, viewer_role),
        columns,
        table_of(series),
        False,
        series=series,
        hline=float(thresholds.ready_score),
        hline_label=Phrase("Ready line (%(score)s)", score=thresholds.ready_score),
    )


def _readiness_summary(series: Sequence[Series], ready: bool, thresholds: Thresholds, viewer_role: str | None) -> str:
    """Each party's latest readiness, the ready line, and whether both have reached it."""
    latest = [_latest_readiness(s, viewer_role) for s in series if s.points]
    template = ", ".join(f"%(p{i})s" for i in range(len(latest)))
    joined = Phrase(template, **{f"p{i}": p for i, p in enumerate(latest)})
    if ready:
        return P_(
            "Latest readiness: %(parties)s; the ready line is at %(line)s, reached by both in each of the last"
            " %(num)d session both rated.",
            "Latest readiness: %(parties)s; the ready line is at %(line)s, reached by both in each of the last"
            " %(num)d sessions both rated.",
            parties=joined,
            line=thresholds.ready_score,
            num=thresholds.ready_sessions,
        )
    return Phrase(
        "Latest readiness: %(parties)s; the ready line is at %(line)s.", parties=joined, line=thresholds.ready_score
    )


def _latest_readiness(s: Series, viewer_role: str | None) -> str:
    """ "you rated 8 in session 12", or "your therapist rated 7 in session 12"."""
    values = {"score": number_text(s.points[-1][1]), "number": s.points[-1][0]}
    if party_words(s.role or Role.PATIENT, viewer_role)[0] == "you":
        return Phrase("you rated %(score)s in session %(number)s", **values)
    who = party(s.role or Role.PATIENT, viewer_role)
    return Phrase("%(who)s rated %(score)s in session %(number)s", who=who, **values)


def goal_progress(goals: Sequence[GoalSeries], *, viewer_role: str | None = None) -> ChartData:
    """Progress per shared goal over sessions: a colour per goal, a line style per rater."""
    series = tuple(
        Series(
            _goal_label(g.title, role),
            tuple(sorted((n, p) for n, rater, p in g.points if rater == role)),
            role,
            group=i,
        )
        for i, g in enumerate(goals)
        for role in ROLES
    )
    columns = ("Session", *(s.label for s in series))
    title = N_("Progress on shared goals")
    if not goals:
        return empty_chart("goals", title, columns, N_("No shared goals yet"))
    if not any(s.points for s in series):
        return empty_chart("goals", title, columns, N_("No goal progress rated yet"))
    summary = _goals_summary(goals, series, viewer_role)
    return ChartData(
        "goals", title, summary, columns, table_of(series), False, series=series, y_label=N_("Progress (0–10)")
    )


def _goals_summary(goals: Sequence[GoalSeries], series: Sequence[Series], viewer_role: str | None) -> str:
    """How many shared goals, and each rated goal's latest progress by each party."""
    phrases = []
    for i, g in enumerate(goals):
        latest = [s for s in series if s.group == i and s.points]
        if latest:
            parts = [
                Phrase(
                    "%(who)s %(value)s",
                    who=party(s.role or Role.PATIENT, viewer_role),
                    value=number_text(s.points[-1][1]),
                )
                for s in latest
            ]
            progress = parts[0] if len(parts) == 1 else Phrase("%(items)s and %(last)s", items=parts[0], last=parts[1])
            phrases.append(Phrase("%(goal)s: %(progress)s", goal=g.title, progress=progress))
    template = "; ".join(f"%(g{i})s" for i in range(len(phrases)))
    return P_(
        "%(num)d shared goal; latest progress — %(goals)s.",
        "%(num)d shared goals; latest progress — %(goals)s.",
        num=len(goals),
        goals=Phrase(template, **{f"g{i}": p for i, p in enumerate(phrases)}),
    )


def caseload(patients: Sequence[CaseloadLine]) -> ChartData:
    """One small panel per patient: the therapist's alliance index over sessions.

    The table has one row per patient (sessions rated, first, latest, lowest index): it
    stays readable aloud whatever the number of patients, and the dashboard that shows it
    grows with the caseload, not with every session ever rated (docs/architecture.md, "Speed").
    """
    series = tuple(
        Series(p.label, tuple(sorted(p.points)), Role.THERAPIST, p.label, group=i) for i, p in enumerate(patients)
    )
    columns = ("Patient", N_("Sessions rated"), N_("First"), N_("Latest"), N_("Lowest"))
    title = N_("Your caseload: alliance index per client")
    rated = [s for s in series if s.points]
    if not rated:
        return empty_chart("caseload", title, columns)
    rows = tuple(
        (
            s.label,
            len(s.points),
            cell(float(s.points[0][1])),
            cell(float(s.points[-1][1])),
            cell(float(min(v for _, v in s.points))),
        )
        for s in rated
    )
    return ChartData(
        "caseload",
        title,
        _caseload_summary(rated),
        columns,
        rows,
        False,
        series=series,
        panels=tuple(s.label for s in series),
        y_label=N_("Alliance index"),
    )


def _caseload_summary(rated: Sequence[Series]) -> str:
    """How many clients have ratings, and whose latest index is lowest (and highest)."""
    low = min(rated, key=lambda s: s.points[-1][1])
    high = max(rated, key=lambda s: s.points[-1][1])
    values = {"num": len(rated), "low": low.label, "low_value": decimal(low.points[-1][1])}
    if len(rated) > 1:
        return P_(
            "%(num)d client with ratings; latest alliance index in your ratings lowest for %(low)s (%(low_value)s),"
            " highest for %(high)s (%(high_value)s).",
            "%(num)d clients with ratings; latest alliance index in your ratings lowest for %(low)s (%(low_value)s),"
            " highest for %(high)s (%(high_value)s).",
            high=high.label,
            high_value=decimal(high.points[-1][1]),
            **values,
        )
    return P_(
        "%(num)d client with ratings; latest alliance index in your ratings lowest for %(low)s (%(low_value)s).",
        "%(num)d clients with ratings; latest alliance index in your ratings lowest for %(low)s (%(low_value)s).",
        **values,
    )

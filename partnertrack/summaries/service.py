"""Reading summaries for many partnerships in one query, computing again only the stale ones.

A stored summary is used only when its data version, day and rules fingerprint are the
current ones; otherwise it is computed from the ratings (one query for all the stale
partnerships together) and written back with one INSERT … ON CONFLICT DO UPDATE. The
version is read with the partnership, before the ratings: a change committed in between
makes the stored row look older than its data, so it is computed again, never shown stale.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from partnertrack.clinic.facts import facts_from_timeline, from_text, to_text
from partnertrack.clinic.figures import CaseFacts
from partnertrack.core.clock import today
from partnertrack.core.roles import Role
from partnertrack.extensions import db
from partnertrack.insights.service import sentences, signals_of, thresholds
from partnertrack.models import Partnership
from partnertrack.ratings.records import load_records, timeline_of
from partnertrack.ratings.reveal import SessionView
from partnertrack.summaries.models import PartnershipSummary
from partnertrack.summaries.payload import Summary, summarise

PACKAGE = Path(__file__).resolve().parent.parent
# Every module whose rules decide what a summary or a chart says: a deployed change to any
# of them makes every stored summary and chart tag stale, so another engineer's new rule
# shows at once, without anyone remembering to clear a cache.
RULE_MODULES = (
    "insights/signals.py",
    "insights/thresholds.py",
    "insights/wording.py",
    "insights/rupture_detection.py",
    "insights/series.py",
    "insights/chart_data.py",
    "insights/alliance_data.py",
    "insights/alliance_words.py",
    "insights/chart_model.py",
    "insights/chart_style.py",
    "insights/charts.py",
    "insights/chart_axes.py",
    "insights/chart_lines.py",
    "insights/chart_heatmap.py",
    "insights/chart_caseload.py",
    "insights/service.py",
    "goals/service.py",
    "ratings/reveal.py",
    "ratings/waiting.py",
    "ratings/factors.py",
    "ratings/records.py",
    "summaries/payload.py",
    "clinic/figures.py",
    "clinic/attunement.py",
    "clinic/facts.py",
)


@lru_cache(maxsize=8)
def _fingerprint(settings: str) -> str:
    """A hash of the rule modules' source and the settings they read (once per process)."""
    digest = hashlib.blake2b(settings.encode(), digest_size=16)
    for name in RULE_MODULES:
        path = PACKAGE / name
        digest.update(path.read_bytes() if path.exists() else name.encode())
    return digest.hexdigest()


def rules_fingerprint() -> str:
    """The current rules: source of the rule modules, signal thresholds and the reveal delay."""
    config = current_app.config
    settings = sorted((k, repr(v)) for k, v in config.items() if k.startswith("SIGNAL_") or k == "REVEAL_AFTER_DAYS")
    return _fingerprint(repr(settings))


def data_version_tag(partnership: Partnership) -> str:
    """What a partnership's charts are drawn from, as a version: data version, today and the rules.

    The chart ETag and its cache entry are checked against it without reading a rating.
    """
    return f"{partnership.data_version}:{today().isoformat()}:{rules_fingerprint()}"


def summaries_for(
    pairs: Sequence[tuple[Partnership, str]], timelines: Mapping[tuple[int, str], list[SessionView]] | None = None
) -> dict[tuple[int, str], Summary]:
    """The summary of each (partnership, viewer role): one read, plus one load and one write if any is stale.

    ``timelines`` are timelines the caller has already read (the partnership page): a
    stale summary is then computed from them instead of reading the ratings again.
    """
    if not pairs:
        return {}
    day, rules = today(), rules_fingerprint()
    table = PartnershipSummary.__table__
    stored = {
        (pid, role): (version, on, fingerprint, text)
        for pid, role, version, on, fingerprint, text in db.session.execute(
            sa.select(
                table.c.partnership_id, table.c.role, table.c.data_version, table.c.day, table.c.rules, table.c.payload
            ).where(table.c.partnership_id.in_(sorted({p.id for p, _ in pairs})))
        )
    }
    found: dict[tuple[int, str], Summary] = {}
    stale = []
    for partnership, role in pairs:
        row = stored.get((partnership.id, role))
        if row is not None and row[:3] == (partnership.data_version, day, rules):
            found[(partnership.id, role)] = _parsed((partnership.id, role, row[3]))
        else:
            stale.append((partnership, role))
    if stale:
        found |= _refresh(stale, day, rules, timelines or {})[0]
    return found


# Summaries already parsed in this process, by (partnership, role, stored text): parsing forty
# stored summaries cost a quarter of the dashboard. The key starts with the row's partnership
# and role, so an entry is never shared between partnerships or viewers, and holds the text
# itself, so it can never answer for other data (a restored backup reuses version numbers)
# (docs/architecture.md, "Caches").
_PARSED: OrderedDict[tuple, Summary] = OrderedDict()
_PARSED_SIZE = 4096


def _parsed(key: tuple) -> Summary:
    """The summary stored as ``key``'s last item (the text), parsed once per process."""
    found = _PARSED.get(key)
    if found is None:
        found = _PARSED[key] = Summary.from_json(key[-1])
        if len(_PARSED) > _PARSED_SIZE:
            _PARSED.popitem(last=False)
    else:
        _PARSED.move_to_end(key)
    return found


_FACTS: OrderedDict[tuple, CaseFacts] = OrderedDict()


def _parsed_facts(key: tuple) -> CaseFacts:
    """The clinic facts stored as ``key``'s last item (as ``_parsed``), parsed once per process."""
    found = _FACTS.get(key)
    if found is None:
        found = _FACTS[key] = from_text(key[-1])
        if len(_FACTS) > _PARSED_SIZE:
            _FACTS.popitem(last=False)
    return found


def clinic_facts_for(partnerships: Sequence, stored: Mapping[int, tuple] | None = None) -> dict[int, CaseFacts]:
    """The clinic facts of each partnership (anything with ``id`` and ``data_version``), by id.

    ``stored``: the therapist rows' (data version, day, rules, clinic) by partnership, when the
    caller read them with the partnerships (clinic/overview.py); else one statement reads the
    small ``clinic`` column. Stale ones cost one load and one write, whatever their number.
    """
    if not partnerships:
        return {}
    day, rules = today(), rules_fingerprint()
    if stored is None:
        table = PartnershipSummary.__table__
        query = sa.select(table.c.partnership_id, table.c.data_version, table.c.day, table.c.rules, table.c.clinic)
        ids = sorted(p.id for p in partnerships)
        rows = db.session.execute(query.where(table.c.role == str(Role.THERAPIST), table.c.partnership_id.in_(ids)))
        stored = {pid: rest for pid, *rest in rows}
    found: dict[int, CaseFacts] = {}
    stale = []
    for partnership in partnerships:
        row = stored.get(partnership.id)
        if row is not None and row[3] is not None and tuple(row[:3]) == (partnership.data_version, day, rules):
            found[partnership.id] = _parsed_facts((partnership.id, row[3]))
        else:
            stale.append((partnership, Role.THERAPIST))
    if stale:
        found |= _refresh(stale, day, rules, {})[1]
    return found


def summary_of(partnership: Partnership, role: str, timeline: list[SessionView] | None = None) -> Summary:
    """The summary of one partnership as ``role`` sees it (``timeline``: already read by the caller)."""
    given = {(partnership.id, role): timeline} if timeline is not None else None
    return summaries_for([(partnership, role)], given)[(partnership.id, role)]


def _refresh(stale: list[tuple[Partnership, str]], day, rules: str, given: Mapping) -> tuple[dict, dict]:
    """Compute the stale summaries from the ratings (or the timelines given) and store them.

    Returns the summaries by (partnership id, role) and the clinic facts (therapist rows) by id.
    """
    versions = {p.id: p.data_version for p, _ in stale}  # read before the ratings (module docstring)
    missing = sorted({p.id for p, role in stale if (p.id, role) not in given})
    loaded = load_records(missing) if missing else {}
    computed, facts, rows = {}, {}, []
    limits = thresholds()
    for partnership, role in stale:
        key = (partnership.id, role)
        timeline = given[key] if key in given else timeline_of(loaded[partnership.id], role)
        found = signals_of(timeline, scope=(partnership.id, role))
        summary = summarise(timeline, found, sentences(found, role), role)
        computed[(partnership.id, role)] = summary
        if role == Role.THERAPIST:
            facts[partnership.id] = facts_from_timeline(timeline, day, limits)
        rows.append(
            {
                "partnership_id": partnership.id,
                "role": str(role),
                "data_version": versions[partnership.id],
                "day": day,
                "rules": rules,
                "payload": summary.to_json(),
                "clinic": to_text(facts[partnership.id]) if role == Role.THERAPIST else None,
            }
        )
    _store(sorted(rows, key=lambda r: (r["partnership_id"], r["role"])))
    return computed, facts


def _store(rows: list[dict]) -> None:
    """Insert or update the rows in one statement, safe when two requests store the same row at once.

    Rows go in key order, so two requests writing overlapping sets lock them in the same
    order (no deadlock on PostgreSQL). A row never goes back to an older data version.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = PartnershipSummary.__table__
    statement = insert(table).values(rows)
    columns = ("data_version", "day", "rules", "payload", "clinic")
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["partnership_id", "role"],
            set_={c: statement.excluded[c] for c in columns},
            where=table.c.data_version <= statement.excluded.data_version,
        )
    )

"""The caseload table's pure rules: what leads a row, filters, search, sorting, the inline line."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from partnertrack.dashboard import glance
from partnertrack.insights import headlines
from partnertrack.insights.rupture_detection import Rupture
from partnertrack.insights.signals import FormOwed, Signals, analyse, needs_attention_score
from tests.factories import rate

EMPTY = Signals((), {}, (), (), None, False, ())


@dataclass
class Row:
    """A stand-in for dashboard.rows.DashboardRow: what glance reads, worked out from ``signals``."""

    name: str
    signals: Signals = EMPTY
    concerns: tuple = ()
    status: str = "active"
    last_number: int = 16
    last_date: datetime.date | None = field(default=datetime.date(2026, 11, 1))
    talk_soon: bool = False

    @property
    def signal_reasons(self) -> list[str]:
        return headlines.signal_reasons(self.signals, self.last_number)

    @property
    def newest(self) -> str:
        return headlines.newest_signal(self.signals, self.last_number)

    @property
    def attention(self) -> tuple:
        return tuple(needs_attention_score(self.signals))

    @property
    def owed_count(self) -> int:
        return len(self.signals.forms_owed)


def _rupture(session: int, repaired_at: int | None = None) -> Rupture:
    """A possible rupture of the patient at ``session``, repaired at ``repaired_at``."""
    return Rupture("patient", session, 4.0, 7.0, 3.0, 1.5, False, ("index dropped",), repaired_at)


def test_a_rupture_repaired_long_ago_no_longer_leads_a_row():
    old = Row("Ana", Signals((), {}, (_rupture(5, repaired_at=6),), (), None, False, ()))
    assert glance.reasons(old) == [] and old.newest == ""
    fresh = Row("Ben", Signals((), {}, (_rupture(15),), (), None, False, ()))
    assert glance.reasons(fresh) == ["possible rupture at session 15"]
    assert fresh.newest == "possible rupture at session 15"
    repaired_now = Row("Cy", Signals((), {}, (_rupture(14, repaired_at=16),), (), None, False, ()))
    assert repaired_now.newest == "repaired at session 16"


def test_open_concerns_and_forms_owed_say_by_whom():
    owed = (FormOwed(15, datetime.date(2026, 10, 1), "patient"), FormOwed(16, datetime.date(2026, 10, 8), "therapist"))
    row = Row("Dee", Signals((), {}, (), (), None, False, owed), concerns=("c1", "c2"))
    assert glance.reasons(row) == ["2 open concerns", "forms owed: client 1, you 1"]


def test_an_ended_partnership_leads_with_nothing():
    ended = Row("Eda", Signals((), {}, (_rupture(15),), (), None, False, ()), concerns=("c1",), status="ended")
    assert glance.reasons(ended) == []
    assert glance.select([ended], "attention", "", "attention") == []


def test_real_signals_of_a_declining_client_give_reasons():
    ratings = [rate(n, level=level) for n, level in enumerate([8, 8, 7, 6, 5, 4], start=1)]
    signals = analyse(ratings, [], datetime.date(2026, 3, 1))
    reasons = glance.reasons(Row("Eve", signals, last_number=6))
    assert "client’s alliance declining" in reasons


def test_filters_search_and_sort():
    rows = [
        Row("Client 10", last_date=datetime.date(2026, 1, 1)),
        Row("client 2", concerns=("c",), last_date=datetime.date(2026, 2, 1)),
        Row("Zed", status="ended", last_date=None),
    ]
    assert [r.name for r in glance.select(rows, "all", "", "name")] == ["client 2", "Client 10"]
    assert [r.name for r in glance.select(rows, "attention", "", "attention")] == ["client 2"]
    assert [r.name for r in glance.select(rows, "ended", "", "name")] == ["Zed"]
    assert [r.name for r in glance.select(rows, "all", "CLIENT 1", "name")] == ["Client 10"]
    assert [r.name for r in glance.select(rows, "all", "", "last")] == ["client 2", "Client 10"]


def test_a_request_to_talk_soon_leads_the_row_and_the_order():
    asked = Row("Fay", talk_soon=True)
    worried = Row("Gus", concerns=("c1", "c2"))
    assert glance.reasons(asked) == ["asked to talk soon"]
    assert [r.name for r in glance.select([worried, asked], "attention", "", "attention")] == ["Fay", "Gus"]


def test_unknown_choices_fall_back_and_search_is_bounded():
    assert glance.choose("nonsense", glance.FILTERS) == "all"
    assert glance.choose(None, glance.SORTS) == "attention"
    assert glance.search_text("  Pat \n  Smith " + "x" * 500) == ("Pat Smith " + "x" * 500)[: glance.SEARCH_MAX]


def test_spark_draws_the_last_points_within_its_box_and_says_them():
    points = [(n, float(n % 11)) for n in range(1, 13)]
    spark = glance.spark(points, "improving")
    coords = [tuple(map(float, p.split(","))) for p in spark.points.split()]
    assert len(coords) == glance.SPARK_POINTS
    assert all(0 <= x <= glance.SPARK_WIDTH and 0 <= y <= glance.SPARK_HEIGHT for x, y in coords)
    assert spark.text.startswith("Client’s alliance, sessions 5–12: 5.0 → ") and spark.text.endswith("(improving).")
    assert spark.latest == "1.0"
    one = glance.spark([(3, 7.0)], None)
    assert one.points == "" and one.text == "Client’s alliance, session 3: 7.0."
    assert glance.spark([], None).text == "No ratings of the client yet."

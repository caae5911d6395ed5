"""The ending review as a PDF (fpdf2), with matplotlib charts and both parties' notes.

The text is set in DejaVu Sans, the font matplotlib ships, so notes in any
European script print as typed without adding a font to the project. The PDF
holds what the downloading party may see (the reveal rule applies to it too).
"""

from __future__ import annotations

import io
import os
from datetime import datetime

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from partnertrack.core.clock import today
from partnertrack.core.i18n import tr
from partnertrack.core.roles import ROLES, Role
from partnertrack.insights.charts import render
from partnertrack.insights.images import in_language
from partnertrack.models import Partnership
from partnertrack.review.content import ReviewContent
from partnertrack.ruptures.agreement import waiting_words
from partnertrack.ruptures.service import EntryView

FONT = "DejaVu"
BODY_SIZE = 10


def _font_path(style: str = "") -> str:
    """DejaVu Sans from matplotlib's own data folder (Bold for ``style="B"``)."""
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if style == "B" else "DejaVuSans.ttf"
    return os.path.join(matplotlib.get_data_path(), "fonts", "ttf", name)


TITLES = {"review": _l("Ending review"), "progress": _l("Progress report")}
# The footer and the document property: "PartnerTrack ending review".
DOCUMENT_NAMES = {"review": _l("PartnerTrack ending review"), "progress": _l("PartnerTrack progress report")}


# The comparison table's column heads, per party.
HEADS = {
    "patient": (_l("Patient first"), _l("Patient latest"), _l("Patient change")),
    "therapist": (_l("Therapist first"), _l("Therapist latest"), _l("Therapist change")),
}
TRENDS = {"improving": _l("improving"), "stable": _l("stable"), "declining": _l("declining")}
STATUSES = {"open": _l("open"), "discussed": _l("discussed"), "repaired": _l("repaired")}
PARTNERSHIP_STATUSES = {"invited": _l("invited"), "active": _l("active"), "ending": _l("ending"), "ended": _l("ended")}


class ReviewPDF(FPDF):
    """A4 pages with a small footer naming the document and the page."""

    document = DOCUMENT_NAMES["review"]

    def footer(self) -> None:
        """ "PartnerTrack ending review · page 2 of 5"."""
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(
            0,
            8,
            _("%(document)s · page %(page)s of %(pages)s", document=self.document, page=self.page_no(), pages="{nb}"),
            align="C",
        )


def _who(partnership: Partnership, role: str, capital: bool = True) -> str:
    """ "Patient (Pat)" / "the therapist (Dr Tara)": the PDF may be read by a third person.

    Only the role word changes case: a name is printed as it was typed.
    """
    name = partnership.patient_name if role == Role.PATIENT else partnership.therapist.name
    if role == Role.PATIENT:
        return _("Patient (%(name)s)", name=name) if capital else _("the patient (%(name)s)", name=name)
    return _("Therapist (%(name)s)", name=name) if capital else _("the therapist (%(name)s)", name=name)


def _day(value: datetime | None) -> str:
    """A date as "12 March 2025", or "–"."""
    return format_date(value, "dd MMMM y") if value else "–"


def _num(value: float | None) -> str:
    """One decimal, or "–" where there is nothing to show."""
    return "–" if value is None else format_decimal(value, format="0.0")


def _heading(pdf: FPDF, text: str, size: int = 13) -> None:
    """A section heading with a little space above."""
    pdf.ln(3)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=BODY_SIZE)


def _para(pdf: FPDF, text: str) -> None:
    """A left-aligned paragraph."""
    pdf.multi_cell(0, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _chart(pdf: FPDF, chart) -> None:
    """The chart as a PNG the width of the text, and its summary sentence beneath, in the reader's language.

    The chart's words are phrases (core/phrase.py), translated as the partnership page does:
    ``in_language`` for the drawn words, ``tr`` for the summary and the renderer's own labels.
    """
    summary = tr(chart.summary)
    chart = in_language(chart)
    if chart.empty:
        _para(pdf, f"{chart.title}: {summary}")
        return
    png = render(chart, "png", words=tr)
    height = pdf.epw * 9 / 16  # the charts are drawn 16:9
    if pdf.will_page_break(height + 18):
        pdf.add_page()
    # The image carries no title of its own (one title per chart): it is set here, above it.
    pdf.set_font(FONT, "B", BODY_SIZE)
    _para(pdf, chart.title)
    pdf.set_font(FONT, size=BODY_SIZE)
    pdf.image(io.BytesIO(png), w=pdf.epw, h=height, alt_text=f"{chart.title}: {summary}")
    pdf.set_font(FONT, size=8)
    _para(pdf, summary)
    pdf.set_font(FONT, size=BODY_SIZE)


def _comparison(pdf: FPDF, partnership: Partnership, content: ReviewContent) -> None:
    """First three against last three sessions, per factor and party."""
    _heading(pdf, _("First sessions and the latest"))
    if not content.rated:
        _para(pdf, _("No ratings to compare yet."))
        return
    _para(pdf, _("Mean of each party's first three rated sessions against their last three."))
    pdf.set_font(FONT, size=8)
    with pdf.table(col_widths=(34, 11, 11, 11, 11, 11, 11), text_align="LEFT", first_row_as_headings=True) as table:
        head = table.row()
        head.cell(_("Factor"))
        for role in ROLES:
            for text in HEADS[role]:
                head.cell(str(text))
        for c in content.comparisons:
            row = table.row()
            row.cell(_(c.name))
            for role in ROLES:
                change = c.change(role)
                row.cell(_num(c.first[role].mean))
                row.cell(_num(c.last[role].mean))
                row.cell("–" if change is None else format_decimal(change, format="+0.0;-0.0"))
    pdf.set_font(FONT, size=BODY_SIZE)


def _goals(pdf: FPDF, content: ReviewContent) -> None:
    """Goals achieved, still open and dropped, and the progress chart."""
    _heading(pdf, _("Goals"))
    for title, goals in (
        (_("Achieved"), content.achieved),
        (_("Still open"), content.left),
        (_("Dropped"), content.dropped),
    ):
        pdf.set_font(FONT, "B", BODY_SIZE)
        _para(pdf, title)
        pdf.set_font(FONT, size=BODY_SIZE)
        _para(pdf, "\n".join(f"• {g.text}" for g in goals) if goals else _("None."))
    if not content.charts["goals"].empty:
        _chart(pdf, content.charts["goals"])


def _readiness(pdf: FPDF, partnership: Partnership, content: ReviewContent) -> None:
    """The readiness trend of each party, with its chart."""
    _heading(pdf, _("Readiness to discuss ending"))
    for role in ROLES:
        t = content.readiness_trend[role]
        who = _who(partnership, role)
        if t.label == "not enough data":
            _para(pdf, _("%(who)s: not enough ratings for a trend yet.", who=who))
        else:
            slope = format_decimal(t.slope, format="+0.00;-0.00")
            trend = str(TRENDS.get(t.label, t.label))
            line = _(
                "%(who)s: %(trend)s over the last %(n)s rated sessions (%(slope)s per session).",
                who=who,
                trend=trend,
                n=t.n,
                slope=slope,
            )
            _para(pdf, line)
    _chart(pdf, content.charts["readiness"])


def _ruptures(pdf: FPDF, partnership: Partnership, role: str, content: ReviewContent) -> None:
    """The rupture log, in plain words for the patient, then the alliance chart."""
    if role == Role.PATIENT:
        _heading(pdf, _("Dips and how they were talked through"))
    else:
        _heading(pdf, _("Ruptures and how they were repaired"))
    if not content.ruptures:
        _para(pdf, _("None in the rupture log."))
    for v in content.ruptures:
        line = _entry_line(partnership, role, v)
        if v.recovered_number:
            line += " " + _(
                "Ratings came back in session %(number)s (%(later)s sessions later).",
                number=v.recovered_number,
                later=v.sessions_to_recover,
            )
        if v.entry.detail:  # a signal's reasons are a phrase (RuptureEntry.shown_detail)
            e = v.entry
            line += f" {tr(e.shown_detail) if e.source == 'signal' else e.detail}"
        _para(pdf, "• " + line)
    _chart(pdf, content.charts["alliance"])


def _entry_line(partnership: Partnership, role: str, v: EntryView) -> str:
    """ "Concern raised by Pat, session 4: open." as the PDF names an entry of the rupture log."""
    e = v.entry
    party = _who(partnership, e.party, capital=False)
    status = str(STATUSES.get(e.status, e.status))
    if e.source == "signal":
        return _signal_line(party, role, v.session_number, status)
    if v.session_number:
        return _(
            "Concern raised by %(who)s, session %(number)s: %(status)s.",
            who=party,
            number=v.session_number,
            status=status,
        )
    return _("Concern raised by %(who)s: %(status)s.", who=party, status=status)


def _signal_line(party: str, role: str, number: int | None, status: str) -> str:
    """A dip the ratings showed: a possible rupture to the therapist, a dip in how it felt to the patient."""
    if role == Role.PATIENT:
        if number:
            return _(
                "A dip in how session %(number)s felt to %(who)s: %(status)s.", who=party, number=number, status=status
            )
        return _("A dip in how a session felt to %(who)s: %(status)s.", who=party, status=status)
    if number:
        return _(
            "Possible rupture in the ratings of %(who)s, session %(number)s: %(status)s.",
            who=party,
            number=number,
            status=status,
        )
    return _("Possible rupture in the ratings of %(who)s: %(status)s.", who=party, status=status)


def _still_open(pdf: FPDF, partnership: Partnership, role: str, content: ReviewContent) -> None:
    """Entries not yet repaired and what each waits for, so the two can close them before ending."""
    _heading(pdf, _("Not yet repaired in the rupture log"))
    if not content.still_open:
        _para(pdf, _("Nothing: every entry in the rupture log is marked repaired."))
        return
    _para(pdf, _("Before you end, talk these through and close them in the rupture log if you can."))
    for s in content.still_open:
        waiting = [_(w, name=partnership.patient_name) for w in waiting_words(s.to_confirm, s.proposed, role)]
        _para(pdf, "• " + " ".join([_entry_line(partnership, role, s.view), *waiting]))


def _notes(pdf: FPDF, partnership: Partnership, content: ReviewContent) -> None:
    """Each party's "progress made", "left undone" and agreement."""
    _heading(pdf, _("Notes from both parties"))
    review = content.review
    if review is None:
        _para(pdf, _("The ending review has not been opened."))
        return
    for role in ROLES:
        progress, undone = review.notes_of(role)
        agreed = review.agreed_at(role)
        agreement = " · " + _("agreed to end on %(date)s", date=_day(agreed)) if agreed else ""
        _heading(pdf, _who(partnership, role) + agreement, size=11)
        for label, text in ((_("Progress made"), progress), (_("What was left undone"), undone)):
            pdf.set_font(FONT, "B", BODY_SIZE)
            _para(pdf, label)
            pdf.set_font(FONT, size=BODY_SIZE)
            _para(pdf, text or _("Not written yet."))


def _title(pdf: FPDF, text: str) -> None:
    """The document's title, on a line as tall as its type so the next line never overlaps it."""
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 10, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(FONT, size=BODY_SIZE)


def _opening(pdf: FPDF, partnership: Partnership, role: str, content: ReviewContent) -> None:
    """Who the two are, when therapy started and ended, and whose copy this is."""
    review = content.review
    parties = {"therapist": _who(partnership, "therapist"), "patient": _who(partnership, "patient")}
    started = _day(partnership.started_on)
    status = str(PARTNERSHIP_STATUSES.get(partnership.status, partnership.status))
    if review and review.completed_at:
        opening = _(
            "%(therapist)s and %(patient)s. Therapy started on %(started)s; status: %(status)s, ended on %(ended)s.",
            **parties,
            started=started,
            status=status,
            ended=_day(review.completed_at),
        )
    else:
        opening = _(
            "%(therapist)s and %(patient)s. Therapy started on %(started)s; status: %(status)s.",
            **parties,
            started=started,
            status=status,
        )
    _para(pdf, opening)
    made = _day(today())
    if role == Role.PATIENT:
        _para(pdf, _("Made on %(date)s for the patient: it holds the ratings the patient may see.", date=made))
    else:
        _para(pdf, _("Made on %(date)s for the therapist: it holds the ratings the therapist may see.", date=made))


def build(partnership: Partnership, role: str, content: ReviewContent, kind: str = "review") -> bytes:
    """The ending review (``kind`` "review") or the progress report ("progress") as PDF bytes, as ``role`` may see it.

    The progress report is the review's figures at any time, without the notes the ending asks for.
    """
    pdf = ReviewPDF(format="A4")
    pdf.document = str(DOCUMENT_NAMES[kind])
    pdf.set_title(pdf.document)
    pdf.set_creator("PartnerTrack")
    pdf.add_font(FONT, "", _font_path())
    pdf.add_font(FONT, "B", _font_path("B"))
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    _title(pdf, str(TITLES[kind]))
    _opening(pdf, partnership, role, content)
    _comparison(pdf, partnership, content)
    _goals(pdf, content)
    _readiness(pdf, partnership, content)
    _ruptures(pdf, partnership, role, content)
    if kind == "review":
        if not partnership.read_only:  # an ended partnership's log no longer changes: nothing to close
            _still_open(pdf, partnership, role, content)
        _notes(pdf, partnership, content)
    return bytes(pdf.output())

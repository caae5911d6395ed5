"""The ending review as a PDF (fpdf2), with matplotlib charts and both parties' notes.

The text is set in DejaVu Sans, the font matplotlib ships, so notes in any
European script print as typed without adding a font to the project. The PDF
holds what the downloading party may see (the reveal rule applies to it too).
"""

from __future__ import annotations

import io
import os
from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from partnertrack.core.clock import today
from partnertrack.core.roles import ROLES, Role
from partnertrack.insights.charts import render
from partnertrack.models import Partnership
from partnertrack.review.content import ReviewContent

FONT = "DejaVu"
BODY_SIZE = 10


def _font_path(style: str = "") -> str:
    """DejaVu Sans from matplotlib's own data folder (Bold for ``style="B"``)."""
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if style == "B" else "DejaVuSans.ttf"
    return os.path.join(matplotlib.get_data_path(), "fonts", "ttf", name)


TITLES = {"review": "Ending review", "progress": "Progress report"}


class ReviewPDF(FPDF):
    """A4 pages with a small footer naming the document and the page."""

    document = TITLES["review"]

    def footer(self) -> None:
        """ "PartnerTrack ending review · page 2 of 5"."""
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 8, f"PartnerTrack {self.document.lower()} · page {self.page_no()} of {{nb}}", align="C")


def _who(partnership: Partnership, role: str, capital: bool = True) -> str:
    """ "Patient (Pat)" / "the therapist (Dr Tara)": the PDF may be read by a third person.

    Only the role word changes case: a name is printed as it was typed.
    """
    name = partnership.patient_name if role == Role.PATIENT else partnership.therapist.name
    return f"{role.capitalize() if capital else 'the ' + role} ({name})"


def _day(value: datetime | None) -> str:
    """A date as "12 March 2025", or "–"."""
    return value.strftime("%d %B %Y") if value else "–"


def _num(value: float | None) -> str:
    """One decimal, or "–" where there is nothing to show."""
    return "–" if value is None else f"{value:.1f}"


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
    """The chart as a PNG the width of the text, and its summary sentence beneath."""
    if chart.empty:
        _para(pdf, f"{chart.title}: {chart.summary}")
        return
    png = render(chart, "png")
    height = pdf.epw * 9 / 16  # the charts are drawn 16:9
    if pdf.will_page_break(height + 18):
        pdf.add_page()
    # The image carries no title of its own (one title per chart): it is set here, above it.
    pdf.set_font(FONT, "B", BODY_SIZE)
    _para(pdf, chart.title)
    pdf.set_font(FONT, size=BODY_SIZE)
    pdf.image(io.BytesIO(png), w=pdf.epw, h=height, alt_text=f"{chart.title}: {chart.summary}")
    pdf.set_font(FONT, size=8)
    _para(pdf, chart.summary)
    pdf.set_font(FONT, size=BODY_SIZE)


def _comparison(pdf: FPDF, partnership: Partnership, content: ReviewContent) -> None:
    """First three against last three sessions, per factor and party."""
    _heading(pdf, "First sessions and the latest")
    if not content.rated:
        _para(pdf, "No ratings to compare yet.")
        return
    _para(pdf, "Mean of each party's first three rated sessions against their last three.")
    pdf.set_font(FONT, size=8)
    with pdf.table(col_widths=(34, 11, 11, 11, 11, 11, 11), text_align="LEFT", first_row_as_headings=True) as table:
        head = table.row()
        head.cell("Factor")
        for role in ROLES:
            for what in ("first", "latest", "change"):
                head.cell(f"{role.capitalize()} {what}")
        for c in content.comparisons:
            row = table.row()
            row.cell(c.name)
            for role in ROLES:
                change = c.change(role)
                row.cell(_num(c.first[role].mean))
                row.cell(_num(c.last[role].mean))
                row.cell("–" if change is None else f"{change:+.1f}")
    pdf.set_font(FONT, size=BODY_SIZE)


def _goals(pdf: FPDF, content: ReviewContent) -> None:
    """Goals achieved, still open and dropped, and the progress chart."""
    _heading(pdf, "Goals")
    for title, goals in (("Achieved", content.achieved), ("Still open", content.left), ("Dropped", content.dropped)):
        pdf.set_font(FONT, "B", BODY_SIZE)
        _para(pdf, title)
        pdf.set_font(FONT, size=BODY_SIZE)
        _para(pdf, "\n".join(f"• {g.text}" for g in goals) if goals else "None.")
    if not content.charts["goals"].empty:
        _chart(pdf, content.charts["goals"])


def _readiness_and_ruptures(pdf: FPDF, partnership: Partnership, content: ReviewContent) -> None:
    """The readiness trend with its chart, then the rupture log with the alliance chart."""
    _heading(pdf, "Readiness to discuss ending")
    for role in ROLES:
        t = content.readiness_trend[role]
        trend = (
            "not enough ratings for a trend yet"
            if t.label == "not enough data"
            else f"{t.label} over the last {t.n} rated sessions ({t.slope:+.2f} per session)"
        )
        _para(pdf, f"{_who(partnership, role)}: {trend}.")
    _chart(pdf, content.charts["readiness"])
    _heading(pdf, "Ruptures and how they were repaired")
    if not content.ruptures:
        _para(pdf, "None in the rupture log.")
    for v in content.ruptures:
        e = v.entry
        what = "Possible rupture in the ratings of" if e.source == "signal" else "Concern raised by"
        line = f"{what} {_who(partnership, e.party, capital=False)}"
        line += f", session {v.session_number}" if v.session_number else ""
        line += f": {e.status}."
        if v.recovered_number:
            line += f" Ratings came back in session {v.recovered_number} ({v.sessions_to_recover} sessions later)."
        if e.detail:
            line += f" {e.detail}"
        _para(pdf, "• " + line)
    _chart(pdf, content.charts["alliance"])


def _notes(pdf: FPDF, partnership: Partnership, content: ReviewContent) -> None:
    """Each party's "progress made", "left undone" and agreement."""
    _heading(pdf, "Notes from both parties")
    review = content.review
    if review is None:
        _para(pdf, "The ending review has not been opened.")
        return
    for role in ROLES:
        progress, undone = review.notes_of(role)
        agreed = review.agreed_at(role)
        _heading(pdf, _who(partnership, role) + (f" · agreed to end on {_day(agreed)}" if agreed else ""), size=11)
        for label, text in (("Progress made", progress), ("What was left undone", undone)):
            pdf.set_font(FONT, "B", BODY_SIZE)
            _para(pdf, label)
            pdf.set_font(FONT, size=BODY_SIZE)
            _para(pdf, text or "Not written yet.")


def _title(pdf: FPDF, text: str) -> None:
    """The document's title, on a line as tall as its type so the next line never overlaps it."""
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 10, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(FONT, size=BODY_SIZE)


def build(partnership: Partnership, role: str, content: ReviewContent, kind: str = "review") -> bytes:
    """The ending review (``kind`` "review") or the progress report ("progress") as PDF bytes, as ``role`` may see it.

    The progress report is the review's figures at any time, without the notes the ending asks for.
    """
    pdf = ReviewPDF(format="A4")
    pdf.document = TITLES[kind]
    pdf.set_title(f"PartnerTrack {TITLES[kind].lower()}")
    pdf.set_creator("PartnerTrack")
    pdf.add_font(FONT, "", _font_path())
    pdf.add_font(FONT, "B", _font_path("B"))
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    _title(pdf, TITLES[kind])
    review = content.review
    _para(
        pdf,
        f"{_who(partnership, 'therapist')} and {_who(partnership, 'patient')}. "
        f"Therapy started on {partnership.started_on:%d %B %Y}; status: {partnership.status}"
        + (f", ended on {_day(review.completed_at)}" if review and review.completed_at else "")
        + ".",
    )
    _para(pdf, f"Made on {today():%d %B %Y} for the {role}: it holds the ratings the {role} may see.")
    _comparison(pdf, partnership, content)
    _goals(pdf, content)
    _readiness_and_ruptures(pdf, partnership, content)
    if kind == "review":
        _notes(pdf, partnership, content)
    return bytes(pdf.output())

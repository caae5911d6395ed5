"""What a person does in PartnerTrack, as steps a journey strings together.

Every step finds things the way the design's contract promises: inputs by their visible
labels, buttons and links by their text. A later feature adds its own steps here (charts,
goals, the ending review) and its journey calls them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from playwright.sync_api import Locator, Page, expect

FACTOR_NAMES = {
    "mutuality": "Mutuality",
    "collaboration": "Collaboration",
    "responsiveness": "Responsiveness",
    "feedback": "Feedback",
    "rupture_repair": "Rupture repair",
    "termination_readiness": "Termination readiness",
}
NOTHING_OFF = "Nothing felt off this session"
CSV_HEADER = [
    "session_number",
    "session_date",
    "rater",
    *FACTOR_NAMES,
    "alliance_index",
    "comment",
]


@dataclass
class Rating:
    """One party's answers to the post-session form; rupture_repair None means "nothing felt off"."""

    day: date
    scores: dict[str, int | None]
    comment: str = ""
    rater: str = field(default="")

    def alliance_index(self) -> float:
        """Mean of the first five factors that were rated (as the design defines it)."""
        rated = [v for k, v in self.scores.items() if k != "termination_readiness" and v is not None]
        return sum(rated) / len(rated)

    def csv_row(self, number: int) -> dict[str, str]:
        """The CSV row this rating must become."""
        row = {"session_number": str(number), "session_date": self.day.isoformat(), "rater": self.rater}
        row.update({k: "" if v is None else str(v) for k, v in self.scores.items()})
        row["alliance_index"] = f"{self.alliance_index():.2f}"
        row["comment"] = self.comment
        return row


def scores(mutuality, collaboration, responsiveness, feedback, rupture_repair, termination_readiness):
    """The six scores by factor key, in form order."""
    return dict(
        zip(FACTOR_NAMES, (mutuality, collaboration, responsiveness, feedback, rupture_repair, termination_readiness))
    )


# ---- accounts -------------------------------------------------------------------------------


def fill_sign_up(page: Page, name: str, email: str, password: str) -> None:
    """Fill in and send the sign-up form at /register."""
    page.goto("/register")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm password", exact=True).fill(password)
    page.get_by_role("button", name="Create therapist account").click()


def register_therapist(page: Page, name: str, email: str, password: str) -> None:
    """Sign up at /register (a server without mail) and land on the dashboard."""
    fill_sign_up(page, name, email, password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")


def log_in(page: Page, email: str, password: str) -> None:
    """Log in through the form."""
    page.goto("/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_in_any_language(page: Page, email: str, password: str) -> None:
    """Log in through the form in whatever language it speaks: the fields found by their names."""
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit], main input[type=submit]")
    page.wait_for_url(lambda url: not url.endswith("/login"))


def join_with_new_account(page: Page, invite_url: str, name: str, email: str, password: str) -> None:
    """On a phone page: open the invite link, create the patient account, land on the partnership page."""
    page.goto(invite_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Join")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm password", exact=True).fill(password)
    page.get_by_role("button", name="Create account and join").tap()
    expect(page.get_by_role("status").filter(has_text="You are now partners")).to_be_visible()


# ---- partnerships ---------------------------------------------------------------------------


def open_partnership(page: Page, patient_name: str, started_on: date) -> str:
    """From the dashboard, open a partnership; returns the partnership page's URL."""
    page.get_by_role("link", name="New partnership").click()
    page.get_by_label("Patient name", exact=True).fill(patient_name)
    page.get_by_label("Therapy started on").fill(started_on.isoformat())
    page.get_by_role("button", name="Open partnership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(patient_name)
    page.wait_for_load_state("load")  # app.js wires the copy button
    return page.url


def copy_invite_link(page: Page) -> str:
    """Press "Copy invite link"; returns the link, checked against what reached the clipboard."""
    link = page.locator("a[href*='/join/']")
    href = link.get_attribute("href")
    page.get_by_role("button", name="Copy invite link").click()
    expect(page.get_by_role("status").filter(has_text="Link copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == href
    return href


# ---- the post-session form ------------------------------------------------------------------


def score_field(page: Page, key: str) -> Locator:
    """The block of one factor on the form: its label, input, statement and score buttons."""
    return page.locator("[data-score-field]").filter(has=page.get_by_label(FACTOR_NAMES[key], exact=True))


def form_ready(page: Page, heading: str = "Rate a session") -> None:
    """Wait until the rating form is shown and app.js has run (its score buttons and handlers).

    A click that navigates returns once the new page starts; typing before the deferred
    script has run would skip its handlers, which a person could not do that fast.
    ``heading`` is the form's title in the page's language.
    """
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.wait_for_load_state("load")
    expect(page.locator("button.chip").first).to_be_attached()


def start_rating(page: Page, day: date | None = None) -> None:
    """Follow "Rate a session" on the partnership page and, if given, set the session date."""
    page.get_by_role("link", name="Rate a session").click()
    form_ready(page)
    if day is not None:
        page.get_by_label("Session date").fill(day.isoformat())


def fill_rating_by_labels(page: Page, rating: Rating) -> None:
    """Type each score into the input found by its factor's label, then the comment."""
    for key, value in rating.scores.items():
        if value is None:
            page.get_by_label(NOTHING_OFF).check()
        else:
            page.get_by_label(FACTOR_NAMES[key], exact=True).fill(str(value))
    page.get_by_label("Comment").fill(rating.comment)


def fill_rating_by_touch(page: Page, rating: Rating) -> None:
    """Tap one score button per factor (or the "nothing felt off" box), and type the comment."""
    for key, value in rating.scores.items():
        if value is None:
            page.get_by_label(NOTHING_OFF).tap()
            expect(page.get_by_label(NOTHING_OFF)).to_be_checked()
        else:
            score_field(page, key).locator(f"button.chip[data-value='{value}']").tap()
            expect(page.get_by_label(FACTOR_NAMES[key], exact=True)).to_have_value(str(value))
    page.get_by_label("Comment").tap()
    page.keyboard.type(rating.comment)


def save_rating(page: Page, tap: bool = False) -> None:
    """Press "Save my rating" and land on the partnership page."""
    button = page.get_by_role("button", name="Save my rating")
    button.tap() if tap else button.click()
    expect(page.get_by_role("status").filter(has_text=re.compile("Your rating was (saved|updated)"))).to_be_visible()


def rate_session(page: Page, rating: Rating) -> None:
    """The whole form, by labels: open it, date, six scores, comment, save."""
    start_rating(page, rating.day)
    fill_rating_by_labels(page, rating)
    save_rating(page)


# ---- what both see afterwards ---------------------------------------------------------------


def session_card(page: Page, number: int) -> Locator:
    """The card of session ``number`` on the partnership page, opened if it is an earlier one-line session."""
    card = page.locator(f"article#session-{number}")
    card.locator("details").evaluate_all("ds => ds.forEach(d => { d.open = true; })")
    return card


def side_by_side(page: Page, number: int) -> dict[str, dict[str, str]]:
    """Session ``number``'s table as {column heading: {factor name: cell text}}."""
    table = session_card(page, number).locator("table.side-by-side")
    heads = [t.strip() for t in table.locator("thead th").all_inner_texts()][1:]
    out: dict[str, dict[str, str]] = {h: {} for h in heads}
    for row in table.locator("tbody tr").all():
        name = row.locator("th").inner_text().strip()
        for head, cell in zip(heads, row.locator("td").all_inner_texts()):
            out[head][name] = cell.strip()
    return out


# The index row as each viewer's table names it: the patient reads plain words (docs/clinical.md, "Words").
INDEX_ROW = {"patient": "How the session felt overall", "therapist": "Alliance index"}


def expect_side_by_side(
    page: Page, number: int, expected: dict[str, dict[str, str]], viewer: str = "therapist"
) -> None:
    """Session ``number``'s table as ``viewer`` reads it shows exactly ``expected``; else both are named."""
    expected = {
        who: {(INDEX_ROW[viewer] if row == "Alliance index" else row): v for row, v in shown.items()}
        for who, shown in expected.items()
    }
    seen = side_by_side(page, number)
    assert seen == expected, f"session {number} shows {seen}, expected {expected}"


def shown_as(rating: Rating) -> dict[str, str]:
    """How the side-by-side table shows ``rating``: names, "nothing felt off", index to 1 decimal."""
    shown = {FACTOR_NAMES[k]: ("nothing felt off" if v is None else str(v)) for k, v in rating.scores.items()}
    shown["Alliance index"] = f"{rating.alliance_index():.1f}"
    return shown


def comments(page: Page, number: int) -> list[str]:
    """The comments shown under session ``number``, as "<who>: <text>"."""
    return [c.strip() for c in session_card(page, number).locator("blockquote.comment").all_inner_texts()]


def download_csv(page: Page) -> list[dict[str, str]]:
    """Click "Download ratings as CSV" and read the file; checks the header on the way."""
    with page.expect_download() as info:
        page.get_by_role("link", name="Download ratings as CSV").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8", newline="") as fh:
        text = fh.read()
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == CSV_HEADER
    return list(reader)


def expected_csv(ratings: list[Rating]) -> list[dict[str, str]]:
    """The rows ``ratings`` must give: sessions numbered by date, patient before therapist."""
    days = sorted({r.day for r in ratings})
    order = {"patient": 0, "therapist": 1}
    ordered = sorted(ratings, key=lambda r: (r.day, order[r.rater]))
    return [r.csv_row(days.index(r.day) + 1) for r in ordered]


# ---- keyboard only --------------------------------------------------------------------------


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user would; fails if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{target} never received the focus after {limit} presses of Tab")


def type_date(page: Page, day: date) -> None:
    """Type a date into the focused date input, in the month/day/year order Chromium shows."""
    page.keyboard.type(f"{day:%m%d%Y}")


def fill_rating_by_keyboard(page: Page, rating: Rating) -> None:
    """Only the keyboard: Tab between fields, digits and arrow keys for scores, Space, Enter.

    Odd scores are typed as one less and raised with ArrowUp, so both ways of changing a
    number input are used; "nothing felt off" is ticked with Space.
    """
    tab_to(page, page.get_by_label("Session date"))
    type_date(page, rating.day)
    for key, value in rating.scores.items():
        if value is None:
            box = page.get_by_label(NOTHING_OFF)
            tab_to(page, box)
            if not box.is_checked():  # Space toggles: a form showing earlier answers may have it ticked
                page.keyboard.press("Space")
            expect(box).to_be_checked()
            continue
        tab_to(page, page.get_by_label(FACTOR_NAMES[key], exact=True))
        if value % 2:
            page.keyboard.type(str(value - 1))
            page.keyboard.press("ArrowUp")
        else:
            page.keyboard.type(str(value))
    tab_to(page, page.get_by_label("Comment"))
    page.keyboard.press("ControlOrMeta+A")  # replace any earlier answer shown in the box
    page.keyboard.type(rating.comment)
    tab_to(page, page.get_by_role("button", name="Save my rating"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text=re.compile("Your rating was (saved|updated)"))).to_be_visible()


# ---- charts ---------------------------------------------------------------------------------


@dataclass
class Chart:
    """One chart as a reader meets it: title, whether the picture loaded, and its text alternative."""

    title: str
    alt: str
    image_loaded: bool
    summary: str
    rows: list[list[str]]


def show_chart(page: Page, tab: str) -> None:
    """Choose the chart ``tab`` ("Goals", "All charts" …) on the partnership page: one chart is shown at a time."""
    page.get_by_role("navigation", name="Choose a chart").get_by_role("link", name=tab, exact=True).click()
    expect(page.get_by_role("link", name=tab, exact=True)).to_have_attribute("aria-current", "page")


def charts(page: Page) -> dict[str, Chart]:
    """Every chart on the page by title; opens each "Show the data as a table" to read the data."""
    found = {}
    for figure in page.locator("figure.chart").all():
        image = figure.locator("img")
        image.scroll_into_view_if_needed()  # the images load lazily
        # A worker's first chart imports matplotlib: seconds on a busy machine.
        expect(image).to_have_js_property("complete", True, timeout=30_000)
        details = figure.locator("details")
        rows: list[list[str]] = []
        if details.count():
            details.locator("summary").click()
            rows = [
                [c.strip() for c in r.locator("th, td").all_inner_texts()] for r in details.locator("tbody tr").all()
            ]
        title = figure.locator("h3").inner_text().strip()
        found[title] = Chart(
            title=title,
            alt=image.get_attribute("alt") or "",
            image_loaded=image.evaluate("i => i.naturalWidth > 0"),
            summary=figure.locator(".chart-summary").inner_text().strip(),
            rows=rows,
        )
    return found


# ---- working together: goals, the rupture log, the ending review ------------------------------


def flash(page: Page, text: str) -> None:
    """The success message (role=status) containing ``text`` is shown."""
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def goal_card(page: Page, text: str) -> Locator:
    """The card on the goals page whose heading is the goal's current wording."""
    return page.locator("article.goal").filter(has=page.get_by_role("heading", level=2, name=text))


def add_goal(page: Page, text: str) -> None:
    """On the goals page: type a new goal and add it."""
    page.get_by_label("New goal", exact=True).fill(text)
    page.get_by_role("button", name="Add goal").click()
    flash(page, "Goal added.")


def reword_goal(page: Page, old: str, new: str) -> None:
    """On the goals page: open "Reword this goal" on the goal worded ``old`` and save ``new``."""
    card = goal_card(page, old)
    card.locator("summary", has_text="Reword this goal").click()
    card.get_by_label("New wording", exact=True).fill(new)
    card.get_by_role("button", name="Save new wording").click()
    flash(page, "Goal reworded.")


def goal_history(page: Page, text: str) -> list[str]:
    """The history lines of the goal worded ``text``, oldest first, whitespace collapsed."""
    lines = goal_card(page, text).locator("ol.history li").all_inner_texts()
    return [" ".join(line.split()) for line in lines]


def raise_concern(page: Page, text: str) -> None:
    """From the partnership page: "Something felt off? Raise a concern", write it, raise it."""
    page.get_by_role("link", name="Something felt off? Raise a concern").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Raise a concern")
    page.get_by_label("What felt off?", exact=True).fill(text)
    page.get_by_role("button", name="Raise the concern").click()
    flash(page, "Your concern is in the rupture log.")


def change_entry_status(page: Page, choice: str, note: str) -> None:
    """On a rupture-log entry: pick the status whose label starts with ``choice``, add a note, save."""
    page.get_by_label(re.compile(f"^{choice}:")).check()
    page.get_by_label("Note (optional)", exact=True).fill(note)
    page.get_by_role("button", name="Change status").click()
    flash(page, f"Marked {choice.lower()}.")


def write_review_notes(page: Page, progress: str, left_undone: str) -> None:
    """On the ending review: write one's own two notes and save them."""
    mine = page.locator("#my-notes")
    mine.get_by_label("Progress made", exact=True).fill(progress)
    mine.get_by_label("What was left undone", exact=True).fill(left_undone)
    mine.get_by_role("button", name="Save my notes").click()
    flash(page, "Your notes are saved.")


def download_review_pdf_text(page: Page) -> str:
    """On the ending review: download the PDF and return its text as pypdf reads it."""
    from pypdf import PdfReader

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the review as PDF").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf"), download.suggested_filename
    reader = PdfReader(download.path())
    return "\n".join(p.extract_text() or "" for p in reader.pages)


# ---- two-factor sign-in -----------------------------------------------------------------------


def set_up_two_factor(page: Page, password: str, code_at: Callable[[str], str]) -> tuple[str, list[str]]:
    """From the account page, turn on two-factor sign-in; returns the key and the recovery codes shown.

    ``code_at(key)`` is what the authenticator app would show for that key now.
    """
    page.goto("/account/")
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.get_by_role("link", name="Set up two-factor sign-in").click()
    expect(page.get_by_role("img", name="QR code holding the key for your authenticator app")).to_be_visible()
    key = page.locator("#two-factor-key").inner_text().replace(" ", "")
    page.get_by_label("Authentication code", exact=True).fill(code_at(key))
    page.get_by_label("Current password", exact=True).fill(password)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    codes = page.get_by_role("list", name="Recovery codes").locator("code").all_inner_texts()
    return key, codes


def log_in_with_code(page: Page, email: str, password: str, code: str) -> None:
    """Log in with the password, then the code the next page asks for."""
    page.goto("/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.get_by_label("Authentication code", exact=True).fill(code)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

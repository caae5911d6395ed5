"""The glance through the test client: the caseload table's query parameters, one chart at a time,
one empty state, and the progress report (page and PDF) for both parties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from partnertrack.core.roles import Role
from partnertrack.models import Partnership
from partnertrack.review.pdf import _who
from tests.factories import add_partnership, add_user, flat, rating_form, store_ratings, weekly_dates


@pytest.fixture
def caseload(app, world):
    """Tara has Pat (rated, a concern raised), plus Zoe (no ratings), Ana (ended) and an invited Cy."""
    with app.app_context():
        zoe = add_partnership(
            world.therapist, add_user("Zoe", "zoe@example.org", Role.PATIENT), "Zoe", world.started_on
        )
        ana = add_partnership(
            world.therapist, add_user("Ana", "ana@example.org", Role.PATIENT), "Ana", world.started_on
        )
        add_partnership(world.therapist, None, "Cy", world.started_on)
    store_ratings(app, ana, [(d, r, flat(7)) for d in weekly_dates(3) for r in ("patient", "therapist")])
    from tests.factories import set_status

    set_status(app, ana, "ended")
    return {"zoe": zoe, "ana": ana}


def _names(page: str) -> list[str]:
    """The client names in the caseload table, in order."""
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [cell.split(">", 1)[1].split("</a>")[0] for cell in body.split('<th scope="row" class="client"><a ')[1:]]


def test_filters_search_and_sort_by_query(client, auth, world, caseload):
    auth.login("pat@example.org")
    client.post(f"/partnerships/{world.partnership}/rate", data=rating_form(date.today() - timedelta(days=3)))
    client.post(
        f"/partnerships/{world.partnership}/ruptures/new", data={"text": "The homework felt imposed.", "session": ""}
    )
    auth.logout()
    auth.login("tara@example.org")
    page = client.get("/").text
    assert _names(page) == ["Pat", "Cy", "Zoe"]  # ended ones apart; the concern first
    assert "1 open concern" in page
    # Pat's rating is still blind to Tara (she has not rated): her trend cell does not show it.
    assert "No ratings of the client yet." in page
    assert _names(client.get("/?sort=name").text) == ["Cy", "Pat", "Zoe"]
    assert _names(client.get("/?show=ended").text) == ["Ana"]
    assert _names(client.get("/?show=attention").text) == ["Pat"]
    assert _names(client.get("/?q=zO").text) == ["Zoe"]
    assert "No client matches “nobody”" in client.get("/?q=nobody").text


@pytest.mark.parametrize("query", ["?show=<script>", "?sort=1;drop", "?q=" + "x" * 5000, "?q=%ff", "?show=&sort=&q="])
def test_odd_query_parameters_fall_back_without_an_error(client, auth, world, caseload, query):
    auth.login("tara@example.org")
    response = client.get("/" + query)
    assert response.status_code == 200
    assert "<script>" not in response.text.split("<main")[1]


def test_a_nul_in_the_search_is_refused_not_an_error(client, auth, world, caseload):
    auth.login("tara@example.org")
    assert client.get("/?q=%00").status_code == 400  # core/security refuses NUL in any input


def test_one_chart_at_a_time_and_one_empty_state(client, auth, world, caseload):
    auth.login("tara@example.org")
    empty = client.get(f"/partnerships/{caseload['zoe']}/").text
    assert empty.count('class="empty"') == 1 and "No ratings yet" in empty and "<figure" not in empty
    store_ratings(client.application, caseload["zoe"], [(d, "patient", flat(6)) for d in weekly_dates(2)])
    one = client.get(f"/partnerships/{caseload['zoe']}/?chart=gaps").text
    assert one.count("<figure") == 1 and "/charts/gaps.svg" in one
    assert 'aria-current="page">Gaps<' in one
    fallback = client.get(f"/partnerships/{caseload['zoe']}/?chart=nope").text
    assert fallback.count("<figure") == 1 and "/charts/alliance.svg" in fallback


def test_phone_chart_is_its_own_cached_image(client, auth, world):
    auth.login("pat@example.org")
    client.post(f"/partnerships/{world.partnership}/rate", data=rating_form(date.today() - timedelta(days=3)))
    wide = client.get(f"/partnerships/{world.partnership}/charts/alliance.svg")
    phone = client.get(f"/partnerships/{world.partnership}/charts/alliance.svg?size=phone")
    assert wide.status_code == phone.status_code == 200
    assert wide.headers["ETag"] != phone.headers["ETag"] and wide.data != phone.data
    again = client.get(
        f"/partnerships/{world.partnership}/charts/alliance.svg?size=phone",
        headers={"If-None-Match": phone.headers["ETag"]},
    )
    assert again.status_code == 304


@pytest.mark.parametrize("who", ["pat@example.org", "tara@example.org"])
def test_progress_report_page_and_pdf_for_both_parties(client, auth, world, who):
    auth.login(who)
    page = client.get(f"/partnerships/{world.partnership}/progress/")
    assert page.status_code == 200 and "Progress report" in page.text
    assert "First sessions and the latest" in page.text
    pdf = client.get(f"/partnerships/{world.partnership}/progress.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "progress-report.pdf" in pdf.headers["Content-Disposition"]


def test_pdf_prints_names_as_typed():
    partnership = Partnership(patient_name="McKenzie de la Cruz")
    assert _who(partnership, "patient") == "Patient (McKenzie de la Cruz)"
    assert _who(partnership, "patient", capital=False) == "the patient (McKenzie de la Cruz)"

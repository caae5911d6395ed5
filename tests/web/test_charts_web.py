"""Chart endpoints: formats, caching, the reveal rule, access, and the dashboards' signals."""

import struct
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from tests.factories import rating_form

CHARTS = ["alliance", "factors", "gaps", "readiness", "goals"]
DAY = date.today() - timedelta(days=2)


def chart_url(world, name, fmt="svg"):
    return f"/partnerships/{world.partnership}/charts/{name}.{fmt}"


def rate(client, world, day=DAY, **scores):
    response = client.post(f"/partnerships/{world.partnership}/rate", data=rating_form(day, **scores))
    assert response.status_code == 302


@pytest.mark.parametrize("name", CHARTS)
def test_svg_is_well_formed_even_without_ratings(client, world, auth, name):
    auth.login("pat@example.org")
    response = client.get(chart_url(world, name))
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    assert root.tag.endswith("svg")
    assert "private" in response.headers["Cache-Control"]


@pytest.mark.parametrize("name", CHARTS)
def test_png_has_a_valid_header_and_size(client, world, auth, name):
    auth.login("tara@example.org")
    rate(client, world)
    response = client.get(chart_url(world, name, "png"))
    assert response.mimetype == "image/png"
    assert response.data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", response.data[16:24])
    assert width >= 800 and height >= 450


def test_empty_partnership_shows_an_empty_state(client, world, auth):
    auth.login("pat@example.org")
    assert b"No ratings yet" in client.get(chart_url(world, "alliance")).data
    page = client.get(f"/partnerships/{world.partnership}/").text
    assert "No ratings yet" in page


def test_repeated_request_gets_304_and_new_rating_changes_the_etag(client, world, auth):
    auth.login("tara@example.org")
    rate(client, world)
    first = client.get(chart_url(world, "alliance"))
    again = client.get(chart_url(world, "alliance"), headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    rate(client, world, day=DAY - timedelta(days=7), mutuality=2)
    changed = client.get(chart_url(world, "alliance"), headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize("name", CHARTS)
def test_unrevealed_partner_rating_never_reaches_a_chart(client, world, auth, name):
    auth.login("pat@example.org")
    rate(client, world, day=DAY - timedelta(days=7))
    auth.logout()
    auth.login("tara@example.org")
    rate(client, world, day=DAY - timedelta(days=7))
    auth.logout()
    auth.login("pat@example.org")
    before = client.get(chart_url(world, name)).headers["ETag"]
    page_before = client.get(f"/partnerships/{world.partnership}/?chart=all").text
    auth.logout()
    auth.login("tara@example.org")
    rate(
        client,
        world,
        mutuality=0,
        collaboration=0,
        responsiveness=0,
        feedback=0,
        rupture_repair=0,
        termination_readiness=10,
    )
    auth.logout()
    auth.login("pat@example.org")
    assert client.get(chart_url(world, name)).headers["ETag"] == before
    page_after = client.get(f"/partnerships/{world.partnership}/?chart=all").text

    # Chart summaries and tables must not move; the page may only add that a form is owed.
    def insights(page):
        return page.split('id="charts-title"')[1].split("</section>")[0]

    assert insights(page_after) == insights(page_before)


@pytest.mark.parametrize(
    "url",
    [
        "/partnerships/{id}/charts/nope.svg",
        "/partnerships/{id}/charts/alliance.gif",
        "/partnerships/{id}/charts/alliance.svg.png",
        "/caseload.jpg",
    ],
)
def test_unknown_chart_or_format_is_404(client, world, auth, url):
    auth.login("tara@example.org")
    assert client.get(url.format(id=world.partnership)).status_code == 404


@pytest.mark.parametrize("outsider", ["omar@example.org", "quinn@example.org"])
def test_outsiders_get_404_for_charts(client, world, auth, outsider):
    auth.login(outsider)
    for name in CHARTS:
        assert client.get(chart_url(world, name)).status_code == 404


def test_caseload_chart_is_for_therapists(client, world, auth):
    auth.login("pat@example.org")
    assert client.get("/caseload.svg").status_code == 403
    auth.logout()
    auth.login("tara@example.org")
    response = client.get("/caseload.svg")
    assert response.status_code == 200
    ET.fromstring(response.data)


def test_pages_show_charts_with_text_alternatives(client, world, auth):
    auth.login("pat@example.org")
    rate(client, world)
    auth.logout()
    auth.login("tara@example.org")
    rate(client, world)
    page = client.get(f"/partnerships/{world.partnership}/?chart=all").text
    for name in CHARTS:
        assert f"/charts/{name}.svg" in page and f"/charts/{name}.svg?size=phone" in page
    assert page.count("Show the data as a table") >= 4
    assert page.count('class="chart-summary"') == 5
    # Without ?chart= the page shows one chart, the alliance, and a tab to each of the others.
    one = client.get(f"/partnerships/{world.partnership}/").text
    assert one.count('class="chart-summary"') == 1 and "/charts/alliance.svg" in one
    assert "chart=factors#charts" in one
    dashboard = client.get("/").text
    # The caseload table's trend cell says the client's index in words (one session: no line yet).
    assert "Client’s alliance, session 1:" in dashboard


def test_demo_flags_the_rupture_as_repaired_and_dashboard_orders_by_need(app, runner, world, auth, client):
    result = runner.invoke(args=["demo"])
    email = result.output.split("therapist ")[1].split()[0]
    password = result.output.split("password: ")[1].split()[0]
    auth.login(email, password)
    page = client.get("/partnerships/3/?chart=all").text
    assert "Possible rupture at session" in page and "Repaired after" in page
    assert page.count('class="chart-summary"') == 5
    # Give the demo therapist a second partnership whose patient has just dropped sharply.
    from partnertrack.extensions import db
    from partnertrack.models import User
    from tests.factories import add_partnership, add_user

    with app.app_context():
        therapist = db.session.scalar(db.select(User.id).where(User.email == email))
        patient = add_user("Riley", "riley@example.org", "patient")
        add_partnership(therapist, patient, "Riley", date.today() - timedelta(days=60))
    client.post("/logout")
    auth.login("riley@example.org")
    for weeks, score in [(5, 8), (4, 8), (3, 8), (2, 8), (1, 2)]:
        client.post(
            "/partnerships/4/rate",
            data=rating_form(
                date.today() - timedelta(days=7 * weeks),
                mutuality=score,
                collaboration=score,
                responsiveness=score,
                feedback=score,
                rupture_repair=score,
            ),
        )
    client.post("/logout")
    auth.login(email, password)
    for weeks, score in [(5, 8), (4, 8), (3, 8), (2, 8), (1, 8)]:
        client.post("/partnerships/4/rate", data=rating_form(date.today() - timedelta(days=7 * weeks), mutuality=score))
    dashboard = client.get("/").text
    assert dashboard.index("Riley") < dashboard.index(">Sam<")
    assert "Needs attention" in dashboard

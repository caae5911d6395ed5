"""The partnership page shows its earlier sessions ten at a time, with plain links between pages."""

import re

from tests.factories import THERAPIST, add_sessions, weekly_dates


def shown_lines(page: str) -> list[int]:
    """The session numbers listed one line each under "Earlier sessions", in page order."""
    earlier = page.split('id="sessions-title"')[1]
    return [int(n) for n in re.findall(r'class="session session-line" id="session-(\d+)"', earlier)]


def test_earlier_sessions_come_ten_at_a_time_newest_first(app, client, world, auth):
    add_sessions(app, world.partnership, weekly_dates(25))
    auth.login(THERAPIST)
    first = client.get(f"/partnerships/{world.partnership}/").get_data(as_text=True)
    assert 'id="session-25"' in first.split('id="sessions-title"')[0]  # the latest, in full above
    assert shown_lines(first) == list(range(24, 14, -1))
    assert "Page 1 of 3" in first
    assert f'href="/partnerships/{world.partnership}/?page=2#sessions-title">Older sessions' in first
    assert "Newer sessions" not in first

    last = client.get(f"/partnerships/{world.partnership}/?page=3").get_data(as_text=True)
    assert shown_lines(last) == [4, 3, 2, 1]
    assert "Page 3 of 3" in last
    assert f'href="/partnerships/{world.partnership}/?page=2#sessions-title">Newer sessions' in last
    assert "Older sessions" not in last


def test_a_link_to_a_session_opens_the_page_that_holds_it(app, client, world, auth):
    add_sessions(app, world.partnership, weekly_dates(25))
    auth.login(THERAPIST)
    page = client.get(f"/partnerships/{world.partnership}/?session=7").get_data(as_text=True)
    assert 7 in shown_lines(page)
    assert "Page 2 of 3" in page


def test_a_page_out_of_range_or_not_a_number_shows_the_nearest_page(app, client, world, auth):
    add_sessions(app, world.partnership, weekly_dates(25))
    auth.login(THERAPIST)
    for asked, expected in (("99", [4, 3, 2, 1]), ("0", list(range(24, 14, -1))), ("x", list(range(24, 14, -1)))):
        response = client.get(f"/partnerships/{world.partnership}/?page={asked}")
        assert response.status_code == 200
        assert shown_lines(response.get_data(as_text=True)) == expected


def test_a_short_history_has_no_page_links(app, client, world, auth):
    add_sessions(app, world.partnership, weekly_dates(5))
    auth.login(THERAPIST)
    page = client.get(f"/partnerships/{world.partnership}/").get_data(as_text=True)
    assert shown_lines(page) == [4, 3, 2, 1]
    assert "Page 1 of" not in page and "Older sessions" not in page

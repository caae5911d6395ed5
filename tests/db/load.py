"""Rating submissions over real HTTP, as many people at once would send them.

Each party logs in through the login form and posts the post-session form with its CSRF
token, as a browser does. A "group" is one party rating one session, sent once, or sent
several times at the same instant (a double click, a second tab) when ``copies`` > 1.
Every answer is classified the way a person would read it:

- ack: 302 back to the partnership page ("Your rating was saved/updated");
- locked: 422 "your rating of this session is locked" (a change arriving after the partner's
  rating revealed both; a duplicate with the same answers is acknowledged instead);
- error: anything else, a 500, a "database is locked", or no answer at all.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

import requests

from tests.db.dbutil import database_url, seeding_app
from tests.factories import PASSWORD, PATIENT_EMAIL, THERAPIST_EMAIL, seed_partnerships
from tests.serverutil import Server

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FACTORS = ("mutuality", "collaboration", "responsiveness", "feedback", "rupture_repair", "termination_readiness")
REQUEST_TIMEOUT_S = 30
# Everyone logs in from 127.0.0.1: the per-address login limit would stop the many logins.
LOAD_ENV = {"PARTNERTRACK_LOGIN_RATE_LIMIT": "100000 per minute"}


def start_loaded_server(tmp_path, partnerships: int):
    """A migrated database with ``partnerships`` seeded, served by gunicorn; (server, url, ids)."""
    url = database_url(tmp_path)
    server = Server(url, tmp_path / "instance", workers=2, threads=4, extra_env=LOAD_ENV)
    server.setup()
    ids = seed_partnerships(seeding_app(url, tmp_path), partnerships)
    server.start()
    return server, url, ids


def http() -> requests.Session:
    """A client that ignores proxy variables: every address here is on loopback."""
    session = requests.Session()
    session.trust_env = False
    return session


@dataclass
class Party:
    """One logged-in person: their partnership, role, cookies and form token."""

    partnership_id: int
    role: str
    cookies: dict
    csrf_token: str


@dataclass(frozen=True)
class Group:
    """One party's rating of one session, sent ``copies`` times at once."""

    party: Party = field(hash=False, compare=False)
    key: tuple  # (partnership_id, date, role)
    copies: int

    def form(self) -> dict:
        """The form fields: scores and comment derived from the key, so each group is recognisable.

        Both parties rate sessions on consecutive days, so a date may have no session yet while
        the partner's session of the day before waits: the form would first ask "Did you mean
        that session?". These people mean the date they send, so the form carries the answer
        "No, another session on this date" (``new_session``), as a person's second post would.
        """
        pid, day, role = self.key
        base = pid + day.toordinal() + (3 if role == "patient" else 0)
        scores = {name: (base + i) % 11 for i, name in enumerate(FACTORS)}
        return {
            "session_date": day.isoformat(),
            **scores,
            "comment": comment_for(self.key),
            "new_session": day.isoformat(),
        }

    def expected_row(self) -> tuple:
        """The row the database must hold once this group is acknowledged (as stored_ratings gives it)."""
        form = self.form()
        return (*self.key, *(form[name] for name in FACTORS), form["comment"])


def comment_for(key: tuple) -> str:
    """A comment naming the group, so a stored rating can be traced to what was sent."""
    pid, day, role = key
    return f"load test: partnership {pid}, {role}, session of {day.isoformat()}"


def log_in(base_url: str, partnership_id: int, index: int, role: str) -> Party:
    """Log party ``index`` in through the form and fetch the rating form's token."""
    email = (THERAPIST_EMAIL if role == "therapist" else PATIENT_EMAIL).format(index)
    with http() as client:
        token = CSRF.search(client.get(f"{base_url}/login", timeout=REQUEST_TIMEOUT_S).text).group(1)
        answer = client.post(
            f"{base_url}/login",
            data={"email": email, "password": PASSWORD, "csrf_token": token},
            allow_redirects=False,
            timeout=REQUEST_TIMEOUT_S,
        )
        if answer.status_code != 302:
            raise AssertionError(f"login of {email} answered {answer.status_code}")
        page = client.get(f"{base_url}/partnerships/{partnership_id}/rate", timeout=REQUEST_TIMEOUT_S)
        return Party(partnership_id, role, client.cookies.get_dict(), CSRF.search(page.text).group(1))


def log_in_everyone(base_url: str, partnership_ids: list[int], threads: int = 8) -> list[Party]:
    """Both parties of every partnership (partnership i belongs to therapist i and patient i)."""
    jobs = [(pid, i, role) for i, pid in enumerate(partnership_ids) for role in ("therapist", "patient")]
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda job: log_in(base_url, *job), jobs))


def plan(parties: list[Party], days: int, race_every: int, copies: int, first_day_back: int = 1) -> list[Group]:
    """Each party rates ``days`` sessions; every ``race_every``-th group is sent ``copies`` times at once."""
    groups = []
    for n, (party, back) in enumerate((p, b) for b in range(days) for p in parties):
        day = date.today() - timedelta(days=first_day_back + back)
        repeat = copies if race_every and n % race_every == 0 else 1
        groups.append(Group(party, (party.partnership_id, day, party.role), repeat))
    return groups


@dataclass
class Outcome:
    """What one POST got back."""

    key: tuple
    kind: str  # ack | locked | error
    detail: str = ""
    finished_at: float = 0.0


def submit(base_url: str, group: Group) -> Outcome:
    """POST the group's form once and classify the answer."""
    party = group.party
    url = f"{base_url}/partnerships/{party.partnership_id}/rate"
    data = {**group.form(), "csrf_token": party.csrf_token}
    try:
        with http() as client:
            answer = client.post(
                url, data=data, cookies=party.cookies, allow_redirects=False, timeout=REQUEST_TIMEOUT_S
            )
    except requests.RequestException as error:
        return Outcome(group.key, "error", f"no answer: {type(error).__name__}", time.monotonic())
    location = urlsplit(answer.headers.get("Location", "")).path
    if answer.status_code == 302 and location.rstrip("/") == f"/partnerships/{party.partnership_id}":
        return Outcome(group.key, "ack", finished_at=time.monotonic())
    if answer.status_code == 422 and "is locked" in answer.text and "database is locked" not in answer.text:
        return Outcome(group.key, "locked", finished_at=time.monotonic())
    snippet = "database is locked" if "database is locked" in answer.text else location or answer.text[:200]
    return Outcome(group.key, "error", f"{answer.status_code}: {snippet}", time.monotonic())


def send_group(base_url: str, group: Group) -> list[Outcome]:
    """Send every copy of the group at the same instant (one thread per copy, released together)."""
    if group.copies == 1:
        return [submit(base_url, group)]
    gate = threading.Barrier(group.copies)
    results: list[Outcome] = []

    def copy():
        """One copy: wait for the others, then post."""
        gate.wait(timeout=10)
        results.append(submit(base_url, group))

    workers = [threading.Thread(target=copy) for _ in range(group.copies)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


@dataclass
class LoadResult:
    """Every outcome of a load run, and the groups that were never sent (deadline or stop)."""

    outcomes: list[Outcome]
    unsent: int
    seconds: float = 0.0

    def count(self, kind: str) -> int:
        """How many POSTs got this kind of answer."""
        return sum(1 for o in self.outcomes if o.kind == kind)

    def acknowledged_keys(self) -> set[tuple]:
        """The groups at least one of whose copies was acknowledged."""
        return {o.key for o in self.outcomes if o.kind == "ack"}

    def errors(self) -> Counter:
        """The error answers, counted by their first words."""
        return Counter(o.detail[:80] for o in self.outcomes if o.kind == "error")


class Progress:
    """Acknowledgements counted as they arrive, for a test that acts in the middle of a load."""

    def __init__(self):
        """Nothing acknowledged yet, not stopped."""
        self.acks = 0
        self.acknowledged: set[tuple] = set()
        self.stop = threading.Event()
        self._changed = threading.Condition()

    def record(self, outcomes: list[Outcome]) -> None:
        """Count the acknowledged outcomes of one group."""
        with self._changed:
            acked = [o.key for o in outcomes if o.kind == "ack"]
            self.acks += len(acked)
            self.acknowledged.update(acked)
            self._changed.notify_all()

    def acknowledged_so_far(self) -> set[tuple]:
        """The groups acknowledged up to now."""
        with self._changed:
            return set(self.acknowledged)

    def wait_for_acks(self, count: int, timeout_s: float) -> bool:
        """Block until ``count`` acknowledgements have arrived (False on timeout)."""
        with self._changed:
            return self._changed.wait_for(lambda: self.acks >= count, timeout=timeout_s)


def run_load(base_url: str, groups: list[Group], threads: int, deadline_s: float, progress: Progress | None = None):
    """Send every group from ``threads`` threads; groups not started by the deadline (or after
    ``progress.stop`` is set) are counted as unsent. Returns a LoadResult."""
    deadline = time.monotonic() + deadline_s
    progress = progress or Progress()
    unsent = 0
    lock = threading.Lock()

    def job(group: Group) -> list[Outcome]:
        """Send one group unless time is up."""
        nonlocal unsent
        if progress.stop.is_set() or time.monotonic() > deadline:
            with lock:
                unsent += 1
            return []
        outcomes = send_group(base_url, group)
        progress.record(outcomes)
        return outcomes

    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        outcomes = [o for batch in pool.map(job, groups) for o in batch]
    return LoadResult(outcomes, unsent, time.monotonic() - started)

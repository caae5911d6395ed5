"""Can a hidden rating be timed through the chart cache? The attack, measured.

    python tests/benchmarks/bench_timing_channel.py [--rounds 15] [--chart alliance]

Partnership A: therapist and patient, three revealed sessions and one the patient rated
that is still hidden from the therapist. The therapist copies what they can see into
partnership B with a made-up patient and, for each guess 0-10, rates the hidden session
there with the guess and times the made-up patient's chart request. Before each round the
real patient views their chart (so it is cached, as it would be in real use) and the
cache starts empty otherwise. If the right guess answers faster than the wrong ones, the
cache leaks the hidden rating.

In-process (Flask test client, SQLite and the default in-memory chart cache, one worker):
the figures are the app's own work for each request. The report gives the median time of
the right guess against the wrong ones, and how often the fastest guess was the right one
(1 in 11 is chance).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

SECRET = 3
PASSWORD = "correct horse battery"


def build(folder: str):
    """The app with partnerships A and B as the module docstring describes; (app, a, b)."""
    from partnertrack import create_app
    from partnertrack.core.roles import Role
    from partnertrack.extensions import db
    from partnertrack.models import import_all_models
    from tests.factories import add_partnership, add_user, flat, store_ratings

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 8 * 1024,
            "ARGON2_PARALLELISM": 1,
        }
    )
    today = date.today()
    visible = [today - timedelta(days=d) for d in (30, 23, 16)]
    with app.app_context():
        import_all_models()
        db.create_all()
        tara = add_user("Dr Tara", "tara@example.org", Role.THERAPIST, PASSWORD)
        pat = add_user("Pat", "pat@example.org", Role.PATIENT, PASSWORD)
        made_up = add_user("Made Up", "made.up@example.org", Role.PATIENT, PASSWORD)
        a = add_partnership(tara, pat, "Pat", visible[0] - timedelta(days=7))
        b = add_partnership(tara, made_up, "Pat copy", visible[0] - timedelta(days=7))
    shared = [(d, r, flat(5 + i)) for i, d in enumerate(visible) for r in (Role.PATIENT, Role.THERAPIST)]
    hidden = today - timedelta(days=2)
    store_ratings(app, a, [*shared, (hidden, Role.PATIENT, flat(SECRET))])
    store_ratings(app, b, [*shared, (hidden, Role.PATIENT, flat(0))])
    return app, a, b, hidden


def set_guess(app, partnership_id: int, day: date, guess: int) -> None:
    """The made-up patient's rating of the hidden session becomes ``guess`` on every factor."""
    from partnertrack.extensions import db
    from partnertrack.models import Rating, TherapySession
    from partnertrack.ratings.factors import FACTOR_KEYS

    with app.app_context():
        rating = db.session.scalar(
            db.select(Rating)
            .join(TherapySession)
            .where(TherapySession.partnership_id == partnership_id, TherapySession.date == day)
        )
        for key in FACTOR_KEYS:
            setattr(rating, key, guess)
        db.session.commit()


def login(app, email: str):
    """A test client logged in as ``email``."""
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def main() -> None:
    """Run the rounds and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--chart", default="alliance")
    args = parser.parse_args()
    from partnertrack.extensions import cache

    with tempfile.TemporaryDirectory() as folder:
        app, a, b, hidden = build(folder)
        pat, made_up = login(app, "pat@example.org"), login(app, "made.up@example.org")
        real_url, copy_url = f"/partnerships/{a}/charts/{args.chart}.svg", f"/partnerships/{b}/charts/{args.chart}.svg"
        pat.get(real_url)  # warm up matplotlib and the fonts before measuring
        times: dict[int, list[float]] = {g: [] for g in range(11)}
        fastest_right = 0
        for _ in range(args.rounds):
            with app.app_context():
                cache.clear()
            pat.get(real_url)  # the real patient looks at their chart: it is cached
            guesses = list(range(11))
            random.shuffle(guesses)
            this_round = {}
            for guess in guesses:
                set_guess(app, b, hidden, guess)
                t0 = time.perf_counter()
                assert made_up.get(copy_url).status_code == 200
                this_round[guess] = (time.perf_counter() - t0) * 1000
                times[guess].append(this_round[guess])
            fastest_right += min(this_round, key=this_round.get) == SECRET
        right = statistics.median(times[SECRET])
        wrong = statistics.median([t for g, ts in times.items() if g != SECRET for t in ts])
        wrong_medians = sorted(statistics.median(ts) for g, ts in times.items() if g != SECRET)
        print(f"chart {args.chart}.svg, {args.rounds} rounds of 11 guesses (right guess: {SECRET})")
        print(f"right guess: median {right:.1f} ms")
        print(
            f"wrong guesses: median {wrong:.1f} ms (per-guess medians {wrong_medians[0]:.1f}-{wrong_medians[-1]:.1f})"
        )
        print(f"fastest guess was the right one in {fastest_right} of {args.rounds} rounds (chance: 1 in 11)")


if __name__ == "__main__":
    main()

"""Ending-review PDF benchmark: time to build the review and its PDF at a few history lengths.

Not a test: it measures and prints. Run from the checkout:

    python tests/benchmarks/bench_review_pdf.py [--sessions 10 50 150] [--runs 3]

Each size gets a fresh SQLite database with one partnership, both parties rating
every session, two goals with progress and an open review with notes. "first"
includes the one-off cost of importing matplotlib and loading fonts in this
process; "warm" is the median of the later runs, as a long-running server sees it.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from partnertrack import create_app
from partnertrack.extensions import db
from partnertrack.goals.models import Goal, GoalProgress
from partnertrack.models import Partnership, Rating, TherapySession, User
from partnertrack.ratings.factors import FACTOR_KEYS
from partnertrack.review.models import Review


def build(sessions: int):
    """A fresh app with one partnership of ``sessions`` rated sessions; returns (app, partnership id)."""
    folder = Path(tempfile.mkdtemp())
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'b.sqlite'}"}
    )
    rng = random.Random(sessions)
    with app.app_context():
        db.create_all()
        therapist = User(email="t@example.org", name="Dr Bench", password_hash="x", role="therapist")
        patient = User(email="p@example.org", name="Pat Bench", password_hash="x", role="patient")
        start = date.today() - timedelta(days=7 * sessions + 14)
        p = Partnership(therapist=therapist, patient=patient, patient_name="Pat", started_on=start, status="ending")
        goals = [Goal(partnership=p, text=t, created_by="patient") for t in ("Sleep better", "Speak up at work")]
        db.session.add_all([p, *goals])
        for n in range(sessions):
            session = TherapySession(partnership=p, date=start + timedelta(days=7 * n))
            for rater in ("patient", "therapist"):
                rating = Rating(rater=rater, **{k: rng.randint(3, 9) for k in FACTOR_KEYS})
                session.ratings.append(rating)
                db.session.add_all(GoalProgress(goal=g, rating=rating, progress=rng.randint(0, 10)) for g in goals)
            db.session.add(session)
        db.session.add(
            Review(
                partnership=p,
                opened_by="patient",
                patient_progress="A lot.",
                patient_left_undone="Some.",
                therapist_progress="Much.",
                therapist_left_undone="A little.",
            )
        )
        db.session.commit()
        return app, p.id


def main() -> None:
    """Print content and PDF build times per history length."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 50, 150])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from partnertrack.review.content import review_content
    from partnertrack.review.pdf import build as build_pdf

    print(f"{'sessions':>8} {'content first':>14} {'pdf first':>10} {'content warm':>13} {'pdf warm':>9} {'bytes':>8}")
    for sessions in args.sessions:
        app, pid = build(sessions)
        content_times, pdf_times, size = [], [], 0
        with app.test_request_context():
            partnership = db.session.get(Partnership, pid)
            for _ in range(args.runs + 1):
                t0 = time.perf_counter()
                content = review_content(partnership, "therapist")
                t1 = time.perf_counter()
                size = len(build_pdf(partnership, "therapist", content))
                content_times.append(t1 - t0)
                pdf_times.append(time.perf_counter() - t1)
        print(
            f"{sessions:>8} {content_times[0]:>13.3f}s {pdf_times[0]:>9.3f}s "
            f"{statistics.median(content_times[1:]):>12.3f}s {statistics.median(pdf_times[1:]):>8.3f}s {size:>8}"
        )


if __name__ == "__main__":
    main()

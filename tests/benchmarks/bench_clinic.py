"""Benchmark the supervisor's clinic page at 20 therapists × 40 clients × 50 sessions (a script, not a test).

    python tests/benchmarks/bench_clinic.py [--pg URL] [--requests 50]

For each engine (SQLite, and PostgreSQL when --pg or PARTNERTRACK_TEST_DATABASE_URL is given)
it generates the caseload with the demo generator (partnertrack/demo/scale.py), puts the 20
therapists into one clinic with a supervisor, serves it with gunicorn (2 workers) and prints
the p50 and p95 of /clinic/ and of one therapist's page as ratios to /healthz p50 in the same
run, and the number of SQL statements the clinic page runs (constant in caseload size).
The goal (docs/clinic.md): the clinic page ≤ 5× /healthz.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.bench_server import login, measure, reset_postgres
from tests.serverutil import Server

SUPERVISOR = ("Sam Supervisor", "supervisor@bench.example.org", "benchmark-password-2")


def make_clinic(db_url: str, workdir: Path) -> int:
    """Put every generated therapist into one clinic with a supervisor; the first therapist's member id."""
    from partnertrack import create_app
    from partnertrack.auth.service import create_user
    from partnertrack.clinic.models import Clinic, ClinicMember
    from partnertrack.extensions import db
    from partnertrack.models import User

    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        therapists = db.session.scalars(db.select(User).where(User.role == "therapist").order_by(User.id)).all()
        supervisor = create_user(SUPERVISOR[0], SUPERVISOR[1], SUPERVISOR[2], "therapist")
        clinic = Clinic(name="Bench clinic", require_two_factor=False)
        db.session.add(clinic)
        db.session.flush()
        db.session.add(ClinicMember(clinic_id=clinic.id, user_id=supervisor.id, role="supervisor"))
        members = [ClinicMember(clinic_id=clinic.id, user_id=t.id, role="therapist") for t in therapists]
        db.session.add_all(members)
        db.session.commit()
        first = members[0].id
        db.session.remove()
        db.engine.dispose()
    return first


def statements_of_clinic_page(db_url: str, clients: int) -> int:
    """SQL statements one /clinic/ request runs (counted in-process with an engine listener)."""
    import sqlalchemy as sa

    from partnertrack import create_app
    from partnertrack.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": db_url,
            "SECRET_KEY": "bench",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    client = app.test_client()
    client.post("/login", data={"email": SUPERVISOR[1], "password": SUPERVISOR[2]})
    seen = []
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a, **k: seen.append(1))
        assert client.get("/clinic/").status_code == 200
        db.engine.dispose()
    return len(seen)


def bench_engine(label: str, db_url: str, n: int, workdir: Path) -> list[dict]:
    """Generate, make the clinic, serve and measure."""
    server = Server(
        db_url,
        workdir / f"instance-{label}",
        workers=2,
        threads=4,
        extra_env={"PARTNERTRACK_LOGIN_RATE_LIMIT": "1000 per minute"},
    )
    server.setup()
    generated = server.flask("demo", "--therapists", "20", "--patients", "40", "--sessions", "50")
    print(f"[{label}] {generated.stdout.strip().splitlines()[0]}")
    member = make_clinic(db_url, workdir)
    print(f"[{label}] statements per /clinic/ request: {statements_of_clinic_page(db_url, 40)}")
    base = server.start()
    try:
        session = login(base, SUPERVISOR[1], SUPERVISOR[2])
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(1) as pool:
            for warm in ("/healthz", "/clinic/", f"/clinic/therapists/{member}"):
                measure(pool, base, session, "warm-up", [warm], 2)
            rows = [measure(pool, base, session, "/healthz", ["/healthz"], n)]
            rows.append(measure(pool, base, session, "clinic page (800 partnerships)", ["/clinic/"], n))
            rows.append(measure(pool, base, session, "therapist page (40)", [f"/clinic/therapists/{member}"], n))
    finally:
        server.stop()
    return rows


def main() -> None:
    """Run the benchmark on each configured engine and print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("PARTNERTRACK_TEST_DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pt-bench-clinic-") as tmp:
        engines = [("sqlite", f"sqlite:///{tmp}/bench.sqlite")]
        if args.pg:
            engines.append(("postgresql", args.pg))
        for label, url in engines:
            if label == "postgresql":
                reset_postgres(url)
            rows = bench_engine(label, url, args.requests, Path(tmp))
            floor = rows[0]["p50_ms"]
            print(f"\n== {label}")
            print(f"{'request':36} {'p50 ms':>8} {'p95 ms':>8} {'p50 / healthz':>14}")
            for row in rows:
                print(f"{row['kind']:36} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['p50_ms'] / floor:13.1f}×")


if __name__ == "__main__":
    main()

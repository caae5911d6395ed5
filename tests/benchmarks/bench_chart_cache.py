"""Chart serving at 10, 50 and 200 sessions: cold render, from cache, 304, next to /healthz.

    python tests/benchmarks/bench_chart_cache.py [--runs 15]

In-process (Flask test client, SQLite in a temporary folder), so the figures compare the
app's own work for each request with /healthz in the same run; bench_server.py measures
the same through gunicorn at a full caseload.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

CHARTS = ("alliance", "factors", "gaps", "readiness", "goals")


def build(folder: str, sessions: int):
    """An app with one demo partnership of ``sessions`` sessions; returns (app, client, id)."""
    from partnertrack import create_app
    from partnertrack.demo.loader import load_demo
    from partnertrack.extensions import cache, db
    from partnertrack.models import import_all_models as import_models

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite",
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        import_models()
        db.create_all()
        accounts = load_demo(n_sessions=sessions)
        cache.clear()
    client = app.test_client()
    client.post("/login", data={"email": accounts[0][1], "password": accounts[0][2]})
    return app, client


def median_ms(fn, runs: int) -> float:
    """Median wall time of ``fn()`` in milliseconds."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    """Print one table per partnership size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    for sessions in (10, 50, 200):
        with tempfile.TemporaryDirectory() as folder:
            app, client = build(folder, sessions)
            client.get("/partnerships/1/charts/alliance.svg")  # matplotlib import and fonts, once
            floor = median_ms(lambda: client.get("/healthz"), args.runs)
            print(f"\n{sessions} sessions  (/healthz p50 {floor:.1f} ms)")
            print(f"{'chart':10} {'cold ms':>8} {'cached ms':>10} {'× healthz':>10} {'304 ms':>8}")
            for name in CHARTS:
                url = f"/partnerships/1/charts/{name}.svg"
                from partnertrack.extensions import cache

                def cold():
                    with app.app_context():
                        cache.clear()
                    client.get(url)

                cold_ms = median_ms(cold, max(3, args.runs // 3))
                cached_ms = median_ms(lambda: client.get(url), args.runs)
                tag = client.get(url).headers["ETag"]
                not_modified = median_ms(lambda: client.get(url, headers={"If-None-Match": tag}), args.runs)
                print(f"{name:10} {cold_ms:8.1f} {cached_ms:10.1f} {cached_ms / floor:9.1f}× {not_modified:8.1f}")
            with app.app_context():
                from partnertrack.extensions import db

                db.engine.dispose()


if __name__ == "__main__":
    main()

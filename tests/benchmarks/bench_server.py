"""Benchmark the production server at a full caseload (a script, not a test).

    python tests/benchmarks/bench_server.py [--pg URL] [--requests 200] [--therapists 20]
                                            [--renders 1000] [--json out.json]

For each engine (SQLite, and PostgreSQL when --pg or PARTNERTRACK_TEST_DATABASE_URL is
given) it generates 20 therapists × 40 patients × 50 sessions × 2 raters, starts gunicorn
(2 workers) on loopback, warms it up, and measures from a separate load process the p50
and p95 latency and requests per second of each page, printed as a ratio to /healthz in
the same run, against the goals (GOALS). Where a page misses its goal, the page is run
once more in this process under cProfile and the functions that took the time are printed.
It also prints worker RSS before and after 1,000 uncached chart renders (--renders 0: skip).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.serverutil import Server

CHARTS = ("alliance", "factors", "gaps", "readiness", "goals")
# p50 as a multiple of /healthz p50 in the same run (docs/architecture.md, "Speed").
GOALS = {
    "dashboard (40 patients)": 3.0,
    "partnership page (50 sessions)": 3.0,
    "csv export (50 sessions)": 3.0,
    "rating submission": 3.0,
    **{f"chart {chart} cached": 1.5 for chart in CHARTS},
}


def login(base: str, email: str, password: str):
    """A requests session logged in through the real form (CSRF token included)."""
    import requests

    session = requests.Session()
    page = session.get(base + "/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = session.post(
        base + "/login", data={"email": email, "password": password, "csrf_token": token}, allow_redirects=False
    )
    assert response.status_code == 302, response.text[:500]
    return session


def _time_requests(args) -> dict:
    """Run in the load process: time ``n`` requests of one kind and return the figures."""
    base, cookies, kind, urls, n, form = args
    import requests

    session = requests.Session()
    session.cookies.update(cookies)
    times = []
    started = time.perf_counter()
    for i in range(n):
        url = urls[i % len(urls)]
        t0 = time.perf_counter()
        if form is not None:
            response = session.post(base + url, data=form, allow_redirects=False)
            ok = response.status_code == 302
        else:
            response = session.get(base + url)
            ok = response.status_code in (200, 304)
        times.append((time.perf_counter() - t0) * 1000)
        if not ok:
            raise RuntimeError(f"{kind}: {url} answered {response.status_code}")
    elapsed = time.perf_counter() - started
    times.sort()
    return {
        "kind": kind,
        "n": n,
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))],
        "rps": n / elapsed,
    }


def measure(pool, base, session, kind, urls, n, form=None) -> dict:
    """Time one kind of request from the separate load process."""
    return pool.apply(_time_requests, ((base, session.cookies.get_dict(), kind, urls, n, form),))


def csrf_of(session, base, url) -> str:
    """The CSRF token of the form at ``url``."""
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', session.get(base + url).text).group(1)


def worker_rss_kib(master_pid: int) -> list[int]:
    """Resident memory (KiB) of each gunicorn worker of ``master_pid``."""
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", status, re.M):
            sizes.append(int(re.search(r"^VmRSS:\s+(\d+)", status, re.M).group(1)))
    return sorted(sizes)


def bench_engine(label: str, db_url: str, n: int, workdir: Path, therapists: int = 20, renders: int = 1000) -> dict:
    """Generate the caseload on ``db_url``, serve it and measure every page."""
    server = Server(
        db_url,
        workdir / f"instance-{label}",
        workers=2,
        threads=4,
        extra_env={"PARTNERTRACK_LOGIN_RATE_LIMIT": "1000 per minute"},
    )
    server.setup()
    generated = server.flask("demo", "--therapists", str(therapists), "--patients", "40", "--sessions", "50")
    print(f"[{label}] {generated.stdout.strip().splitlines()[0]}")
    email = re.search(r"therapist\s+(\S+)\s+password", generated.stdout).group(1)
    password = re.search(r"password: (\S+)", generated.stdout).group(1)
    base = server.start()
    results = {"generate": generated.stdout.strip().splitlines()[0]}
    try:
        session = login(base, email, password)
        page = session.get(base + "/").text
        pids = sorted({int(m) for m in re.findall(r'href="/partnerships/(\d+)/"', page)})
        first = pids[0]
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(1) as pool:
            for warm in ("/healthz", "/", f"/partnerships/{first}/"):
                measure(pool, base, session, "warm-up", [warm], 20)
            rows = [measure(pool, base, session, "/healthz", ["/healthz"], n)]
            rows.append(measure(pool, base, session, "dashboard (40 patients)", ["/"], n))
            rows.append(measure(pool, base, session, "partnership page (50 sessions)", [f"/partnerships/{first}/"], n))
            for chart in CHARTS:
                cold_urls = [f"/partnerships/{pid}/charts/{chart}.svg" for pid in pids[1:]]
                rows.append(measure(pool, base, session, f"chart {chart} cold", cold_urls, len(cold_urls)))
                rows.append(measure(pool, base, session, f"chart {chart} cached", cold_urls[:1], n))
            rows.append(measure(pool, base, session, "caseload chart cold", ["/caseload.svg"], 1))
            rows.append(
                measure(pool, base, session, "csv export (50 sessions)", [f"/partnerships/{first}/export.csv"], n)
            )
            form = {
                "session_date": date.today().isoformat(),
                "mutuality": "7",
                "collaboration": "7",
                "responsiveness": "7",
                "feedback": "7",
                "rupture_repair": "7",
                "termination_readiness": "3",
                "comment": "benchmark",
                "new_session": date.today().isoformat(),  # no "Did you mean …?" question in the way
                "csrf_token": csrf_of(session, base, f"/partnerships/{first}/rate"),
            }
            rows.append(measure(pool, base, session, "rating submission", [f"/partnerships/{first}/rate"], n, form))
        results["rows"] = rows
        results["urls"] = {
            "dashboard (40 patients)": "/",
            "partnership page (50 sessions)": f"/partnerships/{first}/",
            "csv export (50 sessions)": f"/partnerships/{first}/export.csv",
            "chart alliance cached": f"/partnerships/{pids[1]}/charts/alliance.svg",
        }
    finally:
        server.stop()
    results["profiles"] = profiles_of_missed(server, results, email, password)
    if renders:
        results["memory"] = memory_after_renders(server, email, password, renders)
    return results


def profiles_of_missed(server: Server, result: dict, email: str, password: str) -> dict[str, str]:
    """For each page over its goal, a cProfile of one request in this process (same database)."""
    import cProfile
    import io
    import pstats

    floor = result["rows"][0]["p50_ms"]
    missed = [
        row["kind"]
        for row in result["rows"]
        if row["kind"] in result["urls"] and row["p50_ms"] / floor > GOALS.get(row["kind"], float("inf"))
    ]
    if not missed:
        return {}
    from tests.serverutil import server_app

    os.environ["PARTNERTRACK_SQLALCHEMY_DATABASE_URI"] = server.db_url
    os.environ.update(server.extra_env)
    app = server_app(str(server.instance_path))
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    found = {}
    for kind in missed:
        url = result["urls"][kind]
        client.get(url)  # warm: the profile shows the steady state, not the first load
        profile = cProfile.Profile()
        profile.enable()
        client.get(url)
        profile.disable()
        out = io.StringIO()
        # The app's own functions and templates, past the WSGI wrappers that only pass the time on.
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(
            r"partnertrack/|\.html|sqlalchemy/engine/base", 22
        )
        found[kind] = out.getvalue()
    return found


def memory_after_renders(server: Server, email: str, password: str, renders: int = 1000) -> dict:
    """Worker RSS before and after ``renders`` chart renders with the cache switched off."""
    server.extra_env["PARTNERTRACK_CACHE_TYPE"] = "NullCache"
    base = server.start()
    try:
        session = login(base, email, password)
        pids = sorted({int(m) for m in re.findall(r'href="/partnerships/(\d+)/"', session.get(base + "/").text)})
        urls = [
            f"/partnerships/{pid}/charts/{chart}.{fmt}" for pid in pids for chart in CHARTS for fmt in ("svg", "png")
        ]
        for url in urls[:20]:
            session.get(base + url)
        before = worker_rss_kib(server.process.pid)
        for i in range(renders):
            session.get(base + urls[i % len(urls)])
        after = worker_rss_kib(server.process.pid)
    finally:
        server.stop()
        del server.extra_env["PARTNERTRACK_CACHE_TYPE"]
    return {"renders": renders, "rss_before_kib": before, "rss_after_kib": after}


def print_table(label: str, result: dict) -> None:
    """Every figure, with its ratio to /healthz p50 from the same run."""
    floor = result["rows"][0]["p50_ms"]
    print(f"\n== {label}: {result['generate']}")
    print(f"{'request':36} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'p50 / healthz':>14}")
    for row in result["rows"]:
        print(
            f"{row['kind']:36} {row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['rps']:8.1f} {row['p50_ms'] / floor:13.1f}×"
        )
    for row in result["rows"]:
        goal = GOALS.get(row["kind"])
        if goal is not None:
            ratio = row["p50_ms"] / floor
            print(f"goal {row['kind']:36} ≤ {goal:.1f}×: {ratio:.1f}× {'met' if ratio <= goal else 'MISSED'}")
    for kind, profile in result.get("profiles", {}).items():
        print(f"\n-- why {kind} missed its goal (cProfile of one request, cumulative):\n{profile}")
    mem = result.get("memory")
    if mem:
        print(
            f"worker RSS before/after {mem['renders']} uncached chart renders (KiB): "
            f"{mem['rss_before_kib']} → {mem['rss_after_kib']}"
        )


def main() -> None:
    """Run the benchmark on each configured engine."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default=os.environ.get("PARTNERTRACK_TEST_DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--therapists", type=int, default=20, help="therapists generated (40 patients each)")
    parser.add_argument("--renders", type=int, default=1000, help="uncached renders for the memory figure; 0 skips")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="pt-bench-") as tmp:
        engines = [("sqlite", f"sqlite:///{tmp}/bench.sqlite")]
        if args.pg and not args.sqlite_only:
            engines.append(("postgresql", args.pg))
        for label, url in engines:
            if label == "postgresql":
                reset_postgres(url)
            results[label] = bench_engine(label, url, args.requests, Path(tmp), args.therapists, args.renders)
            print_table(label, results[label])
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def reset_postgres(url: str) -> None:
    """Empty the PostgreSQL database the benchmark is pointed at."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


if __name__ == "__main__":
    main()

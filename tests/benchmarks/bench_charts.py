"""Chart rendering benchmark: cold render time per chart and size, and memory over many renders.

Not a test: it asserts nothing about time, it measures and prints. Run from the checkout:

    python tests/benchmarks/bench_charts.py [--sizes 10 50 200] [--runs 5] [--renders 1000]
                                            [--json results.json]

"Cold" means no cache: every render builds a new Figure from the data, as a
request does when its ETag has changed. The one-off cost of importing
matplotlib (and loading its fonts) in a fresh process is reported separately.
RSS is read from /proc/self/status (VmRSS) after a warm-up and then after
``--renders`` renders; a Figure leak would grow it with every render.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable

from partnertrack.demo.series import demo_goals, synthetic_ratings
from partnertrack.insights import chart_data, chart_model
from partnertrack.insights.alliance_data import alliance
from partnertrack.insights.charts import render
from partnertrack.insights.signals import find_ruptures, index_of

FORMATS = ("svg", "png")
CASELOAD_PATIENTS = 10


def build_charts(n_sessions: int, seed: int = 0) -> dict[str, chart_model.ChartData]:
    """All six charts for a synthetic partnership of ``n_sessions`` (caseload: 10 of them)."""
    ratings = synthetic_ratings(n_sessions, seed)
    goals = [chart_model.GoalSeries(t, p) for t, p in demo_goals(n_sessions, seed)]
    patients = [
        chart_model.CaseloadLine(
            f"Client {i}",
            [
                (r.session_number, index_of(r))
                for r in synthetic_ratings(n_sessions, seed + i)
                if r.rater == "therapist"
            ],
        )
        for i in range(CASELOAD_PATIENTS)
    ]
    charts = [
        chart_data.factor_trends(ratings),
        alliance(ratings, find_ruptures(ratings)),
        chart_data.gap_map(ratings),
        chart_data.readiness(ratings),
        chart_data.goal_progress(goals),
        chart_data.caseload(patients),
    ]
    return {c.name: c for c in charts}


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """Median wall, median CPU and fastest wall time of ``runs`` calls, in milliseconds.

    CPU time and the fastest run are reported beside the median because on a
    shared, busy machine the wall clock mostly measures the neighbours.
    """
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu), min(wall)


def rss_mib() -> float:
    """Current resident set size (VmRSS) in MiB; peak RSS where /proc is missing."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def first_render_ms() -> float:
    """The first render in this process: matplotlib import and font loading included."""
    data = chart_data.readiness(synthetic_ratings(10))
    start = time.perf_counter()
    render(data)
    return (time.perf_counter() - start) * 1000


def time_table(sizes: list[int], runs: int) -> list[dict]:
    """One row per (sessions, chart): data build time and median render time per format."""
    rows = []
    for n in sizes:
        build_ms, _, _ = timed(lambda: build_charts(n), max(1, runs // 2))
        for name, data in build_charts(n).items():
            row = {"sessions": n, "chart": name, "build_all_ms": round(build_ms, 1)}
            for fmt in FORMATS:
                wall, cpu, best = timed(lambda: render(data, fmt), runs)
                row[f"{fmt}_ms"], row[f"{fmt}_cpu_ms"] = round(wall, 1), round(cpu, 1)
                row[f"{fmt}_min_ms"] = round(best, 1)
                row[f"{fmt}_bytes"] = len(render(data, fmt))
            rows.append(row)
    return rows


def memory_check(renders: int, n_sessions: int = 50) -> dict:
    """RSS before and after ``renders`` renders cycling through all charts and formats."""
    charts = list(build_charts(n_sessions).values())
    jobs = [(c, fmt) for c in charts for fmt in FORMATS]
    for data, fmt in jobs:  # warm-up: caches (fonts, glyphs, colormaps) fill once
        render(data, fmt)
    before = rss_mib()
    checkpoints = {}
    for i in range(1, renders + 1):
        data, fmt = jobs[i % len(jobs)]
        render(data, fmt)
        if i % max(1, renders // 4) == 0:
            checkpoints[i] = round(rss_mib(), 1)
    return {
        "renders": renders,
        "sessions": n_sessions,
        "rss_before_mib": round(before, 1),
        "rss_after_mib": round(rss_mib(), 1),
        "rss_checkpoints_mib": checkpoints,
    }


def print_report(first_ms: float, rows: list[dict], memory: dict | None) -> None:
    """The tables, readable in a terminal."""
    print(f"First render in a fresh process (matplotlib import + fonts): {first_ms:.0f} ms\n")
    print("Cold render in ms: median wall, median CPU, fastest wall; and size in bytes")
    print(
        f"{'sessions':>8}  {'chart':<10}"
        + "".join(f" {f + ' wall':>9} {f + ' cpu':>8} {f + ' min':>8} {f + ' bytes':>10}" for f in ("SVG", "PNG"))
    )
    for row in rows:
        print(
            f"{row['sessions']:>8}  {row['chart']:<10}"
            + "".join(
                f" {row[f + '_ms']:>9.1f} {row[f + '_cpu_ms']:>8.1f} {row[f + '_min_ms']:>8.1f} {row[f + '_bytes']:>10}"
                for f in FORMATS
            )
        )
    sizes = sorted({r["sessions"] for r in rows})
    print(
        "\nBuilding the data of all six charts (pure Python), median ms: "
        + ", ".join(f"{n} sessions {next(r['build_all_ms'] for r in rows if r['sessions'] == n)}" for n in sizes)
    )
    if memory:
        points = ", ".join(f"{k}: {v}" for k, v in memory["rss_checkpoints_mib"].items())
        print(
            f"\nRSS over {memory['renders']} renders ({memory['sessions']} sessions, all charts, "
            f"SVG and PNG): before {memory['rss_before_mib']} MiB, after "
            f"{memory['rss_after_mib']} MiB  (after n renders: {points})"
        )


def main(argv: list[str]) -> int:
    """Parse arguments, measure, print, and optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--runs", type=int, default=5, help="renders per timing (median)")
    parser.add_argument("--renders", type=int, default=1000, help="renders for the RSS check; 0 skips")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    first_ms = first_render_ms()
    rows = time_table(args.sizes, args.runs)
    memory = memory_check(args.renders) if args.renders else None
    print_report(first_ms, rows, memory)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(
                {
                    "python": sys.version.split()[0],
                    "first_render_ms": round(first_ms, 1),
                    "cold_render": rows,
                    "memory": memory,
                },
                out,
                indent=2,
            )
        print(f"\nWrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

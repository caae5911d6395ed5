"""Calibration of the signals: false alarms on everyday noise, detections of real dips.

Not a test: it asserts nothing, it simulates and prints the tables docs/clinical.md quotes.
Run from the checkout:

    python tests/benchmarks/bench_calibration.py [--runs 2000] [--seed 1]

Each run is one partnership of 16 weekly sessions: a patient and a therapist who see the
alliance alike (the same usual levels, each with their own noise) and are not yet ready to
end (readiness at a steady 3-6), under one of the noise models of tests/simulated_series.py.
Nothing real happens in it, so every signal it raises is a false alarm. For every model it
prints, per party and series, the possible ruptures and the times "declining" is newly shown
after a session, and per partnership the sessions that show a notable gap (in the latest session
both rated, a factor 3 apart the same way as in the session both rated before it, or 5 apart, or
a possible blind spot) and the times "ready to talk about
ending" is newly shown. Then the share of V-shaped dips seen, per dip size and model: an index
``size`` or more below the person's usual level at a random session 5-14 (after a usual level
exists), half as low at the next, then back; seen when a rupture opens at the dip or an open one
covers it. Last, the share of steady declines named as declining.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from partnertrack.insights.rupture_detection import find_ruptures
from partnertrack.insights.series import index_of
from partnertrack.insights.signals import alliance_gap, both_rated, notable_gaps, ready_to_discuss_ending, trend
from partnertrack.insights.thresholds import DEFAULT_THRESHOLDS as T
from tests.simulated_series import NOISE_MODELS, SESSIONS, Dip, series, wobble

DIP_SIZES = (1.0, 1.5, 2.0, 3.0, 4.0)
DECLINES = (-0.1, -0.3, -0.5)
SIGNALS = ("ruptures", "declining", "gap shown", "ready to end")


def onsets(shown: list[bool]) -> int:
    """How many times a signal appears after a session where it was not shown."""
    return sum(now and not before for before, now in zip([False, *shown], shown, strict=False))


def declining_onsets(ratings) -> int:
    """Times "declining" is newly shown after a session, over the series."""
    points = [(r.session_number, index_of(r)) for r in ratings]
    return onsets([trend(points[:k]).label == "declining" for k in range(1, len(points) + 1)])


def gap_shown(ratings) -> bool:
    """The latest session both rated shows a notable factor gap or a possible blind spot."""
    pairs, alliance = both_rated(ratings), alliance_gap(ratings)
    latest = pairs[-1][0].session_number if pairs else None
    factor = any(g.session_number == latest for g in notable_gaps(ratings, T))
    return factor or (alliance is not None and alliance.blind_spot(T))


def _renoised(rng: random.Random, name: str, same: float, rater: str) -> list:
    """The person ``Random(same)`` would make, answering with noise drawn from ``rng``."""
    person = NOISE_MODELS[name](random.Random(same))
    return series(rng, lambda _: person, rater)


def false_alarms(runs: int, seed: int) -> list[tuple[str, dict[str, float], dict[str, float]]]:
    """(model, mean count per series, share of series with one) for each signal in SIGNALS."""
    rows = []
    for name in NOISE_MODELS:
        rng = random.Random(seed)
        counts: dict[str, list[int]] = {s: [] for s in SIGNALS}
        for _ in range(runs):
            same = rng.random()
            patient, therapist = (_renoised(rng, name, same, rater) for rater in ("patient", "therapist"))
            both = patient + therapist
            for party in (patient, therapist):  # ruptures and trends are per party
                counts["ruptures"].append(len(find_ruptures(party)))
                counts["declining"].append(declining_onsets(party))
            by_session = [[r for r in both if r.session_number <= k] for k in range(1, SESSIONS + 1)]
            counts["gap shown"].append(sum(gap_shown(part) for part in by_session))
            counts["ready to end"].append(onsets([ready_to_discuss_ending(part) for part in by_session]))
        mean = {s: sum(c) / len(c) for s, c in counts.items()}
        share = {s: sum(x > 0 for x in c) / len(c) for s, c in counts.items()}
        rows.append((name, mean, share))
    return rows


def dips_seen(runs: int, seed: int) -> dict[str, list[float]]:
    """Share of V-shaped dips seen (a rupture at the dip, or one open across it) per size."""
    table = {}
    for name, model in NOISE_MODELS.items():
        shares = []
        for size in DIP_SIZES:
            rng = random.Random(seed)
            seen = 0
            for _ in range(runs):
                at = rng.randint(5, SESSIONS - 2)
                found = find_ruptures(series(rng, model, dip=Dip(at, size)))
                seen += any(r.session_number == at or at in r.absorbed for r in found)
            shares.append(seen / runs)
        table[name] = shares
    return table


def declines_named(runs: int, seed: int) -> list[tuple[float, float]]:
    """(slope per session, share of 6-session series named declining at their last session).

    Six sessions, the trend window: longer runs at -0.5 would meet the 0 floor of the scale.
    """
    rows = []
    for slope in DECLINES:
        rng = random.Random(seed)
        named = 0
        for _ in range(runs):
            ratings = series(rng, wobble(1, drift=slope), n=6)
            points = [(r.session_number, index_of(r)) for r in ratings]
            named += trend(points).label == "declining"
        rows.append((slope, named / runs))
    return rows


def main() -> None:
    """Simulate and print the three tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"False alarms per 16-session series (count, and share of series with one), {args.runs} per model")
    print("ruptures and declining: per party; gap shown and ready to end: per partnership")
    print(f"{'noise model':<18} " + " ".join(f"{s:>19}" for s in SIGNALS))
    for name, mean, share in false_alarms(args.runs, args.seed):
        print(f"{name:<18} " + " ".join(f"{mean[s]:>11.3f} {share[s]:>7.1%}" for s in SIGNALS))
    print("\nV-shaped dips seen, by dip size in the alliance index (below the usual level)")
    print(f"{'noise model':<18} " + " ".join(f"{s:>6.1f}" for s in DIP_SIZES))
    for name, shares in dips_seen(args.runs, args.seed).items():
        print(f"{name:<18} " + " ".join(f"{s:>6.1%}" for s in shares))
    print("\nSteady declines (wobble -1/0/+1) named declining at the last session")
    for slope, share in declines_named(args.runs, args.seed):
        print(f"slope {slope:+.1f}/session: {share:.1%}")


if __name__ == "__main__":
    main()

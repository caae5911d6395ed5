"""Calibration of the signals: false alarms on everyday noise, detections of real dips.

Not a test: it asserts nothing, it simulates and prints the table docs/clinical.md quotes.
Run from the checkout:

    python tests/benchmarks/bench_calibration.py [--runs 2000] [--seed 1]

Each run is one party rating a 16-session partnership (tests/simulated_series.py has the
noise models). For every model it prints the false alarms per series (mean count and the
share of series with at least one) of each signal a clinician is shown: possible rupture,
declining trend (as shown after any session), blind-spot gap is left out (it needs two
parties and is a difference, not an alarm). Then the share of V-shaped dips seen, per dip
size and model, a dip placed at a random session 5-14 (after a usual level exists), and of
steady declines named as declining.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from partnertrack.insights.rupture_detection import find_ruptures
from partnertrack.insights.series import index_of
from partnertrack.insights.signals import trend
from tests.simulated_series import NOISE_MODELS, SESSIONS, series, with_dip, wobble

DIP_SIZES = (1.0, 1.5, 2.0, 3.0, 4.0)
DIP_MODELS = ("wobble -1/0/+1", "wobble -2..+2", "top cluster 9-10", "slow drift down")
DECLINES = (-0.1, -0.3, -0.5)


def declining_shown(ratings) -> bool:
    """Whether "declining" would be shown after any session of the series."""
    points = [(r.session_number, index_of(r)) for r in ratings]
    return any(trend(points[:k]).label == "declining" for k in range(1, len(points) + 1))


def false_alarms(runs: int, seed: int) -> list[tuple[str, float, float, float]]:
    """(model, ruptures per series, share with a rupture, share ever shown declining)."""
    rows = []
    for name, model in NOISE_MODELS.items():
        rng = random.Random(seed)
        counts, declines = [], 0
        for _ in range(runs):
            ratings = series(rng, model)
            counts.append(len(find_ruptures(ratings)))
            declines += declining_shown(ratings)
        rows.append((name, sum(counts) / runs, sum(c > 0 for c in counts) / runs, declines / runs))
    return rows


def dips_seen(runs: int, seed: int) -> dict[str, list[float]]:
    """Share of V-shaped dips seen (a rupture at the dip, or one open across it) per size."""
    table = {}
    for name in DIP_MODELS:
        shares = []
        for size in DIP_SIZES:
            rng = random.Random(seed)
            seen = 0
            for _ in range(runs):
                at = rng.randint(5, SESSIONS - 2)
                found = find_ruptures(with_dip(series(rng, NOISE_MODELS[name]), at, size))
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
    print(f"False alarms per 16-session series, one party, {args.runs} series per model")
    print(f"{'noise model':<20} {'ruptures/series':>16} {'series flagged':>15} {'declining shown':>16}")
    for name, mean, share, declining in false_alarms(args.runs, args.seed):
        print(f"{name:<20} {mean:>16.3f} {share:>15.1%} {declining:>16.1%}")
    print("\nV-shaped dips seen, by dip size in the alliance index")
    print(f"{'noise model':<20} " + " ".join(f"{s:>6.1f}" for s in DIP_SIZES))
    for name, shares in dips_seen(args.runs, args.seed).items():
        print(f"{name:<20} " + " ".join(f"{s:>6.1%}" for s in shares))
    print("\nSteady declines (wobble -1/0/+1) named declining at the last session")
    for slope, share in declines_named(args.runs, args.seed):
        print(f"slope {slope:+.1f}/session: {share:.1%}")


if __name__ == "__main__":
    main()

"""Signal thresholds (docs/clinical.md), overridable from configuration (pure).

Flask config is read by the caller and passed in as a plain mapping, so this
module, like signals.py, runs without an app.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Thresholds:
    """Signal thresholds; defaults per docs/clinical.md, each overridable from config."""

    rupture_min_baseline: int = 3
    rupture_baseline_sessions: int = 5
    rupture_spread_sessions: int = 8
    rupture_z: float = 2.58
    rupture_floor: float = 1.4
    rupture_steady_sd: float = 1.0
    rupture_steady_drop: float = 1.5
    rupture_sharp_floor: float = 1.2
    rupture_sharp_drop: float = 1.5
    rupture_sharp_sd: float = 0.6
    ceiling_level: float = 9.0
    ceiling_drop: float = 1.0
    rupture_repair_low: int = 4
    rupture_repair_below: int = 3
    repair_within: float = 0.5
    gap: int = 3
    gap_sessions: int = 2
    gap_single: int = 5
    trend_min_points: int = 4
    trend_sessions: int = 6
    trend_slope: float = 0.25
    ready_score: int = 7
    ready_sessions: int = 2
    ready_min_sessions: int = 8
    form_owed_days: int = 1
    quiet_days: int = 28

    def __post_init__(self) -> None:
        """Reject settings that would make a rule meaningless rather than fail later."""
        # An SD needs two ratings; a slope and its noise need three points.
        least = {
            "rupture_min_baseline": 2,
            "trend_min_points": 3,
            "trend_sessions": 3,
            "rupture_baseline_sessions": 1,
            "ready_sessions": 1,
            "gap_sessions": 1,
        }
        for f in fields(self):
            if getattr(self, f.name) < least.get(f.name, 0):
                raise ValueError(f"SIGNAL_{f.name.upper()} must be at least {least.get(f.name, 0)}")

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> Thresholds:
        """Read ``SIGNAL_<FIELD>`` keys (e.g. ``SIGNAL_GAP``); absent keys keep the default.

        Values may be strings (environment variables): each is converted to the
        type of its default, and an int field refuses "2.5" rather than truncating.
        """
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = "SIGNAL_" + f.name.upper()
            if key in config:
                values[f.name] = _coerce(config[key], type(f.default), key)
        return cls(**values)


def _coerce(value: Any, kind: type, key: str) -> int | float:
    """Convert one config value to ``kind``; booleans are refused as a likely slip."""
    try:
        if isinstance(value, bool):
            raise TypeError
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{key} must be a number, not {value!r}") from None
    if kind is int:
        if not number.is_integer():
            raise ValueError(f"{key} must be a whole number, not {value!r}")
        return int(number)
    return number


DEFAULT_THRESHOLDS = Thresholds()

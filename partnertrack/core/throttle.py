"""Failed attempts counted under several keys at once; refused once any of them is spent.

The limiter's decorators count every request to a route. Sign-in needs more: only
failures count (the owner's own logins never eat the budget), the keys depend on who is
being tried and from which device, and the check comes before the password is verified.
This module does that with the limiter's own storage (SQLite on one machine, Redis in a
clinic), so every count is shared by every process.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from limits import parse_many
from werkzeug.exceptions import TooManyRequests

from partnertrack.extensions import limiter


@dataclass(frozen=True)
class Budget:
    """``limit`` (e.g. "10 per minute") of failed attempts counted under ``key``."""

    limit: str
    key: str


class TooManyAttempts(TooManyRequests):
    """429 with Retry-After: every budget of this attempt must have room before it is tried."""

    user_message = "Too many attempts. Please wait a minute and try again."


def _on() -> bool:
    """Counting follows the limiter's switch (RATELIMIT_ENABLED)."""
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def refuse_if_spent(budgets: Iterable[Budget]) -> None:
    """Raise TooManyAttempts, with the longest wait among the spent budgets, when any is spent."""
    if not _on():
        return
    strategy = limiter.limiter
    waits = []
    for budget in budgets:
        for item in parse_many(budget.limit):
            if not strategy.test(item, budget.key):
                reset_at, _remaining = strategy.get_window_stats(item, budget.key)
                waits.append(reset_at - time.time())
    if waits:
        raise TooManyAttempts(retry_after=max(1, math.ceil(max(waits))))


def spend(budgets: Iterable[Budget]) -> None:
    """Count one failed attempt against every budget."""
    if not _on():
        return
    strategy = limiter.limiter
    for budget in budgets:
        for item in parse_many(budget.limit):
            strategy.hit(item, budget.key)

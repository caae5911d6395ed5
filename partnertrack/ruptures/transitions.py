"""Which status changes a rupture-log entry may make (pure).

open -> discussed -> repaired, one step at a time, and back one step. A
repair is something the two worked out, so an entry is discussed before it
is marked repaired; repaired goes back to discussed, not straight to open.
"""

from __future__ import annotations

from partnertrack.core.refusals import N_, Refused

LABELS = {"open": "open", "discussed": "discussed", "repaired": "repaired"}
# One sentence per status, so a translation needs no status word glued in.
ALREADY = {
    "open": N_("This entry is already marked open."),
    "discussed": N_("This entry is already marked discussed."),
    "repaired": N_("This entry is already marked repaired."),
}
ALLOWED = {
    ("open", "discussed"),
    ("discussed", "repaired"),
    ("discussed", "open"),
    ("repaired", "discussed"),
}


def check(current: str, new: str) -> None:
    """Raise Refused with a plain reason unless ``current`` -> ``new`` is allowed."""
    if new not in LABELS:
        raise Refused(N_("Please choose open, discussed or repaired."))
    if current == new:
        raise Refused(ALREADY[new])
    if (current, new) in ALLOWED:
        return
    if new == "repaired":
        raise Refused(N_("Talk it through first: mark this entry discussed before marking it repaired."))
    raise Refused(N_("A repaired entry goes back to discussed first, then to open."))


def next_steps(current: str) -> list[str]:
    """The statuses an entry in ``current`` may move to, forward first."""
    order = ["discussed", "repaired", "open"]
    return [s for s in order if (current, s) in ALLOWED]

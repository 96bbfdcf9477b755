"""Pure draw rules: integer weights, a uniform integer from a CSPRNG, and the goodness-of-fit
statistic the tests use to check them."""

import bisect
import hashlib
import itertools
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Slot:
    prize_id: int
    weight: int


def total_weight(slots: Sequence[Slot]) -> int:
    return sum(slot.weight for slot in slots)


def pick(slots: Sequence[Slot], value: int) -> Slot:
    """The slot the integer value in [0, total) falls into, weights laid end to end."""
    bounds = list(itertools.accumulate(slot.weight for slot in slots))
    if not 0 <= value < bounds[-1]:
        raise ValueError(f"value {value} outside [0, {bounds[-1]})")
    return slots[bisect.bisect_right(bounds, value)]


def draw_value(total: int) -> int:
    # secrets, not random: a draw must not be predictable from earlier draws (ST-5).
    return secrets.randbelow(total)


def config_hash(slots: Sequence[Slot], **settings: object) -> str:
    canonical = json.dumps(
        {"slots": [[s.prize_id, s.weight] for s in slots], **settings},
        sort_keys=True,
        default=str,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def chi_square(observed: Sequence[int], weights: Sequence[int]) -> float:
    """Pearson's statistic of observed counts against counts the weights predict."""
    draws, total = sum(observed), sum(weights)
    return sum(
        (o - draws * w / total) ** 2 / (draws * w / total)
        for o, w in zip(observed, weights, strict=True)
        if w > 0
    )

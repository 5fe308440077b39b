"""A leaky bucket as a meter, kept as one number: the moment the bucket will be empty.

The bucket holds `capacity` requests and leaks one every `period / capacity` seconds. This is
the generic cell rate algorithm: instead of a level and a last-update time, store the
"theoretical arrival time" (TAT) at which the bucket drains. A request fits when adding its
drop keeps the level within the capacity. One number read and written per request is what makes
an atomic compare-and-set in a shared store (Redis) possible without a script.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Bucket:
    capacity: int  # requests that may arrive at once
    period: float  # seconds for a full bucket to drain

    @property
    def interval(self) -> float:
        return self.period / self.capacity


@dataclass(frozen=True)
class Drip:
    allowed: bool
    tat: float  # the new drain moment to store (unchanged when refused)
    remaining: int  # requests that still fit right now
    retry_after: float  # seconds until one more fits (0 when allowed)
    reset_after: float  # seconds until the bucket is empty again


def drip(stored_tat: float | None, now: float, bucket: Bucket) -> Drip:
    """Add one request to the bucket whose drain moment is `stored_tat` (None: empty)."""
    tat = max(stored_tat or now, now)
    new_tat = tat + bucket.interval
    limit = bucket.capacity * bucket.interval
    if new_tat - now > limit + 1e-9:
        wait = new_tat - now - limit
        return Drip(False, tat, 0, wait, tat - now)
    remaining = int(math.floor((limit - (new_tat - now)) / bucket.interval + 1e-9))
    return Drip(True, new_tat, max(remaining, 0), 0.0, new_tat - now)

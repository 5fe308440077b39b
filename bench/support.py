"""What the benchmarks share: percentiles and a load generator without collector pauses.

Throwaway PostgreSQL databases come from tests/support/databases.py."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator

# Benches run the app as the tests do: an unset APP_ENV would mean production.
os.environ.setdefault("APP_ENV", "test")


@contextlib.contextmanager
def no_collector_pauses() -> Iterator[None]:
    """Keep the load generator's own garbage collector out of the figures while measuring.

    With a few hundred clients connected, one full collection in this process takes 130-170 ms
    on a 2-core machine: every change in flight then looks that much slower. Set-up objects are
    frozen out of the collector and collection waits until the measurement is over."""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

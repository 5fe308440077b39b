"""Analytics fed from the event log: hourly rollups kept up to date incrementally."""

from app.services.analytics.rollups import ROLLUP_CONSUMER, hourly_counts, refresh_rollups

__all__ = ["ROLLUP_CONSUMER", "hourly_counts", "refresh_rollups"]

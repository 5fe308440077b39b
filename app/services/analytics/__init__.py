"""Analytics fed from the event log: hourly rollups kept up to date incrementally."""

from app.services.analytics.dashboard import Dashboard, dashboard, series_csv
from app.services.analytics.rollups import ROLLUP_CONSUMER, hourly_counts, refresh_rollups

__all__ = [
    "ROLLUP_CONSUMER",
    "Dashboard",
    "dashboard",
    "hourly_counts",
    "refresh_rollups",
    "series_csv",
]

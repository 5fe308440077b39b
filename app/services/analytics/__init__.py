"""Analytics fed from the event log: rollups kept up to date incrementally by one consumer."""

from app.services.analytics.dashboard import CHARTS, Board, Kpi, chart_csv, dashboard
from app.services.analytics.live import CHANNEL, follow_log
from app.services.analytics.rollups import ROLLUP_CONSUMER, hourly_counts, refresh_rollups

__all__ = [
    "CHANNEL",
    "CHARTS",
    "ROLLUP_CONSUMER",
    "Board",
    "Kpi",
    "chart_csv",
    "dashboard",
    "follow_log",
    "hourly_counts",
    "refresh_rollups",
]

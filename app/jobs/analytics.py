"""Keeps the analytics rollups up to date and tells open dashboards when they moved.

Every backend process runs this loop. It wakes when any event reaches this process (or every
few seconds, to pick up events whose news was lost), folds what the log gained into the
rollups through the consumer API (one runner at a time: the consumer's row lock), and the
process that applied something publishes one `analytics.updated` news. Dashboards re-read the
rollups on that news: no browser polls, and nobody scans the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from app.realtime.hub import hub
from app.services.analytics.live import follow_log
from app.services.context import app_context

log = logging.getLogger(__name__)

IDLE_SECONDS = 3.0
# Events that arrive together are folded together.
GATHER_SECONDS = 0.5


async def run_analytics() -> None:
    with hub.news() as news:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(news.wait(), IDLE_SECONDS)
            await asyncio.sleep(GATHER_SECONDS)
            news.clear()
            try:
                await asyncio.to_thread(follow_log, app_context())
            except Exception:  # the next round tries again; the position did not move
                log.exception("analytics rollups could not be refreshed")

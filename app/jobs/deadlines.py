"""The deadline scheduler: deadlines live in the database, so a restart loses none of them.

Every backend process runs this loop; what it runs (`close_what_is_due` in
app/services/deadlines.py) is written so that several processes running it at once still act
once, which also makes the run at start-up close whatever fell due while the app was down.
"""

from __future__ import annotations

import asyncio

from app.services.context import app_context
from app.services.deadlines import close_what_is_due

INTERVAL_SECONDS = 5.0


async def run_deadlines(interval: float = INTERVAL_SECONDS) -> None:
    """Run every job now (catching up after a crash), then every `interval` seconds."""
    while True:
        await asyncio.to_thread(close_what_is_due, app_context())
        await asyncio.sleep(interval)

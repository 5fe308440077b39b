"""The webhook delivery worker, one per backend process; its state is in the database, so
several processes share the work and a restart loses nothing (app/services/webhooks)."""

from __future__ import annotations

from app.services.context import app_context
from app.services.webhooks import DeliveryWorker


async def run_webhooks(interval: float = 1.0) -> None:
    await DeliveryWorker(app_context()).run(interval)

"""The deadline scheduler: deadlines live in the database, so a restart loses none of them.

Every backend process runs this loop; each job is written so that several processes running it
at once still act once (conditional updates, leases), which also makes the run at start-up close
whatever fell due while the app was down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlmodel import Session

from app.adapters.bus import EventBus
from app.adapters.payments import PaymentGateway
from app.adapters.payments.configured import app_gateway
from app.services import carts, checkout, deals
from app.services.context import app_context

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 5.0


def lock_overdue_carts() -> None:
    carts.lock_overdue(app_context())


def expire_checkouts() -> None:
    """Time out unpaid checkout shares: stock back on the shelf, paid shares refunded."""
    checkout.expire_checkouts(app_context())


def close_overdue_deals(
    *,
    gateway: PaymentGateway | None = None,
    session_factory: Callable[[], Session] | None = None,
    event_bus: EventBus | None = None,
) -> None:
    """Teams that ran out of time first (their members are released, not charged), then deals
    past their deadline or full: captured at the final price or released, once. The arguments
    are for tests; the scheduler uses the app's gateway, database and bus."""
    gateway = gateway or app_gateway()
    deals.expire_overdue_teams(
        gateway=gateway, session_factory=session_factory, event_bus=event_bus
    )
    deals.close_overdue_deals(gateway=gateway, session_factory=session_factory, event_bus=event_bus)


JOBS: tuple[Callable[[], object], ...] = (lock_overdue_carts, expire_checkouts, close_overdue_deals)


def run_due_jobs() -> None:
    for job in JOBS:
        try:
            job()
        except Exception:  # one failing job must not starve the others
            log.exception("deadline job %s failed", job.__name__)


async def run_deadlines(interval: float = INTERVAL_SECONDS) -> None:
    """Run every job now (catching up after a crash), then every `interval` seconds."""
    while True:
        await asyncio.to_thread(run_due_jobs)
        await asyncio.sleep(interval)

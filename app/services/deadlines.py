"""Close what is due: the work that deadlines stored in the database call for.

The scheduler (app/jobs/deadlines.py) runs `close_what_is_due` in every backend process, at
start-up (catching up on whatever fell due while the app was down) and every few seconds. Each
piece is written so that several processes running it at once still act once (conditional
updates, leases).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from app.services import carts, checkout
from app.services.context import Context
from app.services.deals import close_due_deals
from app.services.notifications import notify_from_facts
from app.services.questions import route_questions
from app.services.trips import release_unpaid_seats

log = logging.getLogger(__name__)


# Carts, then checkouts, then teams and deals (app/services/deals/closing.py).
DUE_WORK: tuple[Callable[[Context], object], ...] = (
    carts.lock_overdue,
    checkout.expire_checkouts,
    release_unpaid_seats,  # group bookings: seats whose share nobody paid in 72 + 24 hours
    close_due_deals,
    route_questions,  # questions to past buyers: first round within seconds, more after a day
    notify_from_facts,  # deal outcomes and hosts going live, told once per person
)


def close_what_is_due(ctx: Context) -> None:
    """Run every piece of due work once; one that fails is logged and does not starve the
    others (the next tick retries it)."""
    for work in DUE_WORK:
        try:
            work(ctx)
        except Exception:  # logged with its traceback; the next tick retries it
            log.exception("deadline work %s failed", work.__name__)

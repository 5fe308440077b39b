"""The delivery worker: claims due messages, POSTs them, records every attempt.

All its state is in the database, so a restart (or a crash) loses nothing: a message is
`pending` until an attempt succeeds or the schedule is spent, and a worker owns it only for a
lease. Several backend processes run the worker at once; each claims a message with one
conditional UPDATE, so one process sends it. A worker that dies mid-send leaves a lease that
runs out and the message goes again: at least once, with the same `webhook-id`.

Order per aggregate: a message is not claimed while an earlier message of the same aggregate
for the same endpoint is still pending (delivered or given up lets the next one go).
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, or_, update
from sqlmodel import Session, col, select

from app.adapters.db.models_webhooks import WebhookAttempt, WebhookEndpoint, WebhookMessage
from app.adapters.webhooks.http import HttpSender, Sender
from app.domain.clock import as_utc
from app.domain.webhooks import (
    FAILING_LIMIT,
    RETRY_SCHEDULE,
    AttemptOutcome,
    delivery_headers,
    message_id,
    next_delay,
)
from app.services.context import Context
from app.services.notifications import NotificationKind, notify
from app.services.telemetry import WEBHOOK_FAILURES
from app.services.unit_of_work import UnitOfWork
from app.services.webhooks.fanout import fan_out

log = logging.getLogger(__name__)

_MESSAGES = WebhookMessage.__table__  # type: ignore[attr-defined]
LEASE = timedelta(seconds=60)  # longer than the 15 s timeout plus recording


@dataclass(frozen=True)
class Delivery:
    """One claimed message, ready to POST."""

    message_id: int
    endpoint_id: int
    url: str
    headers: dict[str, str]
    body: str


@dataclass(frozen=True)
class Policy:
    """How the worker retries; tests pass a short schedule and a fixed random source."""

    schedule: Sequence[float] = RETRY_SCHEDULE
    failing_limit: timedelta = FAILING_LIMIT
    lease: timedelta = LEASE
    rand: Callable[[], float] = random.random


def _due(
    session: Session, now: datetime, limit: int
) -> list[tuple[WebhookMessage, WebhookEndpoint]]:
    earlier = _MESSAGES.alias("earlier")
    blocked = exists().where(
        earlier.c.endpoint_id == col(WebhookMessage.endpoint_id),
        earlier.c.aggregate_key == col(WebhookMessage.aggregate_key),
        earlier.c.status == "pending",
        earlier.c.event_id < col(WebhookMessage.event_id),
    )
    rows = session.exec(
        select(WebhookMessage, WebhookEndpoint)
        .join(WebhookEndpoint, col(WebhookEndpoint.id) == col(WebhookMessage.endpoint_id))
        .where(
            WebhookMessage.status == "pending",
            col(WebhookEndpoint.active),
            col(WebhookMessage.next_attempt_at) <= now,
            or_(col(WebhookMessage.lease_until).is_(None), col(WebhookMessage.lease_until) < now),
            ~blocked,
        )
        .order_by(col(WebhookMessage.next_attempt_at), col(WebhookMessage.id))
        .limit(limit)
    ).all()
    return list(rows)


def _secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    in_force = [endpoint.secret]
    expires = endpoint.previous_expires_at
    if endpoint.previous_secret and expires is not None and as_utc(expires) > now:
        in_force.append(endpoint.previous_secret)
    return in_force


def claim_due(ctx: Context, worker: str, policy: Policy, limit: int = 20) -> list[Delivery]:
    """Take the lease on up to `limit` due messages (each with one conditional UPDATE, so a
    message claimed by another process at the same moment is skipped)."""
    now = ctx.now()
    claimed: list[Delivery] = []
    with ctx.uow() as uow:
        for message, endpoint in _due(uow.session, now, limit):
            taken = uow.session.exec(
                update(WebhookMessage)
                .where(
                    col(WebhookMessage.id) == message.id,
                    col(WebhookMessage.status) == "pending",
                    or_(
                        col(WebhookMessage.lease_until).is_(None),
                        col(WebhookMessage.lease_until) < now,
                    ),
                )
                .values(lease_owner=worker, lease_until=now + policy.lease)
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount != 1:
                continue
            webhook_id = message_id(message.event_id)
            stamp = int(now.timestamp())
            claimed.append(
                Delivery(
                    message_id=message.id or 0,
                    endpoint_id=endpoint.id or 0,
                    url=endpoint.url,
                    headers=delivery_headers(
                        _secrets(endpoint, now), webhook_id, stamp, message.body
                    ),
                    body=message.body,
                )
            )
    return claimed


def _switch_off(uow: UnitOfWork, endpoint: WebhookEndpoint, reason: str) -> None:
    endpoint.active = False
    endpoint.disabled_reason = reason
    uow.session.add(endpoint)
    notify(
        uow,
        endpoint.owner_id,
        NotificationKind.WEBHOOK_DISABLED,
        "A webhook endpoint was switched off",
        body=f"{endpoint.url}: {reason}",
        link="/console",
    )


def record_outcome(
    ctx: Context, worker: str, delivery: Delivery, outcome: AttemptOutcome, policy: Policy
) -> None:
    """Store the attempt and move the message on: delivered, retried later, or given up;
    a 410 or five days of nothing but failures switch the endpoint off and tell its owner."""
    now = ctx.now()
    with ctx.uow() as uow:
        session = uow.session
        session.add(
            WebhookAttempt(
                message_id=delivery.message_id,
                endpoint_id=delivery.endpoint_id,
                attempted_at=now,
                status_code=outcome.status,
                response_ms=outcome.elapsed_ms,
                error=outcome.error[:300],
            )
        )
        message = session.get(WebhookMessage, delivery.message_id)
        endpoint = session.get(WebhookEndpoint, delivery.endpoint_id)
        if message is None or endpoint is None or message.lease_owner != worker:
            return  # deleted meanwhile, or our lease ran out and another worker has it
        message.attempts += 1
        message.lease_owner, message.lease_until = "", None
        if outcome.succeeded:
            message.status = "delivered"
            endpoint.failing_since = None
        elif outcome.gone:
            message.status = "failed"
            _switch_off(uow, endpoint, "The endpoint answered 410 Gone.")
        else:
            delay = next_delay(message.attempts, policy.schedule, policy.rand)
            if delay is None:
                message.status = "failed"
            else:
                message.next_attempt_at = now + timedelta(seconds=delay)
            since = as_utc(endpoint.failing_since) if endpoint.failing_since else now
            endpoint.failing_since = since
            if endpoint.active and now - since >= policy.failing_limit:
                _switch_off(uow, endpoint, "Every delivery failed for 5 days.")
        session.add(message)
        session.add(endpoint)


class DeliveryWorker:
    """One process's delivery loop. `run_once` does one round: fan out new events, claim due
    messages, send them concurrently, record the outcomes."""

    def __init__(
        self,
        ctx: Context,
        *,
        policy: Policy | None = None,
        sender: Sender | None = None,
        worker_id: str | None = None,
        batch: int = 20,
    ) -> None:
        self.ctx = ctx
        self.policy = policy or Policy()
        self.sender = sender or HttpSender()
        self.worker_id = worker_id or uuid.uuid4().hex[:16]
        self.batch = batch

    async def _send(self, delivery: Delivery) -> None:
        outcome = await self.sender.post(delivery.url, delivery.headers, delivery.body)
        if not outcome.succeeded:  # no answer, or not 2xx: one series with the inbound refusals
            reason = "network" if outcome.status is None else "status"
            WEBHOOK_FAILURES.labels("outbound", reason).inc()
        await asyncio.to_thread(
            record_outcome, self.ctx, self.worker_id, delivery, outcome, self.policy
        )

    async def run_once(self) -> int:
        """One round; returns how many attempts it made."""
        while await asyncio.to_thread(fan_out, self.ctx):
            pass
        claimed = await asyncio.to_thread(
            claim_due, self.ctx, self.worker_id, self.policy, self.batch
        )
        await asyncio.gather(*(self._send(d) for d in claimed))
        return len(claimed)

    async def run(self, interval: float = 1.0) -> None:
        """Rounds forever; a round that sent a full batch is followed at once by the next."""
        while True:
            try:
                sent = await self.run_once()
            except Exception:  # the loop must outlive a database hiccup
                log.exception("webhook delivery round failed")
                sent = 0
            if sent < self.batch:
                await asyncio.sleep(interval)

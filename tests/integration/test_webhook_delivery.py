"""Outbound webhooks against a real local HTTP receiver that verifies every signature with the
`standardwebhooks` library; on SQLite and PostgreSQL. Schedules are seconds long here so the
tests do not wait minutes; the production schedule is checked in tests/unit."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from sqlmodel import select

from app.adapters.db.models_social import Notification
from app.adapters.db.models_webhooks import WebhookEndpoint, WebhookMessage
from app.adapters.webhooks.http import HttpSender
from app.domain.clock import utcnow
from app.domain.events import DomainEvent, EventKind
from app.services import event_log, webhooks
from app.services.console.access import ConsoleRefused
from app.services.context import Context
from app.services.webhooks import DeliveryWorker, Policy, fanout
from tests.factories import ShopWorld
from tests.integration.webhook_receiver import Receiver, running_receiver

FAST = Policy(schedule=(0, 0.3, 0.3, 0.3), lease=timedelta(seconds=2), rand=lambda: 0.5)


@pytest.fixture
def world(database_url: str) -> Iterator[tuple[ShopWorld, Context, int]]:
    with ShopWorld.open(database_url) as shop:
        admin = shop.user("Ada Admin", "admin")
        yield shop, shop.ctx(), admin


def _happen(
    ctx: Context, aggregate_id: str, version: int, kind: str = EventKind.DEAL_JOINED
) -> None:
    with ctx.uow() as uow:
        uow.record(DomainEvent("deal", aggregate_id, version, kind, {"n": version}, actor_id=None))


async def _until(check: Callable[[], bool], worker: DeliveryWorker, seconds: float = 8.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting for deliveries"
        await worker.run_once()
        await asyncio.sleep(0.05)


def _register(ctx: Context, admin: int, receiver: Receiver) -> webhooks.CreatedEndpoint:
    created = webhooks.register_endpoint(
        ctx, admin, receiver.url, [EventKind.DEAL_JOINED, EventKind.DEAL_LEFT], "ERP"
    )
    receiver.secrets.append(created.secret)
    return created


async def test_a_delivery_carries_the_event_id_and_a_signature_the_receiver_verifies(
    world: tuple[ShopWorld, Context, int],
) -> None:
    shop, ctx, admin = world
    async with running_receiver(Receiver()) as receiver:
        _register(ctx, admin, receiver)
        _happen(ctx, "7", 1)
        _happen(ctx, "7", 2, EventKind.DEAL_CLOSED)  # not subscribed
        worker = DeliveryWorker(ctx, policy=FAST)
        await worker.run_once()
    [call] = receiver.calls
    assert call.answered == 200 and call.verified_with == receiver.secrets
    assert call.body["type"] == "deal.joined"
    assert call.body["data"]["aggregate_id"] == "7"
    assert call.webhook_id == f"evt_{call.body['data']['event_id']}"


async def test_a_receiver_that_fails_twice_gets_the_event_on_the_third_attempt(
    world: tuple[ShopWorld, Context, int],
) -> None:
    shop, ctx, admin = world
    async with running_receiver(Receiver(fail_first=[500, 503])) as receiver:
        created = _register(ctx, admin, receiver)
        _happen(ctx, "7", 1)
        worker = DeliveryWorker(ctx, policy=FAST)
        await _until(lambda: len(receiver.delivered()) == 1, worker)
    assert [c.answered for c in receiver.calls] == [500, 503, 200]
    assert len({c.webhook_id for c in receiver.calls}) == 1  # the same id every time
    attempts = webhooks.endpoint_attempts(ctx, admin, created.endpoint.id)
    assert [a.status_code for a in attempts] == [200, 503, 500]  # newest first
    assert all(a.response_ms >= 0 for a in attempts)
    assert attempts[0].message_status == "delivered"


async def test_a_410_disables_the_endpoint_and_nothing_more_is_sent(
    world: tuple[ShopWorld, Context, int],
) -> None:
    shop, ctx, admin = world
    async with running_receiver(Receiver(always=410)) as receiver:
        created = _register(ctx, admin, receiver)
        _happen(ctx, "7", 1)
        worker = DeliveryWorker(ctx, policy=FAST)
        await worker.run_once()
        _happen(ctx, "7", 2)
        await worker.run_once()
        await asyncio.sleep(0.4)
        await worker.run_once()
    assert [c.answered for c in receiver.calls] == [410]
    [endpoint] = webhooks.list_endpoints(ctx, admin)
    assert endpoint.id == created.endpoint.id
    assert not endpoint.active and "410" in endpoint.disabled_reason
    with shop.session() as session:
        told = session.exec(select(Notification).where(Notification.user_id == admin)).all()
    assert [n.kind for n in told] == ["webhook_disabled"]


async def test_a_worker_restarted_mid_schedule_loses_nothing(
    world: tuple[ShopWorld, Context, int],
) -> None:
    shop, ctx, admin = world
    async with running_receiver(Receiver()) as receiver:
        created = _register(ctx, admin, receiver)
        receiver.fail_first = [500]
        _happen(ctx, "7", 1)
        _happen(ctx, "8", 1)
        first = DeliveryWorker(ctx, policy=FAST, batch=1)
        await first.run_once()  # event of deal 7: 500, a retry is scheduled in the database
        # A second worker claims deal 8's message and dies before sending it.
        assert len(webhooks.claim_due(ctx, "dead-worker", FAST)) == 1
        del first
        # A new process: its own engine and context over the same database.
        with ShopWorld.open(shop.engine.url.render_as_string(hide_password=False)) as again:
            restarted = DeliveryWorker(again.ctx(), policy=FAST)
            await _until(lambda: len(receiver.delivered()) == 2, restarted)
    assert sorted(c.body["data"]["aggregate_id"] for c in receiver.delivered()) == ["7", "8"]
    with shop.session() as session:
        statuses = session.exec(
            select(WebhookMessage.status).where(WebhookMessage.endpoint_id == created.endpoint.id)
        ).all()
    assert statuses == ["delivered", "delivered"]


async def test_events_of_one_aggregate_arrive_in_order_while_others_go_on(
    world: tuple[ShopWorld, Context, int],
) -> None:
    shop, ctx, admin = world
    async with running_receiver(Receiver()) as receiver:
        _register(ctx, admin, receiver)
        _happen(ctx, "7", 1)
        _happen(ctx, "7", 2, EventKind.DEAL_LEFT)
        _happen(ctx, "9", 1)
        worker = DeliveryWorker(ctx, policy=FAST)
        await worker.run_once()  # fan out, so the ids exist
        receiver.calls.clear()
        with shop.session() as session:
            first_of_7 = session.exec(
                select(WebhookMessage.event_id).order_by(WebhookMessage.event_id)
            ).first()
        # Replay deal 7's first event, and make it fail twice before it succeeds.
        receiver.failures[f"evt_{first_of_7}"] = [500, 500]
        with shop.session() as session:
            messages = session.exec(select(WebhookMessage).order_by(WebhookMessage.id)).all()
        for message in messages:
            webhooks.replay_message(ctx, admin, message.id or 0)
        await worker.run_once()
        # Deal 9 went through; deal 7's second event waits behind its first.
        seen = sorted((c.body["data"]["aggregate_id"], c.answered) for c in receiver.calls)
        assert seen == [("7", 500), ("9", 200)]
        await _until(lambda: len(receiver.delivered()) == 3, worker)
    of_7 = [c.body["type"] for c in receiver.delivered() if c.body["data"]["aggregate_id"] == "7"]
    assert of_7 == ["deal.joined", "deal.left"]


async def test_during_a_rotation_both_the_old_and_the_new_secret_verify(
    world: tuple[ShopWorld, Context, int],
) -> None:
    shop, ctx, admin = world
    async with running_receiver(Receiver()) as receiver:
        created = _register(ctx, admin, receiver)
        old = created.secret
        new = webhooks.rotate_secret(ctx, admin, created.endpoint.id)
        receiver.secrets.append(new)
        _happen(ctx, "7", 1)
        await DeliveryWorker(ctx, policy=FAST).run_once()
    [call] = receiver.calls
    assert new.startswith("whsec_") and new != old
    assert call.verified_with == [old, new]


async def test_an_endpoint_failing_everything_for_five_days_is_switched_off(
    world: tuple[ShopWorld, Context, int],
) -> None:
    shop, ctx, admin = world
    async with running_receiver(Receiver(always=500)) as receiver:
        created = _register(ctx, admin, receiver)
        with shop.session() as session:
            row = session.get(WebhookEndpoint, created.endpoint.id)
            assert row is not None
            row.failing_since = utcnow() - timedelta(days=5, minutes=1)
            session.add(row)
            session.commit()
        _happen(ctx, "7", 1)
        await DeliveryWorker(ctx, policy=FAST).run_once()
    [endpoint] = webhooks.list_endpoints(ctx, admin)
    assert not endpoint.active and "5 days" in endpoint.disabled_reason
    with shop.session() as session:
        told = session.exec(select(Notification).where(Notification.user_id == admin)).all()
    assert [n.kind for n in told] == ["webhook_disabled"]


def test_urls_that_are_not_http_or_point_at_the_shop_are_refused(
    world: tuple[ShopWorld, Context, int],
) -> None:
    shop, ctx, admin = world
    shop_urls = ["http://localhost:3000", "http://localhost:8000"]
    for url, message in (
        ("ftp://example.com/hook", "http"),
        ("http://127.0.0.1:3000/stripe/webhook", "this shop"),
    ):
        with pytest.raises(webhooks.WebhookError) as refused:
            webhooks.register_endpoint(ctx, admin, url, ["deal.joined"], shop_urls=shop_urls)
        assert message in refused.value.field_errors["url"]
    with pytest.raises(webhooks.WebhookError) as refused:
        webhooks.register_endpoint(ctx, admin, "https://erp.example.com/h", [], shop_urls=[])
    assert "event type" in refused.value.field_errors["event_types"]
    assert webhooks.list_endpoints(ctx, admin) == []


def test_shoppers_cannot_manage_webhooks(world: tuple[ShopWorld, Context, int]) -> None:
    shop, ctx, _ = world
    shopper = shop.user("Sam")
    with pytest.raises(ConsoleRefused):
        webhooks.register_endpoint(ctx, shopper, "https://erp.example.com/h", ["deal.joined"])


async def test_two_workers_at_once_send_each_message_once(
    world: tuple[ShopWorld, Context, int],
) -> None:
    shop, ctx, admin = world
    async with running_receiver(Receiver()) as receiver:
        _register(ctx, admin, receiver)
        for deal in range(12):
            _happen(ctx, str(deal), 1)
        one, two = DeliveryWorker(ctx, policy=FAST), DeliveryWorker(ctx, policy=FAST)
        await asyncio.gather(one.run_once(), two.run_once())
        await asyncio.gather(one.run_once(), two.run_once())
    ids = [c.webhook_id for c in receiver.calls]
    assert len(ids) == 12 and len(set(ids)) == 12


async def test_a_receiver_slower_than_the_timeout_counts_as_a_failed_attempt(
    world: tuple[ShopWorld, Context, int],
) -> None:
    shop, ctx, admin = world
    failures = ("bandwagon_webhook_failures_total", {"source": "outbound", "reason": "network"})
    before = REGISTRY.get_sample_value(*failures) or 0.0
    async with running_receiver(Receiver(delay=1.0)) as receiver:
        created = _register(ctx, admin, receiver)
        _happen(ctx, "7", 1)
        await DeliveryWorker(ctx, policy=FAST, sender=HttpSender(timeout=0.2)).run_once()
    [attempt] = webhooks.endpoint_attempts(ctx, admin, created.endpoint.id)
    assert attempt.status_code == 0 and "Timeout" in attempt.error
    assert attempt.message_status == "pending"  # retried on the schedule
    assert (REGISTRY.get_sample_value(*failures) or 0.0) == before + 1


async def test_events_while_no_endpoint_exists_are_passed_over_unread_and_never_sent(
    world: tuple[ShopWorld, Context, int],
) -> None:
    shop, ctx, admin = world
    _happen(ctx, "9", 1)
    _happen(ctx, "9", 2)
    worker = DeliveryWorker(ctx, policy=FAST)
    await worker.run_once()
    passed = event_log.consumer_position(ctx, fanout.CONSUMER)
    assert passed > 0  # moved past both without an endpoint to write messages for
    async with running_receiver(Receiver()) as receiver:
        _register(ctx, admin, receiver)
        _happen(ctx, "9", 3)
        await _until(lambda: len(receiver.calls) == 1, worker)
    assert [c.body["data"]["version"] for c in receiver.calls] == [3]

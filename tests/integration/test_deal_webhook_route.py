"""POST /stripe/webhook: signed deliveries are applied once, anything else gets a 400; and the
local test server's own signed deliveries reach it and verify."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from sqlmodel import select
from starlette.applications import Starlette
from starlette.routing import Mount

from app.adapters.db.models_deals import ProcessedWebhookEvent
from app.adapters.payments.stripe_gateway import TEST_CARDS, StripeGateway
from app.adapters.payments.webhooks import sign_payload
from app.api.stripe_routes import MAX_BODY, stripe_app
from app.launcher.processes import free_port
from app.services import deals
from tests.integration.deal_world import (
    FakeGateway,
    World,
    open_deal,
    world,  # noqa: F401 - the fixture
)
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401

SECRET = "whsec_test_route"


def receiver(world: World, gateway: object) -> Starlette:
    return Starlette(
        routes=[
            Mount(
                "/stripe",
                app=stripe_app(secret=lambda: SECRET, context=lambda: world.ctx(gateway)),
            )
        ]
    )


def hold_confirmed(world: World, gateway: FakeGateway) -> tuple[int, dict[str, Any]]:
    """A shopper waiting on 3-D Secure, and the event saying their bank approved."""
    deal_id = open_deal(world)
    (ada,) = world.make_users(1)
    joined = deals.join_deal(world.ctx(gateway), ada, deal_id, 1, "pm_3ds")
    (part,) = world.participations(deal_id)
    event = {
        "id": "evt_route_1",
        "type": "payment_intent.amount_capturable_updated",
        "data": {
            "object": {
                "id": joined.intent_id,
                "object": "payment_intent",
                "amount": 10000,
                "amount_capturable": 10000,
                "metadata": {"participation_id": str(part.id)},
            }
        },
    }
    return deal_id, event


def post(app: Starlette, body: bytes, signature: str | None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["Stripe-Signature"] = signature

    async def send() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as client:
            return await client.post("/stripe/webhook", content=body, headers=headers)

    return asyncio.run(send())


def test_a_signed_event_is_applied_once(world: World) -> None:
    gateway = FakeGateway()
    deal_id, event = hold_confirmed(world, gateway)
    body = json.dumps(event).encode()
    app = receiver(world, gateway)
    first = post(app, body, sign_payload(body, SECRET))
    again = post(app, body, sign_payload(body, SECRET))
    assert (first.status_code, first.json()) == (200, {"received": True, "changed": True})
    assert (again.status_code, again.json()["changed"]) == (200, False)
    assert world.participations(deal_id)[0].status == "held"
    assert world.deal(deal_id).participants == 1


# Ten minutes off, well past the 5-minute tolerance: a second off either way (int() of the clock,
# a slow machine) must not decide the test.
@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(lambda body: sign_payload(body, "whsec_someone_else"), id="wrong-secret"),
        pytest.param(lambda body: sign_payload(body + b" ", SECRET), id="body-changed"),
        pytest.param(lambda body: sign_payload(body, SECRET, int(time.time()) - 600), id="stale"),
        pytest.param(lambda body: sign_payload(body, SECRET, int(time.time()) + 600), id="future"),
        pytest.param(lambda body: "t=1,v1=nonsense", id="garbage"),
        pytest.param(lambda body: None, id="missing"),
    ],
)
def test_an_unverified_delivery_is_refused_with_400(world: World, signature: Any) -> None:
    gateway = FakeGateway()
    deal_id, event = hold_confirmed(world, gateway)
    body = json.dumps(event).encode()
    response = post(receiver(world, gateway), body, signature(body))
    assert response.status_code == 400
    assert world.participations(deal_id)[0].status == "needs_action"
    with world.session() as session:
        assert session.exec(select(ProcessedWebhookEvent)).all() == []


def test_an_oversized_delivery_is_refused_before_it_is_read_whole(world: World) -> None:
    """A declared length over the limit is refused unread; a body streamed without a length is
    read no further than the limit. Neither reaches the deal service."""
    app = receiver(world, FakeGateway())
    big = b"{" + b" " * MAX_BODY + b"}"
    assert post(app, big, sign_payload(big, SECRET)).status_code == 413

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(MAX_BODY // 4096 + 2):
            yield b" " * 4096

    async def send_stream() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://shop.test") as client:
            return await client.post(
                "/stripe/webhook", content=chunks(), headers={"Stripe-Signature": "t=1,v1=x"}
            )

    assert asyncio.run(send_stream()).status_code == 413
    with world.session() as session:
        assert session.exec(select(ProcessedWebhookEvent)).all() == []


def test_a_recent_signature_within_five_minutes_is_accepted(world: World) -> None:
    gateway = FakeGateway()
    _, event = hold_confirmed(world, gateway)
    body = json.dumps(event).encode()
    response = post(
        receiver(world, gateway), body, sign_payload(body, SECRET, int(time.time()) - 240)
    )
    assert response.status_code == 200


def test_the_local_test_servers_deliveries_arrive_and_verify(
    world: World, stripe_gateway: StripeGateway, localstripe_url: str
) -> None:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            receiver(world, stripe_gateway), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.05)
        form = urllib.parse.urlencode(
            {"url": f"http://127.0.0.1:{port}/stripe/webhook", "secret": SECRET}
        ).encode()
        urllib.request.urlopen(f"{localstripe_url}/_config/webhooks/route-test", data=form).read()
        deal_id = open_deal(world)
        (ada,) = world.make_users(1)
        with pytest.raises(deals.JoinError):
            deals.join_deal(world.ctx(stripe_gateway), ada, deal_id, 1, TEST_CARDS["decline"])
        # localstripe sends payment_intent.payment_failed about a second later.
        deadline = time.monotonic() + 15
        kinds: list[str] = []
        while time.monotonic() < deadline and "payment_intent.payment_failed" not in kinds:
            time.sleep(0.2)
            with world.session() as session:
                kinds = [e.kind for e in session.exec(select(ProcessedWebhookEvent)).all()]
        assert "payment_intent.payment_failed" in kinds
        assert world.participations(deal_id)[0].status == "failed"
    finally:
        # Later tests must not post to a receiver that is gone.
        gone = urllib.parse.urlencode({"url": "http://127.0.0.1:9/", "secret": SECRET}).encode()
        urllib.request.urlopen(f"{localstripe_url}/_config/webhooks/route-test", data=gone).read()
        server.should_exit = True
        thread.join(10)

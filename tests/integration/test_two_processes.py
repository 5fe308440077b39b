"""Two real backend processes sharing the real Redis: a change made through one reaches a
client of the other, and each sees who is viewing on the other, over Reflex's own protocol."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.adapters.bus.redis_bus import RedisBus
from app.adapters.db.models_carts import CartLine
from app.adapters.db.models_deals import Deal, Participation
from app.domain.clock import utcnow
from app.domain.events import DomainEvent, EventKind
from app.domain.group_buy import DealCount
from app.services.deals.records import deal_payload, terms_of
from app.states.cart_deals import CartDealsState
from tests.support.cluster import REDIS_URL, Cluster, Shopper, running_cluster
from tests.support.reflex_client import ReflexClient
from tests.support.shared_carts import CART_STATE, Member, build_carts, line_quantity, open_deal

PANEL_STATE = CartDealsState.get_full_name()


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with running_cluster(workers=2) as running:
        yield running


async def test_a_change_through_process_a_reaches_a_member_on_process_b(cluster: Cluster) -> None:
    [cart] = build_carts(cluster, count=1, size=2)
    alice, bob = cart
    on_a = ReflexClient(cluster.urls[0], alice.shopper.cookie)
    on_b = ReflexClient(cluster.urls[1], bob.shopper.cookie)
    for client, member in ((on_a, alice), (on_b, bob)):
        await client.open(f"/cart/{member.cart_id}", {"cart_id": str(member.cart_id)})
    try:

        def bob_sees(quantity: int) -> bool:
            return line_quantity(on_b.value(CART_STATE, "view"), alice.line_id) == quantity

        await on_b.wait_until(lambda: bob_sees(1), timeout=60)
        await on_a.call(f"{CART_STATE}.change_quantity", line_id=alice.line_id, delta=1)
        await on_b.wait_until(lambda: bob_sees(2), timeout=10)

        def names(client: ReflexClient) -> set[str]:
            return {v["name"] for v in client.value(CART_STATE, "viewers", [])}

        both = {alice.shopper.name, bob.shopper.name}
        await on_b.wait_until(lambda: names(on_b) == both, timeout=10)
        await on_a.wait_until(lambda: names(on_a) == both, timeout=10)
    finally:
        await on_a.close()
        await on_b.close()


async def test_a_stranger_on_the_other_process_gets_nothing(cluster: Cluster) -> None:
    [cart] = build_carts(cluster, count=1, size=1)
    [owner] = cart
    [stranger] = cluster.add_shoppers(1, prefix="Stranger")
    on_a = ReflexClient(cluster.urls[0], owner.shopper.cookie)
    on_b = ReflexClient(cluster.urls[1], stranger.cookie)
    await on_a.open(f"/cart/{owner.cart_id}", {"cart_id": str(owner.cart_id)})
    await on_b.open(f"/cart/{owner.cart_id}", {"cart_id": str(owner.cart_id)})
    try:
        await on_b.wait_until(lambda: bool(on_b.value(CART_STATE, "access_error")), timeout=60)
        await on_a.call(f"{CART_STATE}.change_quantity", line_id=owner.line_id, delta=1)
        await on_a.wait_until(
            lambda: line_quantity(on_a.value(CART_STATE, "view"), owner.line_id) == 2, timeout=10
        )
        assert on_b.value(CART_STATE, "view") is None
    finally:
        await on_a.close()
        await on_b.close()


async def test_a_deal_change_reaches_the_cart_deals_panel_on_both_processes(
    cluster: Cluster,
) -> None:
    """Friends' carts toward a deal: news of the deal (someone's hold confirmed) reaches the
    panel of every member viewing the cart, on either process."""
    [cart] = build_carts(cluster, count=1, size=2)
    alice, bob = cart
    [host, carol] = cluster.add_shoppers(2, prefix="Deal")
    deal_id = _open_deal_on_the_carts_product(cluster, host, alice)
    on_a = ReflexClient(cluster.urls[0], alice.shopper.cookie)
    on_b = ReflexClient(cluster.urls[1], bob.shopper.cookie)
    for client, member in ((on_a, alice), (on_b, bob)):
        await client.open(f"/cart/{member.cart_id}", {"cart_id": str(member.cart_id)})
    try:

        def joined(client: ReflexClient) -> int | None:
            panel = client.value(PANEL_STATE, "cart_deals") or []
            return panel[0]["joined"] if panel else None

        for client in (on_a, on_b):
            await client.wait_until(lambda c=client: joined(c) == 0, timeout=60)
        # Carol's hold is confirmed (written here as the payment flow would) and the deal's
        # news goes out on the shared Redis with its numbers, as the joining process sends it:
        # each process sets them in its panels without a read.
        with cluster.session() as session:
            session.add(
                Participation(
                    deal_id=deal_id, user_id=carol.user_id, status="held", confirmed_at=utcnow()
                )
            )
            deal = session.get(Deal, deal_id)
            assert deal is not None
            payload = deal_payload(terms_of(deal), DealCount(joined=1), user_id=carol.user_id)
            version = deal.version + 1
            session.commit()
        RedisBus(REDIS_URL).publish(
            DomainEvent("deal", str(deal_id), version, EventKind.DEAL_JOINED, payload)
        )
        await on_a.wait_until(lambda: joined(on_a) == 1 and joined(on_b) == 1, 10)
        assert (joined(on_a), joined(on_b)) == (1, 1)
    finally:
        await on_a.close()
        await on_b.close()


def _open_deal_on_the_carts_product(cluster: Cluster, host: Shopper, member: Member) -> int:
    with cluster.session() as session:
        line = session.get(CartLine, member.line_id)
        assert line is not None
    return open_deal(cluster, host, line.product_id)

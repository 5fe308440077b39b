"""Two real backend processes sharing the real Redis: a change made through one reaches a
client of the other, and each sees who is viewing on the other, over Reflex's own protocol."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.cluster import Cluster, running_cluster
from tests.support.reflex_client import ReflexClient
from tests.support.shared_carts import CART_STATE, build_carts, line_quantity


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

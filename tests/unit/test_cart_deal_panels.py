"""The cart page's deals panel rides on the cart's push: read once per change per process, and
not at all while a cart has no product with an open deal."""

from __future__ import annotations

from typing import Any

from app.domain.events import DomainEvent, EventKind
from app.states.cart_deals import CartDealsState
from app.states.cart_room import DealPanels

CART = 7
PANEL = "cart_deals_rx_state_"


class Shop:
    """What the panel reads: which products have an open deal, and the panel of a cart."""

    def __init__(self) -> None:
        self.deal_products: frozenset[int] = frozenset()
        self.panel: list[Any] = []
        self.reads: list[int] = []

    def read(self, cart_id: int) -> list[Any]:
        self.reads.append(cart_id)
        return list(self.panel)


def _panels(shop: Shop) -> DealPanels:
    panels = DealPanels(CartDealsState, shop.read, lambda: shop.deal_products)
    panels.FRESH_SECONDS = 0.0  # every look at the open deals is current in this test
    return panels


def _shown(push: dict[str, dict[str, Any]] | None) -> Any:
    assert push is not None
    return push[CartDealsState.get_full_name()][PANEL]


async def test_a_cart_without_deals_is_read_once_then_skipped() -> None:
    shop = Shop()
    panels = _panels(shop)
    assert _shown(await panels.render(CART, {1, 2})) == []
    assert await panels.render(CART, {1, 2, 3}) is None
    assert shop.reads == [CART]


async def test_a_product_that_gains_a_deal_brings_the_panel() -> None:
    shop = Shop()
    panels = _panels(shop)
    await panels.render(CART, {1})
    shop.deal_products, shop.panel = frozenset({1}), ["deal on 1"]
    assert _shown(await panels.render(CART, {1})) == ["deal on 1"]
    # While it shows a deal, every change re-reads it (a hold, a closed deal, a new quantity).
    shop.deal_products, shop.panel = frozenset(), []
    assert _shown(await panels.render(CART, {1})) == []
    assert shop.reads == [CART, CART, CART]


async def test_a_change_without_a_snapshot_is_always_read() -> None:
    shop = Shop()
    panels = _panels(shop)
    await panels.render(CART, {1})
    assert _shown(await panels.render(CART, None)) == []
    assert shop.reads == [CART, CART]


async def test_without_a_panel_state_nothing_is_read() -> None:
    shop = Shop()
    panels = DealPanels(None, shop.read, lambda: shop.deal_products)
    assert await panels.render(CART, {1}) is None
    assert shop.reads == []


async def test_a_deal_change_is_read_once_for_all_the_carts_followers_here() -> None:
    shop = Shop()
    panels = _panels(shop)
    joined = DomainEvent("deal", "3", 5, EventKind.DEAL_JOINED, {})
    for _follower in range(4):  # four members of the cart follow the deal in this process
        await panels.refresh_room(CART, joined)
    assert shop.reads == [CART]
    await panels.refresh_room(CART, DomainEvent("deal", "3", 6, EventKind.DEAL_JOINED, {}))
    assert shop.reads == [CART, CART]

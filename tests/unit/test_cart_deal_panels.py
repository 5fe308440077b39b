"""The cart page's deals panel rides on the cart's push: read once per change per process, not
at all while a cart has no product with an open deal, and a deal's news sets the deal's numbers
in every panel that shows it without a read."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from app.domain.events import DomainEvent, EventKind
from app.domain.group_buy import DealCount, DealTerms, PriceTier
from app.realtime.rooms import Push
from app.services.deals import CartDeal
from app.services.deals.from_cart import CartDealMember
from app.services.deals.records import deal_payload
from app.states.cart_deals import CartDealsState
from app.states.cart_room import DealPanels

CART, OTHER_CART, DEAL = 7, 8, 3
PANEL = "cart_deals_rx_state_"
START = datetime(2026, 12, 1, tzinfo=UTC)
TERMS = DealTerms(
    tiers=(PriceTier(1, 1000), PriceTier(3, 800), PriceTier(5, 600)),
    currency="USD",
    min_to_unlock=5,
    max_participants=None,
    starts_at=START,
    deadline=START + timedelta(days=2),
)


class Shop:
    """What the panel reads: which products have an open deal, and the panel of a cart."""

    def __init__(self) -> None:
        self.deal_products: frozenset[int] = frozenset()
        self.panel: list[CartDeal] = []
        self.reads: list[int] = []

    def read(self, cart_id: int) -> list[CartDeal]:
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
    shop.deal_products, shop.panel = frozenset({1}), [_entry(4, 2, 11)]
    assert _shown(await panels.render(CART, {1})) == [_entry(4, 2, 11)]
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


def _entry(version: int, joined: int, *members: int) -> CartDeal:
    return CartDeal(
        deal_id=DEAL,
        product_id=1,
        title="Mug",
        price_now="$10.00",
        joined=joined,
        min_to_unlock=5,
        next_tier_text="",
        from_this_cart=0,
        version=version,
        members=[CartDealMember(m, f"member {m}", 1, False, "Not yet") for m in members],
    )


def _event(version: int, joined: int, **extra: Any) -> DomainEvent:
    """A deal event as the deal's writers record it (records.deal_payload)."""
    payload = deal_payload(TERMS, DealCount(joined=joined), **extra)
    return DomainEvent("deal", str(DEAL), version, EventKind.DEAL_JOINED, payload)


class Room:
    """The carts' rooms in this process: who views which cart, and what each was pushed."""

    def __init__(self, *viewed: int) -> None:
        self.viewed = set(viewed)
        self.sent: dict[int, list[Any]] = {}

    def viewers(self, cart_id: int) -> int:
        return 1 if cart_id in self.viewed else 0

    async def send(self, cart_id: int, push: Push) -> None:
        self.sent.setdefault(cart_id, []).append(_shown(push))


def _followed(shop: Shop, room: Room) -> DealPanels:
    return DealPanels(
        CartDealsState, shop.read, lambda: shop.deal_products, viewers=room.viewers, send=room.send
    )


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_deal_event_sets_its_numbers_in_every_panel_without_a_read() -> None:
    shop, room = Shop(), Room(CART, OTHER_CART)
    panels = _followed(shop, room)
    panels.remember(CART, [_entry(4, 2, 11)])
    panels.remember(OTHER_CART, [_entry(4, 2, 21, 22)])
    # A shopper of neither cart joins: 3 are in, the price is the second tier's.
    panels.on_deal_event(_event(5, 3, user_id=99))
    await _settle()
    assert shop.reads == []
    for cart in (CART, OTHER_CART):
        (entry,) = room.sent[cart][-1]
        assert (entry.joined, entry.price_now, entry.version) == (3, "$8.00", 5)
        assert entry.next_tier_text == "2 more: $6.00 each"
    assert [m.user_id for m in room.sent[OTHER_CART][-1][0].members] == [21, 22]


async def test_news_of_a_member_re_reads_that_cart_only() -> None:
    shop, room = Shop(), Room(CART, OTHER_CART)
    panels = _followed(shop, room)
    panels.remember(CART, [_entry(4, 2, 11)])
    panels.remember(OTHER_CART, [_entry(4, 2, 21)])
    shop.panel = [_entry(5, 3, 11)]  # member 11's hold now shows in the read
    panels.on_deal_event(_event(5, 3, user_id=11))
    await _settle()
    assert shop.reads == [CART]
    assert room.sent[CART] == [[_entry(5, 3, 11)]]
    assert room.sent[OTHER_CART][-1][0].joined == 3


async def test_an_event_without_numbers_re_reads_the_panel() -> None:
    shop, room = Shop(), Room(CART)
    panels = _followed(shop, room)
    panels.remember(CART, [_entry(4, 2, 11)])
    shop.panel = []  # the deal closed: it leaves the panel
    panels.on_deal_event(DomainEvent("deal", str(DEAL), 5, EventKind.DEAL_CLOSED, {}))
    await _settle()
    assert shop.reads == [CART]
    assert room.sent[CART] == [[]]


async def test_older_news_never_replaces_newer_numbers() -> None:
    shop, room = Shop(), Room(CART)
    panels = _followed(shop, room)
    panels.remember(CART, [_entry(6, 4, 11)])
    panels.on_deal_event(_event(5, 3, user_id=99))  # arrived after the read that saw version 6
    await _settle()
    assert room.sent == {}
    # ... and a read that is older than the news heard is brought up to it.
    panels.on_deal_event(_event(7, 5, user_id=98))
    shown = panels.remember(CART, [_entry(6, 4, 11)])
    assert (shown[0].joined, shown[0].version) == (5, 7)


async def test_a_cart_nobody_views_here_is_forgotten() -> None:
    shop, room = Shop(), Room()
    panels = _followed(shop, room)
    panels.remember(CART, [_entry(4, 2, 11)])
    panels.on_deal_event(_event(5, 3, user_id=99))
    await _settle()
    assert room.sent == {} and shop.reads == []
    assert CART not in panels.shown

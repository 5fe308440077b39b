"""The cart page's deals panel follows its sources without re-reading them: a cart change brings
the cart's lines, a deal's event the deal's numbers; the database is read only when a cart gains
a product with a deal, or news concerns one of the cart's members or carries no numbers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from app.domain.events import DomainEvent, EventKind
from app.domain.group_buy import DealCount, DealTerms, PriceTier
from app.realtime.rooms import Push
from app.services.deals import CartPanel
from app.services.deals.cart_panel import DealHead, DealNumbers
from app.services.deals.records import deal_payload
from app.states.cart_deals import CartDealsState
from app.states.cart_room import DealPanels

CART, OTHER_CART, DEAL, MUG, TEAPOT = 7, 8, 3, 1, 2
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


def _panel(
    version: int, joined: int, *members: int, deal: int = DEAL, product: int = MUG
) -> CartPanel:
    """A cart whose members each have one of `product` in it, which has deal `deal`."""
    numbers = DealNumbers(version, joined, "$10.00", "")
    return CartPanel(
        heads=(DealHead(deal, product, "Mug", 5, numbers),),
        members=tuple((m, f"member {m}") for m in members),
        lines=tuple((product, m, 1) for m in members),
    )


def _snapshot(*lines: tuple[int, int, int]) -> dict[str, Any]:
    """A cart event's room view: its lines (product, added by, quantity) and their members."""
    members = sorted({user for _, user, _ in lines})
    return {
        "members": [{"user_id": m, "name": f"member {m}"} for m in members],
        "lines": [{"product_id": p, "added_by_id": u, "quantity": q} for p, u, q in lines],
        "member_ids": members,
    }


def _event(version: int, joined: int, **extra: Any) -> DomainEvent:
    """A deal event as the deal's writers record it (records.deal_payload)."""
    payload = deal_payload(TERMS, DealCount(joined=joined), **extra)
    return DomainEvent("deal", str(DEAL), version, EventKind.DEAL_JOINED, payload)


class Shop:
    """What the panel reads: which products have an open deal, and the panel of a cart."""

    def __init__(self) -> None:
        self.deal_products: frozenset[int] = frozenset()
        self.panel = CartPanel()
        self.reads: list[int] = []

    def read(self, cart_id: int) -> CartPanel:
        self.reads.append(cart_id)
        return self.panel


class Room:
    """The carts' rooms in this process: who views which cart, and what each was pushed."""

    def __init__(self, *viewed: int) -> None:
        self.viewed = set(viewed)
        self.sent: dict[int, list[Any]] = {}

    def viewers(self, cart_id: int) -> int:
        return 1 if cart_id in self.viewed else 0

    async def send(self, cart_id: int, push: Push) -> None:
        self.sent.setdefault(cart_id, []).append(_shown(push))


def _panels(shop: Shop, room: Room | None = None) -> DealPanels:
    room = room or Room(CART)
    panels = DealPanels(
        CartDealsState, shop.read, lambda: shop.deal_products, viewers=room.viewers, send=room.send
    )
    panels.FRESH_SECONDS = 0.0  # every look at the open deals is current in this test
    panels.PUSH_EVERY = 0.0  # and news is pushed at once
    return panels


def _shown(push: dict[str, dict[str, Any]] | None) -> Any:
    assert push is not None
    return push[CartDealsState.get_full_name()][PANEL]


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_cart_without_deals_is_read_once_then_skipped() -> None:
    shop = Shop()
    panels = _panels(shop)
    assert _shown(await panels.render(CART, _snapshot((MUG, 11, 1), (TEAPOT, 12, 1)))) == []
    assert await panels.render(CART, _snapshot((MUG, 11, 2), (TEAPOT, 12, 1))) is None
    assert shop.reads == [CART]


async def test_a_product_that_gains_a_deal_is_read_then_follows_the_carts_lines() -> None:
    shop = Shop()
    panels = _panels(shop)
    await panels.render(CART, _snapshot((TEAPOT, 11, 1)))
    shop.deal_products, shop.panel = frozenset({MUG}), _panel(4, 2, 11)
    (entry,) = _shown(await panels.render(CART, _snapshot((TEAPOT, 11, 1), (MUG, 11, 1))))
    assert [(m.user_id, m.quantity) for m in entry.members] == [(11, 1)]
    # Quantities and members come with each change's snapshot: no read.
    (entry,) = _shown(await panels.render(CART, _snapshot((MUG, 11, 3), (MUG, 12, 1))))
    assert [(m.user_id, m.quantity) for m in entry.members] == [(11, 3), (12, 1)]
    # The deal's product left the cart: so does its entry (still without a read).
    assert _shown(await panels.render(CART, _snapshot((TEAPOT, 11, 1)))) == []
    assert shop.reads == [CART, CART]


async def test_another_product_with_a_deal_in_the_cart_is_read() -> None:
    shop = Shop()
    panels = _panels(shop)
    shop.deal_products, shop.panel = frozenset({MUG, TEAPOT}), _panel(4, 2, 11)
    await panels.render(CART, _snapshot((MUG, 11, 1)))
    await panels.render(CART, _snapshot((MUG, 11, 1), (TEAPOT, 11, 1)))
    assert shop.reads == [CART, CART]


async def test_a_change_without_a_snapshot_is_always_read() -> None:
    shop = Shop()
    panels = _panels(shop)
    await panels.render(CART, _snapshot((MUG, 11, 1)))
    assert _shown(await panels.render(CART, None)) == []
    assert shop.reads == [CART, CART]


async def test_without_a_panel_state_nothing_is_read() -> None:
    shop = Shop()
    panels = DealPanels(None, shop.read, lambda: shop.deal_products)
    assert await panels.render(CART, _snapshot((MUG, 11, 1))) is None
    assert shop.reads == []


async def test_a_deal_event_sets_its_numbers_in_every_panel_without_a_read() -> None:
    shop, room = Shop(), Room(CART, OTHER_CART)
    panels = _panels(shop, room)
    panels.remember(CART, _panel(4, 2, 11))
    panels.remember(OTHER_CART, _panel(4, 2, 21, 22))
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
    panels = _panels(shop, room)
    panels.remember(CART, _panel(4, 2, 11))
    panels.remember(OTHER_CART, _panel(4, 2, 21))
    shop.panel = _panel(5, 3, 11)  # member 11's hold shows in the read
    panels.on_deal_event(_event(5, 3, user_id=11))
    await _settle()
    assert shop.reads == [CART]
    assert room.sent[CART] == [_panel(5, 3, 11).entries()]
    assert room.sent[OTHER_CART][-1][0].joined == 3


async def test_an_event_without_numbers_re_reads_the_panel() -> None:
    shop = Shop()
    room = Room(CART)
    panels = _panels(shop, room)
    panels.remember(CART, _panel(4, 2, 11))
    # The deal closed: it leaves the panel.
    panels.on_deal_event(DomainEvent("deal", str(DEAL), 5, EventKind.DEAL_CLOSED, {}))
    await _settle()
    assert shop.reads == [CART]
    assert room.sent[CART] == [[]]


async def test_older_news_never_replaces_newer_numbers() -> None:
    shop, room = Shop(), Room(CART)
    panels = _panels(shop, room)
    panels.remember(CART, _panel(6, 4, 11))
    panels.on_deal_event(_event(5, 3, user_id=99))  # arrived after the read that saw version 6
    await _settle()
    assert room.sent == {}
    # ... and a read that is older than the news heard is brought up to it.
    panels.on_deal_event(_event(7, 5, user_id=98))
    (entry,) = panels.remember(CART, _panel(6, 4, 11)).entries()
    assert (entry.joined, entry.version) == (5, 7)


async def test_a_cart_nobody_views_here_is_forgotten() -> None:
    shop, room = Shop(), Room()
    panels = _panels(shop, room)
    panels.remember(CART, _panel(4, 2, 11))
    panels.on_deal_event(_event(5, 3, user_id=99))
    await _settle()
    assert room.sent == {} and shop.reads == []
    assert CART not in panels.shown


def test_lines_that_moved_to_the_deal_keep_it_on_the_panel() -> None:
    """A member whose hold is placed has no line left: their seat counts and shows."""
    panel = CartPanel(
        heads=_panel(4, 2).heads,
        seats=((DEAL, 11, "held", 2), (DEAL, 12, "pending", 1), (DEAL, 13, "released", 1)),
        members=((11, "Alice"), (12, "Bob"), (13, "Carol"), (14, "Dan")),
        lines=((MUG, 14, 1),),
    )
    (entry,) = panel.entries()
    rows = {m.name: (m.quantity, m.held, m.label) for m in entry.members}
    assert rows == {
        "Alice": (2, True, "Hold placed: counts toward the price"),
        "Bob": (1, False, "Confirming with the bank"),
        "Dan": (1, False, "Not in the deal yet"),
    }
    assert entry.from_this_cart == 1
    assert CartPanel(heads=panel.heads, seats=((DEAL, 13, "released", 1),)).entries() == []


async def test_news_that_changes_no_number_a_shopper_sees_is_not_pushed() -> None:
    shop, room = Shop(), Room(CART)
    panels = _panels(shop, room)
    panels.remember(CART, _panel(4, 2, 11))
    panels.on_deal_event(_event(5, 3, user_id=99))
    panels.on_deal_event(_event(6, 3, user_id=98))  # a seat still confirming: 3 joined as before
    await _settle()
    assert len(room.sent[CART]) == 1
    assert panels.shown[CART].numbers_of(DEAL) == DealNumbers(6, 3, "$8.00", "2 more: $6.00 each")


async def test_a_burst_of_news_is_one_push_per_cart() -> None:
    shop, room = Shop(), Room(CART, OTHER_CART)
    panels = _panels(shop, room)
    panels.PUSH_EVERY = 0.05
    panels.remember(CART, _panel(4, 2, 11))
    panels.remember(OTHER_CART, _panel(4, 2, 21))
    for version, joined in ((5, 3), (6, 4), (7, 5)):
        panels.on_deal_event(_event(version, joined, user_id=99))
    await asyncio.sleep(0.1)
    assert {cart: [e.joined for (e,) in pushes] for cart, pushes in room.sent.items()} == {
        CART: [5],
        OTHER_CART: [5],
    }


async def test_a_deal_event_reaches_only_the_carts_that_show_that_deal() -> None:
    shop, room = Shop(), Room(CART, OTHER_CART)
    panels = _panels(shop, room)
    panels.remember(CART, _panel(4, 2, 11))
    panels.remember(OTHER_CART, _panel(4, 2, 21, deal=DEAL + 1, product=TEAPOT))
    panels.on_deal_event(_event(5, 3, user_id=99))
    await _settle()
    assert list(room.sent) == [CART]
    # The cart's deal left its panel: the deal's news no longer concerns it.
    panels.remember(CART, CartPanel())
    panels.on_deal_event(_event(6, 4, user_id=98))
    await _settle()
    assert len(room.sent[CART]) == 1 and panels.by_deal == {DEAL + 1: {OTHER_CART}}


def test_past_its_limit_the_panels_remembered_longest_ago_are_forgotten_first() -> None:
    panels = _panels(Shop())
    panels.MAX_CARTS = 3
    for cart in (1, 2, 3, 4):
        panels.remember(cart, _panel(4, 2, 11))
    assert list(panels.shown) == [2, 3, 4]  # not all forgotten at once (a storm of reads)
    panels.remember(2, _panel(5, 3, 11))  # seen again: now the newest
    panels.remember(5, _panel(4, 2, 11))
    assert list(panels.shown) == [4, 2, 5]
    assert panels.by_deal == {DEAL: {2, 4, 5}}

"""What everyone on a cart's page is pushed: the cart after every cart event, and who is
viewing it. Rendered once per event per process and sent to the whole room "cart:<id>" as a
delta of the page's state (see app/realtime/rooms.py); `CartState` registers these."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import reflex as rx

from app.domain.events import DomainEvent
from app.domain.people import avatar_colour, initials
from app.realtime.rooms import Presence, Push, delta, merge, rooms
from app.services.cart_page import cart_room
from app.services.context import app_context
from app.services.deals import CartDeal

REMOVED = "The owner removed you from this cart."
DELETED = "The owner deleted this cart."


@dataclass(frozen=True)
class PresenceView:
    user_id: int
    name: str
    initials: str
    avatar_url: str
    colour: str


def cart_renderer(
    page: type[rx.State], panels: DealPanels | None = None
) -> Callable[[DomainEvent], Awaitable[Push | None]]:
    """The renderer of cart events for the page state `page` (its `view`, `checkout` and
    `access_error`) and, when given, the page's deals panel (`panels`)."""

    async def render_cart(event: DomainEvent) -> Push | None:
        """One database read per cart event at most, pushed to everyone viewing the cart."""
        # Out of the room first, so someone removed gets no further news of the cart. Every
        # push re-checks the membership too (keep_only below): news is coalesced per room and
        # kind, so the one event naming the removed member may never be rendered itself.
        gone = delta(page, view=None, checkout=None, access_error=REMOVED)
        removed = event.payload.get("removed_user")
        if removed is not None:
            await rooms.evict(event.channel, int(removed), gone)
        left = event.payload.get("left_user")
        if left is not None:
            await rooms.evict(event.channel, int(left))
        cart_id = int(event.aggregate_id)
        snapshot = event.payload.get("snapshot")
        if snapshot is not None and not event.payload.get("checkout"):
            # The writer read it; no database read here.
            await rooms.keep_only(event.channel, snapshot.get("member_ids", ()), gone)
            products = {int(line["product_id"]) for line in snapshot.get("lines", ())}
            return merge(delta(page, view=snapshot), await panel(cart_id, products))
        room = await asyncio.to_thread(cart_room, app_context(), cart_id)
        if room.view is None:
            return delta(page, view=None, checkout=None, access_error=DELETED)
        await rooms.keep_only(event.channel, room.view.member_ids, gone)
        pushed = delta(page, view=room.view, checkout=room.checkout)
        return merge(pushed, await panel(cart_id, None))

    async def panel(cart_id: int, products: set[int] | None) -> Push | None:
        return await panels.render(cart_id, products) if panels else None

    return render_cart


class DealPanels:
    """The cart page's deals panel, rendered with the cart's push: it is the same for every
    member, so it is read once per cart event per process rather than once per member, and not
    at all for a cart whose panel was empty and whose products have no open deal (most carts,
    on every change)."""

    FRESH_SECONDS = 2.0  # how old the list of products with an open deal may be
    MAX_CARTS = 10_000  # carts remembered as having no deal, per process

    def __init__(
        self,
        state: type[rx.State] | None,
        read: Callable[[int], list[CartDeal]],
        read_deal_products: Callable[[], frozenset[int]],
    ) -> None:
        self.state = state
        self.read, self.read_deal_products = read, read_deal_products
        self.no_deal: set[int] = set()  # carts whose last panel here was empty
        self.refreshed: dict[tuple[int, str, str, int], None] = {}  # deal news already pushed
        self.deal_products: frozenset[int] = frozenset()
        self.read_at = -self.FRESH_SECONDS

    async def render(self, cart_id: int, products: set[int] | None) -> Push | None:
        """The panel's push for a change of cart `cart_id` (whose lines now hold `products`,
        None: not known), or None when it cannot have changed."""
        if self.state is None:
            return None
        if (
            products is not None
            and cart_id in self.no_deal
            and not products & await self._deal_products()
        ):
            return None  # still no deal to show: the panel stays as it is
        found = await asyncio.to_thread(self.read, cart_id)
        if found:
            self.no_deal.discard(cart_id)
        else:
            if len(self.no_deal) >= self.MAX_CARTS:
                self.no_deal.clear()
            self.no_deal.add(cart_id)
        return delta(self.state, cart_deals=found)

    async def refresh_room(self, cart_id: int, event: DomainEvent) -> None:
        """A deal the cart's panel shows changed: read the panel once for this process and push
        it to the cart's room (its members here, re-checked on every cart push), however many
        of them follow the deal."""
        key = (cart_id, event.channel, event.kind, event.version)
        if key in self.refreshed:
            return
        self.refreshed[key] = None
        if len(self.refreshed) > self.MAX_CARTS:
            self.refreshed.pop(next(iter(self.refreshed)))
        push = await self.render(cart_id, None)
        if push:
            await rooms.push(f"cart:{cart_id}", push)

    async def _deal_products(self) -> frozenset[int]:
        now = time.monotonic()
        if now - self.read_at >= self.FRESH_SECONDS:
            self.deal_products = await asyncio.to_thread(self.read_deal_products)
            self.read_at = now
        return self.deal_products


def presence_renderer(page: type[rx.State]) -> Callable[[str, Presence], Push]:
    """Who is viewing, for the page state `page` (its `viewers` and `viewer_count`)."""

    def render_presence(_channel: str, presence: Presence) -> Push:
        viewers = [
            PresenceView(
                user_id=v.user_id or 0,
                name=v.name,
                initials=initials(v.name),
                avatar_url=v.avatar_url,
                colour=avatar_colour(v.user_id or 0),
            )
            for v in presence.viewers
        ]
        return delta(page, viewers=viewers, viewer_count=presence.count)

    return render_presence

"""What everyone on a cart's page is pushed: the cart after every cart event, and who is
viewing it. Rendered once per event per process and sent to the whole room "cart:<id>" as a
delta of the page's state (see app/realtime/rooms.py); `CartState` registers these."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import reflex as rx

from app.domain.events import DomainEvent
from app.domain.numbers import parse_id
from app.domain.people import avatar_colour, initials
from app.realtime.rooms import Presence, Push, delta, merge, rooms
from app.services.cart_page import cart_room
from app.services.context import app_context
from app.services.deals import CartPanel
from app.services.deals.cart_panel import DealNumbers, numbers_of_event

REMOVED = "The owner removed you from this cart."
DELETED = "The owner deleted this cart."
log = logging.getLogger(__name__)


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
            return merge(delta(page, view=snapshot), await panel(cart_id, snapshot))
        room = await asyncio.to_thread(cart_room, app_context(), cart_id)
        if room.view is None:
            return delta(page, view=None, checkout=None, access_error=DELETED)
        await rooms.keep_only(event.channel, room.view.member_ids, gone)
        pushed = delta(page, view=room.view, checkout=room.checkout)
        return merge(pushed, await panel(cart_id, None))

    async def panel(cart_id: int, snapshot: Mapping[str, Any] | None) -> Push | None:
        return await panels.render(cart_id, snapshot) if panels else None

    return render_cart


class DealPanels:
    """The cart page's deals panel (a `CartPanel`), the same for every member of a cart, so kept
    once per cart per process and pushed to the cart's room. It follows its sources without
    re-reading them where it can (app/services/deals/cart_panel.py):
    - a cart change brings the cart's lines and members in its snapshot; only a cart that gains
      a product with an open deal is read, and a cart whose panel was empty and whose products
      have no open deal costs nothing (most carts, on every change);
    - a deal's event brings the deal's numbers (joined, price, next tier), set in the panel of
      each cart here that shows the deal. Only news about one of the cart's own members (their
      seat or hold) or news without numbers (a closed deal) re-reads that cart's panel."""

    FRESH_SECONDS = 2.0  # how old the list of products with an open deal may be
    PUSH_EVERY = 0.25  # seconds: a deal's news is pushed to the carts here at most this often
    # Carts remembered per process (with no deal, or with their panel); past it the panel
    # remembered longest ago goes (its cart is read again on its next change).
    MAX_CARTS = 10_000

    def __init__(
        self,
        state: type[rx.State] | None,
        read: Callable[[int], CartPanel],
        read_deal_products: Callable[[], frozenset[int]],
        *,
        viewers: Callable[[int], int] = lambda cart_id: rooms.local_count(f"cart:{cart_id}"),
        send: Callable[[int, Push], Awaitable[None]] = lambda cart_id, push: rooms.push(
            f"cart:{cart_id}", push
        ),
    ) -> None:
        self.state = state
        self.read, self.read_deal_products = read, read_deal_products
        self.viewers, self.send = viewers, send
        self.no_deal: set[int] = set()  # carts whose last panel here was empty
        self.shown: dict[int, CartPanel] = {}  # carts with a panel here -> that panel
        self.by_deal: dict[int, set[int]] = {}  # deal -> the carts in `shown` that show it
        self.latest: dict[int, DealNumbers] = {}  # deal -> the newest numbers heard
        self.deal_products: frozenset[int] = frozenset()
        self.read_at = -self.FRESH_SECONDS
        self._reading: set[int] = set()  # carts being re-read
        self._again: set[int] = set()  # ... and news came meanwhile: read once more
        self._to_push: set[int] = set()  # carts whose deal numbers moved since the last push
        self._flush_planned = False

    async def render(self, cart_id: int, snapshot: Mapping[str, Any] | None) -> Push | None:
        """The panel's push for a change of cart `cart_id` (`snapshot`: the cart's room view
        after it, None: not known), or None when it cannot have changed."""
        if self.state is None:
            return None
        known = self.shown.get(cart_id)
        if snapshot is not None and (known is not None or cart_id in self.no_deal):
            products = {int(line["product_id"]) for line in snapshot["lines"]}
            with_deal = products & await self._deal_products()
            if known is None and not with_deal:
                return None  # still no deal to show: the panel stays as it is
            if known is not None and with_deal <= known.deal_products():
                return self._push(self.remember(cart_id, known.with_cart(snapshot)))
        return self._push(self.remember(cart_id, await asyncio.to_thread(self.read, cart_id)))

    def remember(self, cart_id: int, panel: CartPanel) -> CartPanel:
        """Keep a cart's panel (read by a page load or here), brought up to the newest deal
        numbers heard, which it returns."""
        for head in panel.heads:
            if head.deal_id in self.latest:
                panel = panel.with_numbers(head.deal_id, self.latest[head.deal_id])
        self._forget(cart_id)
        self.no_deal.discard(cart_id)
        while self.shown and len(self.shown) + len(self.no_deal) >= self.MAX_CARTS:
            self._forget(next(iter(self.shown)))  # the one remembered longest ago
        while len(self.no_deal) >= self.MAX_CARTS:
            self.no_deal.pop()
        if panel.heads:
            self._keep(cart_id, panel)
        else:
            self.no_deal.add(cart_id)
        return panel

    def _keep(self, cart_id: int, panel: CartPanel) -> None:
        self._forget(cart_id)
        self.shown[cart_id] = panel
        for head in panel.heads:
            self.by_deal.setdefault(head.deal_id, set()).add(cart_id)

    def _forget(self, cart_id: int) -> None:
        panel = self.shown.pop(cart_id, None)
        for head in panel.heads if panel else ():
            carts = self.by_deal.get(head.deal_id, set())
            carts.discard(cart_id)
            if not carts:
                self.by_deal.pop(head.deal_id, None)

    def on_deal_event(self, event: DomainEvent) -> None:
        """A deal changed (any process): bring the panels here that show it up to date."""
        deal_id = parse_id(event.aggregate_id)
        if deal_id is None or self.state is None:
            return
        carts = sorted(self.by_deal.get(deal_id, ()))
        if not carts:
            self.latest.pop(deal_id, None)
            return
        numbers = numbers_of_event(event.version, event.payload)
        if numbers is not None and numbers.version > self._heard(deal_id):
            self.latest[deal_id] = numbers
        actor = event.payload.get("user_id")
        loop = asyncio.get_running_loop()
        for cart_id in carts:
            if not self.viewers(cart_id):
                self._forget(cart_id)  # nobody here views it any more
                continue
            panel = self.shown[cart_id]
            if numbers is None or actor is None or panel.has_member(int(actor)):
                loop.create_task(self._reread(cart_id))
                continue
            before = panel.numbers_of(deal_id)
            fresh = panel.with_numbers(deal_id, numbers)
            if fresh is panel:
                continue  # older news
            self._keep(cart_id, fresh)
            if before is None or not before.shown_as(numbers):
                self._push_soon(cart_id)  # else only the version moved (a seat still confirming)

    def _push_soon(self, cart_id: int) -> None:
        """Push the cart's panel within PUSH_EVERY: a burst of joins is one push per cart."""
        self._to_push.add(cart_id)
        if not self._flush_planned:
            self._flush_planned = True
            loop = asyncio.get_running_loop()
            loop.call_later(self.PUSH_EVERY, lambda: loop.create_task(self._flush()))

    async def _flush(self) -> None:
        self._flush_planned = False
        carts, self._to_push = self._to_push, set()
        for cart_id in carts:
            panel = self.shown.get(cart_id)
            if panel is not None:
                await self.send(cart_id, self._push(panel))

    def _push(self, panel: CartPanel) -> Push:
        return delta(self.state, cart_deals=panel.entries())

    def _heard(self, deal_id: int) -> int:
        known = self.latest.get(deal_id)
        return -1 if known is None else known.version

    async def _reread(self, cart_id: int) -> None:
        if cart_id in self._reading:
            self._again.add(cart_id)
            return
        self._reading.add(cart_id)
        try:
            while True:
                push = await self.render(cart_id, None)
                if push:
                    await self.send(cart_id, push)
                if cart_id not in self._again:
                    return
                self._again.discard(cart_id)
        except Exception:
            log.exception("could not read the deals panel of cart %s", cart_id)
        finally:
            self._reading.discard(cart_id)

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

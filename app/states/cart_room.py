"""What everyone on a cart's page is pushed: the cart after every cart event, and who is
viewing it. Rendered once per event per process and sent to the whole room "cart:<id>" as a
delta of the page's state (see app/realtime/rooms.py); `CartState` registers these."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import reflex as rx

from app.domain.events import DomainEvent
from app.domain.people import avatar_colour, initials
from app.realtime.rooms import Presence, Push, delta, rooms
from app.services.cart_page import cart_room
from app.services.context import app_context

REMOVED = "The owner removed you from this cart."
DELETED = "The owner deleted this cart."


@dataclass(frozen=True)
class PresenceView:
    user_id: int
    name: str
    initials: str
    avatar_url: str
    colour: str


def cart_renderer(page: type[rx.State]) -> Callable[[DomainEvent], Awaitable[Push | None]]:
    """The renderer of cart events for the page state `page` (its `view`, `checkout` and
    `access_error`)."""

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
        snapshot = event.payload.get("snapshot")
        if snapshot is not None and not event.payload.get("checkout"):
            # The writer read it; no database read here.
            await rooms.keep_only(event.channel, snapshot.get("member_ids", ()), gone)
            return delta(page, view=snapshot)
        room = await asyncio.to_thread(cart_room, app_context(), int(event.aggregate_id))
        if room.view is None:
            return delta(page, view=None, checkout=None, access_error=DELETED)
        await rooms.keep_only(event.channel, room.view.member_ids, gone)
        return delta(page, view=room.view, checkout=room.checkout)

    return render_cart


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

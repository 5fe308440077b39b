"""Watching a live session together: a viewer's watch party (side chat and shared cart).

`party` and `invitable` are pushed to each member on their own channel
(liveparty:<session>:<user>) by `render_party`, read from the database, and written on the
backend only from database reads (the page's load, the service's answers).
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any

import reflex as rx

from app.domain.events import DomainEvent
from app.domain.numbers import int_or_zero
from app.realtime.rooms import delta, rooms
from app.services import live
from app.services.context import app_context
from app.services.live import LiveError, PartyMemberView, WatchPartyView
from app.states.chat import SideChatState, open_chat
from app.states.live_schedule import Events
from app.states.session import SessionState


class WatchPartyState(SessionState):
    party: WatchPartyView | None = None
    invitable: list[PartyMemberView] = []
    _party_id: int = 0  # the party this viewer acts in (also when only a push showed it)

    def _show(self, party: WatchPartyView | None, invitable: list[PartyMemberView]) -> None:
        """From the page's load (a database read)."""
        self.party, self.invitable = party, invitable
        self._party_id = party.id if party else 0

    def _session_id(self) -> int:
        return int_or_zero(self._route_arg("session_id"))

    @rx.event
    async def start_party(self) -> Events:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to watch with friends.")
        try:
            self._party_id = await asyncio.to_thread(
                live.start_watch_party, app_context(), user.id, self._session_id()
            )
        except LiveError as error:
            return rx.toast.error(error.message)
        # The party itself reaches this page through its channel (render_party).
        await open_chat(self, SideChatState, live.party_room_key(self._party_id))
        return rx.toast.success("Watch party open: invite friends to chat and shop together")

    @rx.event
    async def open_party_chat(self) -> Events:
        """A friend invited while watching opens the party's chat (the chat checks membership)."""
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in first.")
        panel = await asyncio.to_thread(
            live.party_panel, app_context(), user.id, self._session_id()
        )
        if panel.party is None:
            return rx.toast.error("You're not in a watch party for this session.")
        self._party_id = panel.party.id
        await open_chat(self, SideChatState, live.party_room_key(panel.party.id))
        return None

    @rx.event
    async def invite(self, friend_id: int) -> Events:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in first.")
        if not self._party_id:
            return rx.toast.error("Open a watch party first.")
        try:
            self.invitable = await asyncio.to_thread(
                live.invite_to_party,
                app_context(),
                user.id,
                self._party_id,
                int_or_zero(friend_id),
                self.client_address(),
            )
        except LiveError as error:
            return rx.toast.error(error.message)
        return rx.toast.success("Invited")

    @rx.event
    async def add_to_party_cart(self, product_id: int) -> Events:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in first.")
        if not self._party_id:
            return rx.toast.error("Open a watch party first.")
        try:
            await asyncio.to_thread(
                live.add_to_party_cart,
                app_context(),
                user.id,
                self._party_id,
                int_or_zero(product_id),
            )
        except LiveError as error:
            return rx.toast.error(error.message)
        return rx.toast.success("Added to your shared cart")


async def render_party(event: DomainEvent) -> dict[str, dict[str, Any]] | None:
    """A watch party changed: redraw it for the one member this channel belongs to."""
    session_text, _, user_text = event.aggregate_id.partition(":")
    panel = await asyncio.to_thread(
        live.party_panel, app_context(), int_or_zero(user_text), int_or_zero(session_text)
    )
    return delta(
        WatchPartyState,
        party=asdict(panel.party) if panel.party else None,
        invitable=[asdict(f) for f in panel.invitable],
    )


rooms.register("liveparty", render_party)

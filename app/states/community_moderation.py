"""A community's hosts at work on its page: pin, delete, mute and unmute (the chat's own
moderation, on the community's room), name hosts, attach a deal or a session; and anyone's
report, which goes to the console's moderation queue like a chat message's."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import reflex as rx

from app.domain.chat import ChatRefused, seconds_text
from app.domain.numbers import id_or_zero, int_or_zero, parse_id
from app.services import chat, communities
from app.services.communities import CommunityRefused
from app.services.context import app_context
from app.states.community import CommunityState


class CommunityModerationState(CommunityState):
    attach_choice: str = ""

    def _room(self) -> str:
        return communities.room_key(self.header.id)

    async def _act(self, action: Callable[..., Any], done: str, *args: Any) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in()
        try:
            await asyncio.to_thread(action, app_context(), user.id, *args)
            await self._reload()
        except (ChatRefused, CommunityRefused) as refusal:
            return rx.toast.error(refusal.message)
        return rx.toast.success(done)

    @rx.event
    async def pin(self, post_id: int, pinned: bool) -> Any:
        done = "Pinned to the top." if pinned else "Unpinned."
        return await self._act(
            communities.pin_post, done, self.header.id, id_or_zero(post_id), bool(pinned)
        )

    @rx.event
    async def delete(self, message_id: int) -> Any:
        return await self._act(
            chat.delete_message, "Deleted for everyone.", self._room(), id_or_zero(message_id)
        )

    @rx.event
    async def mute(self, user_id: int, minutes: int) -> Any:
        done = f"Muted for {seconds_text(int_or_zero(minutes) * 60)}."
        return await self._act(
            chat.mute_user, done, self._room(), id_or_zero(user_id), int_or_zero(minutes)
        )

    @rx.event
    async def unmute(self, user_id: int) -> Any:
        return await self._act(
            chat.unmute_user, "They can write again.", self._room(), id_or_zero(user_id)
        )

    @rx.event
    async def report(self, message_id: int) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to report a post.")
        try:
            await asyncio.to_thread(
                chat.report_message,
                app_context(),
                user.id,
                self._room(),
                id_or_zero(message_id),
                "",
                self.client_address(),
            )
        except ChatRefused as refusal:
            return rx.toast.error(refusal.message)
        return rx.toast.success("Thanks, the moderators will take a look.")

    @rx.event
    async def set_host(self, user_id: int, host: bool) -> Any:
        done = "They host the community now." if host else "They are a member again."
        return await self._act(
            communities.set_host, done, self.header.id, id_or_zero(user_id), bool(host)
        )

    @rx.event
    def choose_attachment(self, value: str) -> None:
        self.attach_choice = str(value)

    @rx.event
    async def attach(self) -> Any:
        kind, _, ref = self.attach_choice.partition(":")
        if parse_id(ref) is None:
            return rx.toast.error("Choose a deal or a live session first.")
        self.attach_choice = ""
        return await self._act(
            communities.feature, "Attached to the community.", self.header.id, kind, id_or_zero(ref)
        )

"""The moderation queue (moderators and admins): keep, remove, mute."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import reflex as rx

from app.domain.chat import ChatRefused
from app.domain.numbers import id_or_zero
from app.services.console import moderation
from app.services.console.access import ConsoleRefused
from app.services.console.live import ConsoleLive, console_live
from app.services.console.moderation_sources import Reported
from app.services.context import app_context
from app.services.reviews.writing import ReviewRefused
from app.states.console.base import ConsoleState


class ConsoleModerationState(ConsoleState):
    queue: list[Reported] = []
    live: ConsoleLive = ConsoleLive([], [])

    @rx.event
    async def load_section(self) -> None:
        user = await self._staff()
        if user is None:
            return
        try:
            self.queue = await asyncio.to_thread(
                moderation.moderation_queue, app_context(), user.id
            )
        except ConsoleRefused:
            self.queue = []
        try:
            self.live = await asyncio.to_thread(console_live, app_context(), user.id)
        except ConsoleRefused:
            self.live = ConsoleLive([], [])

    async def _act(self, action: Callable[..., Any], done: str, *args: Any) -> Any:
        user = await self._staff()
        if user is None:
            return self.ask_to_sign_in()
        try:
            await asyncio.to_thread(action, app_context(), user.id, *args)
            self.queue = await asyncio.to_thread(
                moderation.moderation_queue, app_context(), user.id
            )
        except (ConsoleRefused, ChatRefused, ReviewRefused) as refusal:
            return rx.toast.error(str(refusal))
        return rx.toast.success(done)

    @rx.event
    async def keep(self, kind: str, key: str) -> Any:
        return await self._act(moderation.keep, "Kept.", str(kind), str(key))

    @rx.event
    async def remove(self, kind: str, key: str) -> Any:
        return await self._act(moderation.remove, "Removed.", str(kind), str(key))

    @rx.event
    async def mute(self, kind: str, key: str, user_id: int) -> Any:
        return await self._act(
            moderation.mute, "Muted for 24 hours.", str(kind), str(key), id_or_zero(user_id)
        )

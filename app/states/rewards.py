"""/rewards (and the profile's summary): the shopper's points, VIP level and badges."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.services import rewards
from app.services.context import app_context
from app.services.rewards import RewardsView
from app.states.session import SessionState

EMPTY = RewardsView(0, 0, "Member", False, "", "", 0, [], [])


class RewardsState(SessionState):
    view: RewardsView = EMPTY
    loaded: bool = False

    async def _read(self) -> bool:
        user = await self._user_now()
        if user is None:
            return False
        self.view = await asyncio.to_thread(rewards.rewards_page, app_context(), user.id)
        self.loaded = True
        return True

    @rx.event
    async def load(self) -> Any:
        if not await self._read():
            return self.ask_to_sign_in("Sign in to see your rewards.")
        return None

    @rx.event
    async def load_summary(self) -> None:
        """The profile's summary: read when signed in, nothing otherwise (the profile asks)."""
        await self._read()

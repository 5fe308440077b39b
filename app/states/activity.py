"""Friends' activity page: read at load (and on "Refresh")."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.services import activity
from app.services.activity import ActivityItem
from app.services.context import app_context
from app.states.session import SessionState


class ActivityState(SessionState):
    items: list[ActivityItem] = []
    loaded: bool = False

    @rx.event
    async def load(self) -> Any:
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in("Sign in to see what your friends are up to.")
        self.items = await asyncio.to_thread(activity.friends_activity, app_context(), user.id)
        self.loaded = True
        return None

"""Friends' activity page: read at load, then pushed live when a friend shares something
(room "activity:<viewer id>", one read per change)."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.domain.events import DomainEvent
from app.realtime.rooms import Push, Viewer, delta, rooms
from app.services import activity
from app.services.activity import ActivityItem
from app.services.context import app_context
from app.states.rooms import enter_room, leave_rooms
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
        await leave_rooms(self, "activity:")
        await enter_room(self, f"activity:{user.id}", Viewer(user.id, user.name))
        return None


async def render_activity(event: DomainEvent) -> Push | None:
    """A friend of this person did something they share: the person's feed, read once."""
    if not event.aggregate_id.isdigit():
        return None
    items = await asyncio.to_thread(
        activity.friends_activity, app_context(), int(event.aggregate_id)
    )
    return delta(ActivityState, items=items)


rooms.register("activity", render_activity)

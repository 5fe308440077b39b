"""The bell in the header (unread count) and the notifications page, both live.

Every page's load puts a signed-in shopper's socket in the room "notify:<user id>"; a new or
read notification (from any process) re-renders that person's count and list once and pushes
them through the rooms broadcast path, like carts and chat.
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.domain.events import DomainEvent
from app.domain.numbers import id_or_zero, parse_id
from app.realtime.rooms import Push, Viewer, delta, merge, rooms
from app.services import notifications
from app.services.context import app_context
from app.services.notifications import NotificationView
from app.states.changes import set_changed
from app.states.questions import post_answer
from app.states.rooms import enter_room, leave_rooms
from app.states.session import SessionState


class BellState(SessionState):
    unread: int = 0  # pushed live

    @rx.event
    async def load(self) -> None:
        user = await self._user_now()
        await leave_rooms(self, "notify:")
        unread = 0
        if user is not None:
            unread = await asyncio.to_thread(notifications.unread_count, app_context(), user.id)
        set_changed(self, unread=unread)
        if user is None:
            return
        await enter_room(self, f"notify:{user.id}", Viewer(user.id, user.name))


class NotificationsState(SessionState):
    items: list[NotificationView] = []  # pushed live
    loaded: bool = False
    answer_errors: dict[str, str] = {}

    async def _load(self) -> None:
        user = await self._user_now()
        if user is None:
            return
        page = await asyncio.to_thread(notifications.notifications_page, app_context(), user.id)
        self.items, self.loaded = page.items, True

    @rx.event
    async def load(self) -> Any:
        if (await self._user_now()) is None:
            return self.ask_to_sign_in("Sign in to see your notifications.")
        self.answer_errors = {}
        await self._load()
        return None

    @rx.event
    async def mark_read(self, notification_id: int) -> None:
        user = await self._user_now()
        if user is not None:
            await asyncio.to_thread(
                notifications.mark_read, app_context(), user.id, id_or_zero(notification_id)
            )
            await self._load()

    @rx.event
    async def mark_all_read(self) -> None:
        user = await self._user_now()
        if user is not None:
            await asyncio.to_thread(notifications.mark_all_read, app_context(), user.id)
            await self._load()

    @rx.event
    async def answer(self, form: dict[str, Any]) -> Any:
        """Answer a question right from the notification that asked it."""
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to answer.")
        raw_note = str(form.get("notification_id", ""))
        refused = await post_answer(user.id, form, self.client_address())
        self.answer_errors = {raw_note: refused} if refused else {}
        if refused:
            return None
        if (note_id := parse_id(raw_note)) is not None:
            await asyncio.to_thread(notifications.mark_read, app_context(), user.id, note_id)
        await self._load()
        return rx.toast.success("Thanks, your answer is posted.")


async def render_notifications(event: DomainEvent) -> Push | None:
    """One person's notifications changed: their count and list, read once, to their pages."""
    if parse_id(event.aggregate_id) is None:
        return None
    page = await asyncio.to_thread(
        notifications.notifications_page, app_context(), int(event.aggregate_id)
    )
    return merge(delta(BellState, unread=page.unread), delta(NotificationsState, items=page.items))


rooms.register("notify", render_notifications)

"""One chat room on a page: the vars and handlers every chat slot shares (`ChatRoomMixin`).

The live window (`messages`, `has_older`, `slow_mode_seconds`, `removed_ids`, `viewer_count`) is
pushed to every viewer by `app.states.chat.render_chat`. Only `_open` writes those vars on the
backend (reading the database), so a reconnect (which re-runs the page's load) always catches
up. Older history goes into `older`, per viewer. Every handler is one call into app.services.chat.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import reflex as rx
from reflex.event import EventSpec

from app.domain import chat as rules
from app.domain.chat import ChatRefused
from app.domain.numbers import id_or_zero, int_or_zero, parse_id, parse_whole
from app.realtime.rooms import Viewer, rooms
from app.services import chat
from app.services.chat import ChatMessageView, ReportView
from app.services.context import app_context
from app.states.name_badges import badges_for
from app.states.rooms import new_load_id
from app.states.session import SessionState

T = TypeVar("T")

SLOW_MODE_LABELS = {0: "Off", 5: "5 s", 10: "10 s", 30: "30 s", 60: "1 min", 120: "2 min"}


@dataclass(frozen=True)
class MutedPerson:
    user_id: int
    name: str


# Which slot classes show each channel on this process, so a push sets only those.
showing: dict[str, set[type[ChatRoomMixin]]] = {}


def input_id(slot: type[ChatRoomMixin]) -> str:
    return f"chat-input-{slot.__name__.lower()}"


def filter_input_id(slot: type[ChatRoomMixin]) -> str:
    return f"chat-filter-{slot.__name__.lower()}"


class ChatRoomMixin(rx.State, mixin=True):
    """One chat room on a page. Which room is decided on the server by the page's load."""

    room_key: str = ""
    load_id: str = ""  # which opening the panel shows: see close
    # Pushed to every viewer of the room (see module docstring).
    messages: list[ChatMessageView] = []
    has_older: bool = False
    slow_mode_seconds: int = 0
    removed_ids: list[int] = []
    name_badges: dict[str, list[str]] = {}  # author id -> badge labels
    viewer_count: int = 0
    # This viewer's own.
    older: list[ChatMessageView] = []
    older_has_more: bool = False
    can_read: bool = False
    can_post: bool = False
    can_moderate: bool = False
    my_id: int = 0
    error: str = ""
    reply_to_id: int = 0
    reply_author: str = ""
    reply_excerpt: str = ""
    # Moderators only.
    filter_words: list[str] = []
    reports: list[ReportView] = []
    muted_people: list[MutedPerson] = []
    moderation_error: str = ""

    async def _in_room(self, use_case: Callable[..., T], user_id: int | None, *args: Any) -> T:
        """`use_case(ctx, user_id, this room, *args)`, in a worker thread: it reads the
        database, which must not stall the event loop."""
        return await asyncio.to_thread(use_case, app_context(), user_id, self.room_key, *args)

    async def _user_id(self) -> int | None:
        session_state = await self.get_state(SessionState)
        user = await session_state._user_now()
        return user.id if user else None

    async def _address(self) -> str | None:
        return (await self.get_state(SessionState)).client_address()

    async def _ask_to_sign_in(self, message: str) -> list[EventSpec]:
        session_state = await self.get_state(SessionState)
        return session_state.ask_to_sign_in(message)

    async def _open(self, room_key: str) -> None:
        """Show room `room_key` and put this socket in its live room. The caller has checked
        that this page may show it; the chat service checks again per kind."""
        session_state = await self.get_state(SessionState)
        user = session_state.user
        user_id = user.id if user else None
        channel = rules.chat_channel(room_key)
        sid = self.router.session.session_id
        if self.room_key and self.room_key != room_key:
            await rooms.leave(sid, rules.chat_channel(self.room_key))
        opening = await asyncio.to_thread(chat.open_room, app_context(), user_id, room_key)
        allowed = opening.viewing
        self.room_key = room_key
        self.load_id = new_load_id()
        self.can_read, self.can_post = allowed.can_read, allowed.can_post
        self.can_moderate = allowed.can_moderate
        self.my_id = user_id or 0
        self.older, self.older_has_more = [], False
        self.error = self.moderation_error = ""
        self._clear_reply()
        self._show_moderation(opening.moderation)
        view = opening.window
        if view is None:
            self.messages, self.has_older, self.removed_ids = [], False, []
            return
        self.messages, self.has_older = view.messages, view.has_older
        self.slow_mode_seconds, self.removed_ids = view.slow_mode_seconds, view.removed_ids
        authors = [m.author_id for m in view.messages]
        self.name_badges = await asyncio.to_thread(badges_for, authors)
        showing.setdefault(channel, set()).add(type(self))
        await rooms.enter(
            sid,
            channel,
            Viewer(user_id, user.name if user else "Guest", user.avatar_url if user else ""),
        )
        self.viewer_count = rooms.presence(channel).count

    def _show_moderation(self, panel: chat.ModerationView | None) -> None:
        self.filter_words = panel.filter_words if panel else []
        self.reports = panel.reports if panel else []
        muted = panel.muted if panel else []
        self.muted_people = [MutedPerson(user_id, name) for user_id, name, _ in muted]

    def _clear_reply(self) -> None:
        self.reply_to_id, self.reply_author, self.reply_excerpt = 0, "", ""

    @rx.event
    async def close(self, room_key: str, load_id: str = "") -> None:
        """The chat left the screen: stop receiving its pushes (unless another room opened, or
        the panel that left came from an earlier opening: see `new_load_id`)."""
        if room_key and room_key == self.room_key and load_id == self.load_id:
            await rooms.leave(self.router.session.session_id, rules.chat_channel(room_key))

    @rx.event
    async def sign_in(self) -> list[EventSpec]:
        return await self._ask_to_sign_in("Sign in to chat.")

    @rx.event
    async def send(self, form: dict[str, Any]) -> list[EventSpec] | EventSpec:
        if not self.room_key:
            return rx.toast.error("This chat isn't open.")
        user_id = await self._user_id()
        if user_id is None:
            return await self._ask_to_sign_in("Sign in to chat.")
        text = str(form.get("message", ""))
        try:
            # Off the event loop: a post is a transaction, and the loop serves every socket.
            await asyncio.to_thread(
                chat.post_message,
                app_context(),
                user_id,
                self.room_key,
                text,
                self.reply_to_id or None,
                await self._address(),
            )
        except ChatRefused as refusal:
            self.error = refusal.message
            if refusal.code == rules.Refusal.NOT_FOUND:
                self._clear_reply()
            return rx.toast.error(refusal.message)
        self.error = ""
        self._clear_reply()
        return rx.set_value(input_id(type(self)), "")

    @rx.event
    async def start_reply(self, message_id: int) -> EventSpec | None:
        if not self.can_post:
            return None
        try:
            author, text = await self._in_room(
                chat.message_brief, await self._user_id(), id_or_zero(message_id)
            )
        except (ChatRefused, ValueError, TypeError):
            return rx.toast.error("That message was deleted.")
        self.reply_to_id, self.reply_author, self.reply_excerpt = (
            id_or_zero(message_id),
            author,
            text,
        )
        return rx.set_focus(input_id(type(self)))

    @rx.event
    def cancel_reply(self) -> None:
        self._clear_reply()

    @rx.event
    async def load_older(self, before_id: int, window_oldest_id: int) -> EventSpec | None:
        """Older history above the live window, for this viewer only."""
        try:
            rows, more = await self._in_room(
                chat.older_messages,
                await self._user_id(),
                id_or_zero(before_id),
                parse_id(window_oldest_id),
            )
        except (ChatRefused, ValueError, TypeError):
            return rx.toast.error("Couldn't load older messages.")
        self.older = rows
        self.older_has_more = more
        return None

    @rx.event
    async def report(self, message_id: int) -> EventSpec | list[EventSpec]:
        user_id = await self._user_id()
        if user_id is None:
            return await self._ask_to_sign_in("Sign in to report a message.")
        try:
            await self._in_room(
                chat.report_message, user_id, id_or_zero(message_id), "", await self._address()
            )
        except ChatRefused as refusal:
            return rx.toast.error(refusal.message)
        return rx.toast.success("Thanks, the moderators will take a look.")

    # -- moderation -----------------------------------------------------------------------
    async def _moderate(self, command: chat.Command[object], done: str) -> Any:
        try:
            panel = await self._in_room(chat.moderate, await self._user_id(), command)
        except ChatRefused as refusal:
            self.moderation_error = refusal.message
            return rx.toast.error(refusal.message)
        self.moderation_error = ""
        self._show_moderation(panel)
        return rx.toast.success(done)

    @rx.event
    async def delete_message(self, message_id: int) -> EventSpec:
        return await self._moderate(
            chat.DeleteMessage(id_or_zero(message_id)), "Message deleted for everyone."
        )

    @rx.event
    async def dismiss_reports(self, message_id: int) -> EventSpec:
        return await self._moderate(
            chat.DismissReports(id_or_zero(message_id)), "Reports dismissed; the message stays."
        )

    @rx.event
    async def mute(self, user_id: int, minutes: int) -> EventSpec:
        return await self._moderate(
            chat.Mute(id_or_zero(user_id), int_or_zero(minutes)),
            f"Muted for {rules.seconds_text(int_or_zero(minutes) * 60)}.",
        )

    @rx.event
    async def unmute(self, user_id: int) -> EventSpec:
        return await self._moderate(chat.Unmute(id_or_zero(user_id)), "They can write again.")

    @rx.event
    async def set_slow_mode(self, value: str) -> EventSpec:
        seconds = parse_whole(value, 0, 3600)
        if seconds is None:
            return rx.toast.error("Choose a slow mode from the list.")
        label = "Slow mode off." if seconds == 0 else f"Slow mode: {rules.seconds_text(seconds)}."
        return await self._moderate(chat.SetSlowMode(seconds), label)

    @rx.event
    async def add_filter_word(self, form: dict[str, Any]) -> EventSpec:
        event = await self._moderate(
            chat.AddFilterWord(str(form.get("word", ""))), "Word added to the filter."
        )
        return rx.set_value(filter_input_id(type(self)), "") if not self.moderation_error else event

    @rx.event
    async def remove_filter_word(self, word: str) -> EventSpec:
        return await self._moderate(
            chat.RemoveFilterWord(str(word)), "Word removed from the filter."
        )

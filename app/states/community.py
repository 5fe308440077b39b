"""A community's page (/community/<slug>): its members, posts with photos and replies, its
sessions and deals; joining, leaving, posting and replying.

What every viewer sees the same way (`members`, `faces`, `posts`, `sessions`, `deals`) is pushed
through the rooms broadcast path: the page's socket sits in the community's chat channel
("chat:community:<id>"), and `render_community` reads the feed once per event per process. Those
vars are only written here by `load` (a database read), so a reconnect catches up. The hosts'
tools are `CommunityModerationState`.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any

import reflex as rx

from app.domain import communities as rules
from app.domain.chat import ChatRefused, chat_channel
from app.domain.events import DomainEvent
from app.domain.numbers import id_or_zero, parse_id
from app.realtime.rooms import Push, Viewer, delta, rooms
from app.services import communities
from app.services.communities import (
    Choice,
    CommunityHeader,
    CommunityPage,
    CommunityRefused,
    Face,
    PostView,
)
from app.services.context import app_context
from app.services.deals.views import DealCard
from app.services.live.views import ScheduleItem
from app.states.chat import render_room_kind
from app.states.chat_room import MutedPerson
from app.states.keyed_page import KeyedPage
from app.states.rooms import new_load_id
from app.states.session import SessionState

UPLOAD_ID = "community-photos"
POST_INPUT = "community-post-input"
NO_HEADER = CommunityHeader(0, "", "", "", "", "", "")


REPLY_INPUT = "community-reply-"  # + the post's id


class CommunityState(KeyedPage, SessionState):
    # Pushed to every viewer (set on the backend only by `load`).
    members: int = 0
    faces: list[Face] = []
    posts: list[PostView] = []
    sessions: list[ScheduleItem] = []
    deals: list[DealCard] = []
    # This viewer's own.
    header: CommunityHeader = NO_HEADER
    not_found: bool = False
    is_member: bool = False
    can_moderate: bool = False
    appoints: bool = False
    creator_id: int = 0
    my_id: int = 0
    muted_people: list[MutedPerson] = []
    attachable: list[Choice] = []
    draft: str = ""
    post_error: str = ""
    reply_error: str = ""
    load_id: str = ""

    def _show(self, page: CommunityPage) -> None:
        self.header, self.not_found = page.header, False
        feed = page.feed
        self.members, self.faces, self.posts = feed.members, feed.faces, feed.posts
        self.sessions, self.deals = feed.sessions, feed.deals
        self.is_member, self.can_moderate = page.member, page.moderates
        self.appoints, self.creator_id = page.appoints, page.creator_id
        self.muted_people = [MutedPerson(uid, name) for uid, name, _ in page.muted]
        self.attachable = page.attachable

    async def _reload(self) -> None:
        user = await self._user_now()
        page = await asyncio.to_thread(
            communities.community_page, app_context(), user.id if user else None, self.header.slug
        )
        self._show(page)

    @rx.event
    async def load(self) -> None:
        user = await self._user_now()
        self.my_id = user.id if user else 0
        slug = self._route_arg("slug")
        sid = self.router.session.session_id
        await rooms.leave_all(sid, chat_channel("community:"))
        try:
            page = await asyncio.to_thread(
                communities.community_page, app_context(), user.id if user else None, slug
            )
        except CommunityRefused:
            self.header, self.not_found, self.posts, self.faces = NO_HEADER, True, [], []
            self._mark_shown()
            return
        self._show(page)
        self._mark_shown()
        self.post_error = self.reply_error = ""
        self.load_id = new_load_id()
        viewer = Viewer(user.id if user else None, user.name if user else "Guest", "")
        await rooms.enter(sid, chat_channel(communities.room_key(page.header.id)), viewer)

    @rx.event
    async def leave_page(self, load_id: str = "") -> None:
        """The page unmounted: stop its pushes (unless a later load already took over)."""
        if load_id == self.load_id and self.header.id:
            channel = chat_channel(communities.room_key(self.header.id))
            await rooms.leave(self.router.session.session_id, channel)

    async def _membership(self, join: bool) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to join the community.")
        change = communities.join_community if join else communities.leave_community
        try:
            address = self.client_address()
            await asyncio.to_thread(change, app_context(), user.id, self.header.id, address)
            await self._reload()
        except CommunityRefused as refusal:
            return rx.toast.error(refusal.message)
        if join:
            return rx.toast.success(f"Welcome to {self.header.name}!")
        return rx.toast.info(f"You left {self.header.name}.")

    @rx.event
    async def join(self) -> Any:
        return await self._membership(True)

    @rx.event
    async def leave(self) -> Any:
        return await self._membership(False)

    @rx.event
    def set_draft(self, value: str) -> None:
        self.draft = str(value)[: 4 * rules.POST_MAX_LENGTH]

    @rx.event
    async def send_post(self, files: list[rx.UploadFile]) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to post.")
        photos = []
        for upload in files[: rules.MAX_PHOTOS + 1]:
            if (upload.size or 0) > rules.MAX_PHOTO_BYTES:  # refused before reading it all
                self.post_error = f"{upload.name}: pictures can be at most 8 MB."
                return rx.toast.error(self.post_error)
            photos.append((upload.name or "photo", await upload.read()))
        try:
            await asyncio.to_thread(
                communities.post,
                app_context(),
                user.id,
                self.header.id,
                self.draft,
                photos,
                self.client_address(),
            )
        except (CommunityRefused, ChatRefused) as refusal:
            self.post_error = refusal.message
            return rx.toast.error(refusal.message)
        self.draft, self.post_error = "", ""
        return [
            rx.set_value(POST_INPUT, ""),
            rx.clear_selected_files(UPLOAD_ID),
            rx.toast.success("Posted."),
        ]

    @rx.event
    async def send_reply(self, form: dict[str, Any]) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to reply.")
        try:
            post_id = id_or_zero(form.get("post_id"))
            await asyncio.to_thread(
                communities.reply,
                app_context(),
                user.id,
                self.header.id,
                post_id,
                str(form.get("reply", "")),
                self.client_address(),
            )
        except (CommunityRefused, ChatRefused) as refusal:
            self.reply_error = refusal.message
            return rx.toast.error(refusal.message)
        except (TypeError, ValueError):
            return rx.toast.error("That post was deleted.")
        self.reply_error = ""
        return None


# ---------------------------------------------------------------------------- the room renderer
async def render_community(event: DomainEvent) -> Push | None:
    """One read of a community's feed per event per process, pushed to its viewers here."""
    community_id = event.aggregate_id.partition(":")[2]
    if parse_id(community_id) is None:
        return None
    shown = await asyncio.to_thread(communities.feed, app_context(), id_or_zero(community_id))
    if shown is None:
        return None
    return delta(
        CommunityState,
        members=shown.members,
        faces=[asdict(f) for f in shown.faces],
        posts=[asdict(p) for p in shown.posts],
        sessions=[asdict(s) for s in shown.sessions],
        deals=[asdict(d) for d in shown.deals],
    )


render_room_kind(communities.ROOM_KIND, render_community)

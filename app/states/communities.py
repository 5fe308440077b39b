"""/communities: every community, joining from the list, and the form hosts (and admins, also
from the console) start one with."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app import routes
from app.domain.catalog import CategoryView
from app.domain.numbers import id_or_zero
from app.domain.people import may_host
from app.services import communities
from app.services.catalog import list_categories
from app.services.communities import CommunityCard, CommunityFormError, CommunityRefused
from app.services.context import app_context
from app.states.session import SessionState

FIELDS = ("name", "description", "category")


class CommunitiesState(SessionState):
    cards: list[CommunityCard] = []
    categories: list[CategoryView] = []
    can_create: bool = False
    form: dict[str, str] = {"name": "", "description": "", "category": ""}
    form_errors: dict[str, str] = {}
    form_key: int = 0

    async def _reload(self) -> None:
        user = await self._user_now()
        self.cards = await asyncio.to_thread(
            communities.list_communities, app_context(), user.id if user else None
        )

    @rx.event
    async def load(self) -> None:
        user = await self._user_now()
        self.can_create = bool(user and may_host(user.role))
        if self.can_create and not self.categories:
            self.categories = await asyncio.to_thread(list_categories, app_context())
        self.form_errors = {}
        await self._reload()

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name in FIELDS:
            self.form[name] = str(value)[:2000]

    @rx.event
    async def create(self) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to start a community.")
        try:
            slug = await asyncio.to_thread(
                communities.create_community, app_context(), user.id, dict(self.form)
            )
        except CommunityFormError as invalid:
            self.form_errors = invalid.field_errors
            return rx.toast.error("Please fix the fields marked in red.")
        except CommunityRefused as refusal:
            return rx.toast.error(refusal.message)
        self.form = {"name": "", "description": "", "category": ""}
        self.form_errors = {}
        self.form_key += 1
        await self._reload()
        return [
            rx.toast.success("Your community is open."),
            rx.redirect(routes.community_url(slug)),
        ]

    @rx.event
    async def join(self, community_id: int, slug: str) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to join a community.")
        try:
            await asyncio.to_thread(
                communities.join_community,
                app_context(),
                user.id,
                id_or_zero(community_id),
                self.client_address(),
            )
        except CommunityRefused as refusal:
            return rx.toast.error(refusal.message)
        return rx.redirect(routes.community_url(slug))

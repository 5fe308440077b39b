"""API keys on the settings page (a shopper's own keys) and in the console (every key; admins
may give write scopes). A new key's token is held here only until it is dismissed."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.domain.api_keys import KeyRefused
from app.domain.numbers import id_or_zero
from app.services.api_access import keys
from app.services.api_access.keys import KeyView, ScopeChoice
from app.services.console.access import ConsoleRefused
from app.services.context import app_context
from app.states.session import SessionState


class ApiKeysState(SessionState):
    keys: list[KeyView] = []
    choices: list[ScopeChoice] = []
    chosen: list[str] = []
    name: str = ""
    errors: dict[str, str] = {}
    new_token: str = ""
    everyone: bool = False  # the console's list of every key, not only one's own

    async def _reload(self, user_id: int) -> None:
        ctx = app_context()
        if self.everyone:
            self.keys = await asyncio.to_thread(keys.all_keys, ctx, user_id)
        else:
            self.keys = await asyncio.to_thread(keys.my_keys, ctx, user_id)
        self.choices = await asyncio.to_thread(keys.scope_choices, ctx, user_id)

    async def _open(self, everyone: bool) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to manage your API keys.")
        self.everyone, self.new_token, self.errors = everyone, "", {}
        try:
            await self._reload(user.id)
        except ConsoleRefused:
            self.keys = []
        return None

    @rx.event
    async def load(self) -> Any:
        return await self._open(False)

    @rx.event
    async def load_console(self) -> Any:
        return await self._open(True)

    @rx.event
    def set_name(self, value: str) -> None:
        self.name = str(value)[:80]

    @rx.event
    def toggle_scope(self, scope: str, on: bool) -> None:
        rest = [s for s in self.chosen if s != scope]
        self.chosen = [*rest, str(scope)] if on else rest

    @rx.event
    async def create(self) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in()
        try:
            made = await asyncio.to_thread(
                keys.create_key,
                app_context(),
                user.id,
                self.name,
                list(self.chosen),
                self.client_address(),
            )
        except KeyRefused as refusal:
            self.errors = {refusal.field: str(refusal)}
            return None
        self.errors, self.name, self.chosen = {}, "", []
        self.new_token = made.token
        await self._reload(user.id)
        return rx.toast.success(f"Key “{made.key.name}” made. Copy it now.")

    @rx.event
    def dismiss_token(self) -> None:
        self.new_token = ""

    @rx.event
    async def revoke(self, key_id: int) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in()
        try:
            await asyncio.to_thread(keys.revoke_key, app_context(), user.id, id_or_zero(key_id))
        except KeyRefused as refusal:
            return rx.toast.error(str(refusal))
        await self._reload(user.id)
        return rx.toast.success("Key revoked: it stops working at once.")

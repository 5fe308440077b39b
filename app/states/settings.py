"""Sharing and notification settings: one switch per kind, saved as it is flipped."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.services import preferences
from app.services.context import app_context
from app.services.preferences import SettingView
from app.states.session import SessionState


class SettingsState(SessionState):
    sharing: list[SettingView] = []
    notify: list[SettingView] = []

    async def _load(self, user_id: int) -> None:
        page = await asyncio.to_thread(preferences.my_settings, app_context(), user_id)
        self.sharing, self.notify = page.sharing, page.notify

    @rx.event
    async def load(self) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to change your settings.")
        await self._load(user.id)
        return None

    @rx.event
    async def toggle(self, key: str, enabled: bool) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in()
        try:
            await asyncio.to_thread(
                preferences.set_preference, app_context(), user.id, key, enabled
            )
        except preferences.UnknownSetting:
            return rx.toast.error("That setting does not exist.")
        await self._load(user.id)
        return rx.toast.success("Saved.")

"""Webhook endpoints in the console (admins): register, disable/enable, rotate the secret,
delete, and each endpoint's attempts with replay."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import reflex as rx

from app.domain.numbers import id_or_zero
from app.services import webhooks
from app.services.console.access import ConsoleRefused
from app.services.context import app_context
from app.services.webhooks import AttemptView, EndpointView, WebhookError, WebhookNotFound
from app.states.console.base import ConsoleState

REFRESH_SECONDS = 3.0
WATCH_LIMIT_SECONDS = 15 * 60  # a tab left open stops refreshing; switching back restarts it


def _read(user_id: int, opened: int) -> tuple[list[EndpointView], list[AttemptView]]:
    """The endpoints, and the attempts at the opened one (none if it is gone)."""
    endpoints = webhooks.list_endpoints(app_context(), user_id)
    if not opened:
        return endpoints, []
    try:
        return endpoints, webhooks.endpoint_attempts(app_context(), user_id, opened)
    except WebhookNotFound:
        return endpoints, []


class ConsoleWebhooksState(ConsoleState):
    endpoints: list[EndpointView] = []
    kinds: list[str] = []
    chosen: list[str] = []
    url_error: str = ""
    kinds_error: str = ""
    shown_secret: str = ""  # the secret just made or asked for, with its endpoint
    secret_for: int = 0
    opened: int = 0  # endpoint whose attempts are shown
    attempts: list[AttemptView] = []
    form_key: int = 0
    watching: bool = False

    async def _reload(self, user_id: int) -> None:
        self.endpoints, self.attempts = await asyncio.to_thread(_read, user_id, self.opened)
        if self.opened and not any(e.id == self.opened for e in self.endpoints):
            self.opened = 0

    @rx.event
    async def load_section(self) -> None:
        user = await self._staff()
        if user is None:
            return
        self.kinds = webhooks.event_types()
        try:
            await self._reload(user.id)
        except ConsoleRefused:
            self.endpoints, self.attempts = [], []

    @rx.event
    def stop(self) -> None:
        self.watching = False

    @rx.event(background=True)
    async def watch(self) -> None:
        """Re-read the counts and attempts every few seconds while the tab is open, so a
        delivery made by the worker shows up without a click."""
        async with self:
            user = await self._staff()
            if self.watching or user is None:
                return
            self.watching, user_id = True, user.id
        started = time.monotonic()
        while time.monotonic() - started < WATCH_LIMIT_SECONDS:
            await asyncio.sleep(REFRESH_SECONDS)
            async with self:
                if not self.watching:
                    return
                opened = self.opened
            try:  # read without holding the state: the page stays responsive meanwhile
                endpoints, attempts = await asyncio.to_thread(_read, user_id, opened)
            except ConsoleRefused:
                endpoints, attempts = None, []
            async with self:
                if endpoints is None or not self.watching:
                    self.watching = False
                    return
                if endpoints != self.endpoints:
                    self.endpoints = endpoints
                if opened == self.opened and attempts != self.attempts:
                    self.attempts = attempts
        async with self:
            self.watching = False

    @rx.event
    def toggle_kind(self, kind: str, on: bool) -> None:
        kind = str(kind)
        if on and kind not in self.chosen and kind in self.kinds:
            self.chosen = [*self.chosen, kind]
        elif not on:
            self.chosen = [k for k in self.chosen if k != kind]

    @rx.event
    async def register(self, form: dict[str, Any]) -> Any:
        user = await self._staff()
        if user is None:
            return self.ask_to_sign_in()
        try:
            created = await asyncio.to_thread(
                webhooks.register_endpoint,
                app_context(),
                user.id,
                str(form.get("url", ""))[:600],
                list(self.chosen),
                str(form.get("description", ""))[:200],
            )
            await self._reload(user.id)
        except WebhookError as invalid:
            self.url_error = invalid.field_errors.get("url", "")
            self.kinds_error = invalid.field_errors.get("event_types", "")
            described = invalid.field_errors.get("description")  # no field of its own to mark
            return rx.toast.error(described or "Please fix the fields marked in red.")
        except ConsoleRefused as refusal:
            return rx.toast.error(str(refusal))
        self.url_error = self.kinds_error = ""
        self.chosen = []
        self.form_key += 1
        self.shown_secret, self.secret_for = created.secret, created.endpoint.id
        return rx.toast.success("Endpoint added. Copy its signing secret now.")

    async def _run(self, action: Callable[..., Any], *args: Any) -> tuple[Any, Any]:
        """(the service's result, None), or (None, the event that tells why it was refused)."""
        user = await self._staff()
        if user is None:
            return None, self.ask_to_sign_in()
        try:
            result = await asyncio.to_thread(action, app_context(), user.id, *args)
            await self._reload(user.id)
        except (ConsoleRefused, WebhookNotFound) as refusal:
            return None, rx.toast.error(str(refusal))
        return result, None

    @rx.event
    async def set_active(self, endpoint_id: int, active: bool) -> Any:
        _, refused = await self._run(
            webhooks.set_endpoint_active, id_or_zero(endpoint_id), bool(active)
        )
        return refused or rx.toast.success("Endpoint enabled." if active else "Endpoint disabled.")

    @rx.event
    async def rotate(self, endpoint_id: int) -> Any:
        secret, refused = await self._run(webhooks.rotate_secret, id_or_zero(endpoint_id))
        if refused:
            return refused
        self.shown_secret, self.secret_for = secret, id_or_zero(endpoint_id)
        return rx.toast.success("New secret made; the old one also signs for 24 hours.")

    @rx.event
    async def reveal(self, endpoint_id: int) -> Any:
        secret, refused = await self._run(webhooks.endpoint_secret, id_or_zero(endpoint_id))
        if refused:
            return refused
        self.shown_secret, self.secret_for = secret, id_or_zero(endpoint_id)
        return None

    @rx.event
    def hide_secret(self) -> None:
        self.shown_secret, self.secret_for = "", 0

    @rx.event
    async def delete(self, endpoint_id: int) -> Any:
        if id_or_zero(endpoint_id) == self.opened:
            self.opened, self.attempts = 0, []
        _, refused = await self._run(webhooks.delete_endpoint, id_or_zero(endpoint_id))
        return refused or rx.toast.success("Endpoint deleted.")

    @rx.event
    async def open_attempts(self, endpoint_id: int) -> Any:
        self.opened = id_or_zero(endpoint_id)
        user = await self._staff()
        if user is None:
            return self.ask_to_sign_in()
        try:
            await self._reload(user.id)
        except ConsoleRefused as refusal:
            return rx.toast.error(str(refusal))
        return None

    @rx.event
    async def refresh(self) -> Any:
        return await self.open_attempts(self.opened)

    @rx.event
    async def replay(self, message_id: int) -> Any:
        _, refused = await self._run(webhooks.replay_message, id_or_zero(message_id))
        return refused or rx.toast.success("Queued again: it goes out within seconds.")

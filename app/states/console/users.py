"""Users and roles, and the audit log (admins)."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.domain.numbers import id_or_zero
from app.services.console import audit, roles
from app.services.console.access import ConsoleRefused
from app.services.console.audit import AuditLine
from app.services.console.roles import RoleError, StaffRow
from app.services.context import app_context
from app.states.console.base import ConsoleState


class ConsoleUsersState(ConsoleState):
    users: list[StaffRow] = []
    audit_lines: list[AuditLine] = []
    query: str = ""

    async def _reload(self, user_id: int) -> None:
        self.users = await asyncio.to_thread(roles.list_users, app_context(), user_id, self.query)
        self.audit_lines = await asyncio.to_thread(audit.audit_log, app_context(), user_id)

    @rx.event
    async def load_section(self) -> None:
        user = await self._staff()
        if user is None:
            return
        try:
            await self._reload(user.id)
        except ConsoleRefused:
            self.users, self.audit_lines = [], []

    @rx.event
    async def search(self, form: dict[str, Any]) -> Any:
        self.query = str(form.get("query", ""))[:80]
        return await self._guarded(None)

    @rx.event
    async def set_role(self, user_id: int, role: str) -> Any:
        return await self._guarded((id_or_zero(user_id), str(role)))

    async def _guarded(self, change: tuple[int, str] | None) -> Any:
        user = await self._staff()
        if user is None:
            return self.ask_to_sign_in()
        try:
            if change is not None:
                row = await asyncio.to_thread(roles.set_role, app_context(), user.id, *change)
            await self._reload(user.id)
        except (ConsoleRefused, RoleError) as refusal:
            return rx.toast.error(str(refusal))
        if change is not None:
            return rx.toast.success(f"{row.name} is now {row.role_label.lower()}.")
        return None

"""Who may see which part of the console; the page's first load handler."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app import routes
from app.services.accounts import UserView
from app.services.console import access
from app.services.console.access import ConsoleAccess, ConsoleRefused
from app.services.context import app_context
from app.states.session import SessionState

NO_ACCESS = ConsoleAccess("", "", False, False, False, False, False, False)


class ConsoleState(SessionState):
    """The sections this person may use, read from the server on every load."""

    sections: ConsoleAccess = NO_ACCESS
    refused: str = ""

    async def _staff(self) -> UserView | None:
        """The signed-in user; the services decide what their role allows."""
        return await self._user_now()

    @rx.event
    async def load(self) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to open the console.")
        try:
            self.sections = await asyncio.to_thread(access.console_access, app_context(), user.id)
            self.refused = ""
        except ConsoleRefused as refusal:
            self.sections = NO_ACCESS
            self.refused = str(refusal)
            return [rx.toast.error(str(refusal)), rx.redirect(routes.HOME)]
        return None

    @rx.var
    def allowed(self) -> bool:
        return self.sections.role != ""

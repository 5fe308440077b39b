"""Switching console tabs re-reads the section shown (a product made a moment ago appears in
the deal form; the audit log shows the latest actions)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from app.states.admin_refunds import AdminRefundsState
from app.states.console.analytics import ConsoleAnalyticsState
from app.states.console.base import ConsoleState
from app.states.console.deals import ConsoleDealsState
from app.states.console.moderation import ConsoleModerationState
from app.states.console.orders import ConsoleOrdersState
from app.states.console.users import ConsoleUsersState

_RELOADS: dict[str, list[Any]] = {
    "deals": [ConsoleDealsState.load_section],
    "live": [ConsoleModerationState.load_section],
    "moderation": [ConsoleModerationState.load_section],
    "users": [ConsoleUsersState.load_section],
    "audit": [ConsoleUsersState.load_section],
    "orders": [AdminRefundsState.load, ConsoleOrdersState.load_section],
}


class ConsoleTabsState(ConsoleState):
    tab: str = ""

    @rx.event
    def switch(self, tab: str) -> Any:
        self.tab = str(tab)
        if self.tab == "analytics":
            return ConsoleAnalyticsState.watch
        return [ConsoleAnalyticsState.stop, *_RELOADS.get(self.tab, [])]

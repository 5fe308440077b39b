"""Switching console tabs re-reads the section shown (a product made a moment ago appears in
the deal form; the audit log shows the latest actions)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from app.states.admin_refunds import AdminRefundsState
from app.states.api_keys import ApiKeysState
from app.states.console.analytics import ConsoleAnalyticsState
from app.states.console.base import ConsoleState
from app.states.console.candidates import ConsoleCandidatesState
from app.states.console.deals import ConsoleDealsState
from app.states.console.experiments import ConsoleExperimentsState
from app.states.console.moderation import ConsoleModerationState
from app.states.console.orders import ConsoleOrdersState
from app.states.console.users import ConsoleUsersState
from app.states.console.webhooks import ConsoleWebhooksState

_RELOADS: dict[str, list[Any]] = {
    "deals": [ConsoleDealsState.load_section],
    "live": [ConsoleModerationState.load_section],
    "moderation": [ConsoleModerationState.load_section],
    "users": [ConsoleUsersState.load_section],
    "audit": [ConsoleUsersState.load_section],
    "candidates": [ConsoleCandidatesState.load_section],
    "api": [ApiKeysState.load_console],
    "experiments": [ConsoleExperimentsState.load_section],
    "orders": [AdminRefundsState.load, ConsoleOrdersState.load_section],
}


class ConsoleTabsState(ConsoleState):
    tab: str = ""

    @rx.event
    def switch(self, tab: str) -> Any:
        self.tab = str(tab)
        # Tabs that refresh themselves while open: stop the others' loops.
        stops = [
            state.stop
            for name, state in (
                ("analytics", ConsoleAnalyticsState),
                ("webhooks", ConsoleWebhooksState),
            )
            if name != self.tab
        ]
        if self.tab == "analytics":
            return [*stops, ConsoleAnalyticsState.watch]
        if self.tab == "webhooks":
            return [*stops, ConsoleWebhooksState.load_section, ConsoleWebhooksState.watch]
        return [*stops, *_RELOADS.get(self.tab, [])]

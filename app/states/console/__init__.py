"""The merchant console in the browser (/console). Thin: each handler re-reads who is signed
in and makes one console service call, which checks the role on the server (a shopper calling
a handler directly is refused there too)."""

from app.states.console.analytics import ConsoleAnalyticsState
from app.states.console.base import ConsoleState
from app.states.console.candidates import ConsoleCandidatesState
from app.states.console.deals import ConsoleDealsState
from app.states.console.experiments import ConsoleExperimentsState
from app.states.console.moderation import ConsoleModerationState
from app.states.console.orders import ConsoleOrdersState
from app.states.console.products import ConsoleProductsState
from app.states.console.tabs import ConsoleTabsState
from app.states.console.users import ConsoleUsersState
from app.states.console.webhooks import ConsoleWebhooksState

__all__ = [
    "ConsoleAnalyticsState",
    "ConsoleCandidatesState",
    "ConsoleDealsState",
    "ConsoleExperimentsState",
    "ConsoleModerationState",
    "ConsoleOrdersState",
    "ConsoleProductsState",
    "ConsoleState",
    "ConsoleTabsState",
    "ConsoleUsersState",
    "ConsoleWebhooksState",
]

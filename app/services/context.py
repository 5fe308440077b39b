"""TEMPORARY stand-in for the lead's foundation (replaced by main's version at merge)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app.adapters.bus import EventBus
from app.domain.clock import utcnow
from app.services.payments import Payments
from app.services.unit_of_work import UnitOfWork, unit_of_work


@dataclass(frozen=True)
class Context:
    session_factory: Callable[[], Session] | None
    bus: EventBus | None
    payments: Payments
    clock: Callable[[], datetime] = utcnow

    def uow(self) -> AbstractContextManager[UnitOfWork]:
        return unit_of_work(self.session_factory, self.bus)

    def now(self) -> datetime:
        return self.clock()


_current: Context | None = None


def app_context() -> Context:
    global _current
    if _current is None:
        from app.adapters.payments.configured import app_gateway

        _current = Context(None, None, Payments(app_gateway()))
    return _current


def set_app_context(ctx: Context | None) -> None:
    global _current
    _current = ctx

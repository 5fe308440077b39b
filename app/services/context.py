"""PLACEHOLDER until the lead's Context lands on main (take main's version on merge)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from app.adapters.bus import EventBus, bus
from app.adapters.db.session import engine
from app.services.unit_of_work import UnitOfWork, unit_of_work


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Context:
    session_factory: Callable[[], Session]
    bus: EventBus
    payments: Any = None
    clock: Callable[[], datetime] = _utcnow

    def uow(self) -> AbstractContextManager[UnitOfWork]:
        return unit_of_work(self.session_factory, self.bus)

    def now(self) -> datetime:
        return self.clock()


_current: Context | None = None


def app_context() -> Context:
    global _current
    if _current is None:
        _current = Context(lambda: Session(engine(), expire_on_commit=False), bus())
    return _current


def set_app_context(ctx: Context | None) -> None:
    global _current
    _current = ctx

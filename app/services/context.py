"""What every use case works with: the database, the bus, payments and the clock.

The calling convention of `app/services` (see the README): a public use case takes the context
first and the acting user's id next, opens one unit of work with `ctx.uow()`, and returns a view
or raises a domain error. Reflex states and the HTTP routes pass `app_context()`; tests build a
`Context` of their own (a fresh database, a recording bus, the local test payment server, a fixed
clock) and pass it the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from app.adapters.bus import EventBus, bus
from app.adapters.db.session import engine
from app.adapters.limiter import Limiter, shared_limiter
from app.adapters.payments.configured import Payments, app_payments
from app.config import settings
from app.domain.clock import utcnow
from app.services.unit_of_work import UnitOfWork, unit_of_work


def _app_session() -> Session:
    return Session(engine(), expire_on_commit=False)


def _app_data_dir() -> Path:
    return settings().data_dir


@dataclass(frozen=True)
class Context:
    """The parts a use case needs; frozen, so a context can be shared between threads."""

    session_factory: Callable[[], Session] = _app_session
    bus: EventBus = field(default_factory=bus)
    payments_factory: Callable[[], Payments] = app_payments
    clock: Callable[[], datetime] = utcnow
    # Where files that shoppers upload are kept (review photos); DATA_DIR by default.
    data_dir: Callable[[], Path] = _app_data_dir
    # Attempt limits shared across processes (Redis when configured): hearts, codes, sign-in.
    limiter: Limiter = field(default_factory=shared_limiter)

    @property
    def payments(self) -> Payments:
        # Built on first use: pages that never pay never start a Stripe client.
        return self.payments_factory()

    def now(self) -> datetime:
        return self.clock()

    def uow(self) -> AbstractContextManager[UnitOfWork]:
        """One transaction; its recorded events are published after it commits."""
        return unit_of_work(self.session_factory, self.bus)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read-only session for queries that change nothing."""
        session = self.session_factory()
        try:
            yield session
        finally:
            session.close()


_app_context: Context | None = None


def app_context() -> Context:
    """The process-wide context, from the settings (DATABASE_URL, REDIS_URL, STRIPE_*)."""
    global _app_context
    if _app_context is None:
        _app_context = Context()
    return _app_context


def set_app_context(ctx: Context | None) -> None:
    """Replace the process-wide context (tests of states and routes); None restores the default."""
    global _app_context
    _app_context = ctx

"""Shared test factories and fakes: one of each, for every kind of test.

- `RecordingBus`: a bus that remembers what was published (thread-safe), for checking the news a
  use case sends and when.
- `make_context`: the service `Context` over a test database, with a recording bus, the local
  test payment server's provider when a test has one, and a fixed or real clock.
- `add_category`, `add_product`, `add_user`: rows a test needs, with sensible defaults.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.adapters.db.models import Category, Product
from app.adapters.db.models_people import User
from app.adapters.payments.configured import Payments, app_payments, build_payments
from app.adapters.payments.gateway import PaymentGateway
from app.domain.clock import utcnow
from app.domain.events import DomainEvent
from app.services.context import Context


class RecordingBus:
    """An event bus that keeps every published event, in order."""

    def __init__(self) -> None:
        self.events: list[DomainEvent] = []
        self._lock = threading.Lock()

    def publish(self, event: DomainEvent) -> None:
        with self._lock:
            self.events.append(event)

    async def listen(self) -> AsyncIterator[DomainEvent]:  # pragma: no cover - never listened to
        raise NotImplementedError
        yield

    def kinds(self, channel: str | None = None) -> list[str]:
        """The kinds published, on one channel (`deal:7`) or on all."""
        return [e.kind for e in self.events if channel is None or e.channel == channel]

    def on(self, channel: str) -> list[DomainEvent]:
        return [e for e in self.events if e.channel == channel]

    def clear(self) -> None:
        with self._lock:
            self.events.clear()


class SilentBus(RecordingBus):
    """For tests whose app runs in another process: nothing to announce to."""

    def publish(self, event: DomainEvent) -> None:
        pass


def make_context(
    engine: Engine,
    *,
    bus: RecordingBus | None = None,
    gateway: PaymentGateway | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> Context:
    """A service context over `engine`; payments through `gateway` (the local test server's, in
    integration tests) or the app's configured provider when none is given."""
    payments: Callable[[], Payments] = app_payments
    if gateway is not None:
        provider = build_payments(gateway)

        def payments() -> Payments:
            return provider

    return Context(
        session_factory=lambda: Session(engine, expire_on_commit=False),
        bus=bus if bus is not None else RecordingBus(),
        payments_factory=payments,
        clock=clock,
    )


def add_category(session: Session, slug: str = "mugs", name: str = "Mugs") -> Category:
    category = Category(slug=slug, name=name)
    session.add(category)
    session.flush()
    return category


def add_product(
    session: Session,
    category: Category,
    slug: str = "mug",
    *,
    title: str | None = None,
    price: int = 1800,
    stock: int = 10,
    **extra: Any,
) -> Product:
    product = Product(
        slug=slug,
        title=title or slug.replace("-", " ").title(),
        price_amount=price,
        stock=stock,
        category_id=category.id or 0,
        **extra,
    )
    session.add(product)
    session.flush()
    return product


def add_user(session: Session, name: str, role: str = "shopper", **extra: Any) -> User:
    user = User(display_name=name, role=role, **extra)
    session.add(user)
    session.flush()
    return user

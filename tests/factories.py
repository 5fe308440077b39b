"""Shared test factories and fakes: one of each, for every kind of test.

- `RecordingBus`: a bus that remembers what was published (thread-safe), for checking the news a
  use case sends and when.
- `make_context`: the service `Context` over a test database, with a recording bus, the local
  test payment server's provider when a test has one, and a fixed or real clock.
- `add_category`, `add_product`, `add_user`: rows a test needs, with sensible defaults.
- `ShopWorld`: a test database with its bus and service context, and shoppers and products on
  demand; each area's integration tests extend it with their own helpers.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.adapters.db.models import Category, Product, ProductImage
from app.adapters.db.models_people import User
from app.adapters.db.session import make_engine
from app.adapters.limiter import Limiter, memory_limiter
from app.adapters.payments.configured import (
    Payments,
    UnavailableGateway,
    app_payments,
    build_payments,
)
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
    limiter: Limiter | None = None,
) -> Context:
    """A service context over `engine`; payments through `gateway` (the local test server's, in
    integration tests) or the app's configured provider when none is given; attempt limits of
    its own (in memory) unless `limiter` is shared."""
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
        limiter=limiter if limiter is not None else memory_limiter(),
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


@dataclass
class ShopWorld:
    """A shop over a test database (the `database_url` fixture's, migrated to head): the bus
    that remembers what was published, the service context the use cases get, and users and
    products added on demand, remembered by name (`users["Alice"]`) and slug (`products["mug"]`).
    """

    engine: Engine
    bus: RecordingBus = field(default_factory=RecordingBus)
    gateway: PaymentGateway | None = None  # payments when a call names none (a test server's)
    users: dict[str, int] = field(default_factory=dict)
    products: dict[str, int] = field(default_factory=dict)
    limiter: Limiter = field(default_factory=memory_limiter)  # one allowance for the world

    @classmethod
    @contextmanager
    def open(cls, database_url: str, **fields: Any) -> Iterator[Self]:
        """The world over `database_url`; its connections are closed afterwards."""
        engine = make_engine(database_url)
        try:
            yield cls(engine, **fields)
        finally:
            engine.dispose()

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def default_gateway(self) -> PaymentGateway:
        """Payments when a call names no gateway: the world's own, or one that refuses every
        payment (so no test reaches whatever the environment configures)."""
        return self.gateway if self.gateway is not None else UnavailableGateway()

    def ctx(self, gateway: PaymentGateway | None = None, now: datetime | None = None) -> Context:
        """The service context on this database and bus, paying through `gateway` (or the
        default), its clock stopped at `now` when given (deadlines, timeouts, rate limits)."""
        return make_context(
            self.engine,
            bus=self.bus,
            gateway=gateway if gateway is not None else self.default_gateway(),
            clock=(lambda: now) if now is not None else utcnow,
            limiter=self.limiter,
        )

    def user(self, name: str, role: str = "shopper", *, key: str | None = None) -> int:
        """A user called `name`, remembered as `users[key or name]`."""
        with self.session() as session:
            user_id = add_user(session, name, role).id or 0
            session.commit()
        self.users[key or name] = user_id
        return user_id

    def make_users(self, count: int) -> list[int]:
        """`count` anonymous shoppers ("Shopper 0"...) in one transaction; not remembered."""
        with self.session() as session:
            people = [add_user(session, f"Shopper {i}") for i in range(count)]
            session.commit()
            return [person.id or 0 for person in people]

    def product(
        self,
        title: str,
        price: int = 1200,
        stock: int = 10,
        *,
        category: str = "home",
        images: Sequence[str] = (),
    ) -> int:
        """A product in `category` (made on first use), remembered by its slug, the title in
        lower case with dashes ("Harbor Mug" -> "harbor-mug")."""
        slug = title.lower().replace(" ", "-")
        with self.session() as session:
            found = session.exec(select(Category).where(Category.slug == category)).first()
            shelf = found or add_category(session, category, category.title())
            product_id = add_product(session, shelf, slug, title=title, price=price, stock=stock).id
            assert product_id is not None
            session.add_all(ProductImage(product_id=product_id, url=url) for url in images)
            session.commit()
        self.products[slug] = product_id
        return product_id

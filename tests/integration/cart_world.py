"""A small shop for the cart and checkout tests: a migrated database, a bus that remembers what
was published, the service context over both (`tests.factories`), and shoppers, friends and
products on demand.

Import the fixtures into a test module (they are not in a conftest, so parameters that name
them "redefine" the import; such modules say `# ruff: noqa: F811`):
    from tests.integration.cart_world import party, shop  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from app.adapters.db.models import Category, Product
from app.adapters.db.models_carts import CART_TABLES
from app.adapters.db.models_people import Friendship, User
from app.adapters.db.session import make_engine
from app.adapters.payments.configured import UnavailableGateway
from app.adapters.payments.gateway import PaymentGateway
from app.domain.carts import CartError
from app.services import carts
from app.services.context import Context
from app.services.unit_of_work import UnitOfWork, unit_of_work
from tests.factories import RecordingBus, make_context


@dataclass
class Shop:
    engine: Engine
    bus: RecordingBus = field(default_factory=RecordingBus)
    gateway: PaymentGateway | None = None  # the local test server's, for checkout tests

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @property
    def ctx(self) -> Context:
        """The service context the use cases get: this database and bus, real time, and the
        test payment server's provider (none at all when the shop has no gateway)."""
        gateway = self.gateway if self.gateway is not None else UnavailableGateway()
        return make_context(self.engine, bus=self.bus, gateway=gateway)

    def at(self, moment: datetime) -> Context:
        """The context with the clock stopped at `moment` (deadlines, timeouts)."""
        return replace(self.ctx, clock=lambda: moment)

    def uow(self) -> AbstractContextManager[UnitOfWork]:
        return unit_of_work(self.session, self.bus)

    def do(self, step: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one step that takes a unit of work (`carts.add_item`...) in its own."""
        with self.uow() as uow:
            return step(uow, *args, **kwargs)

    def user(self, name: str) -> int:
        with self.session() as session:
            user = User(display_name=name)
            session.add(user)
            session.commit()
            assert user.id is not None
            return user.id

    def befriend(self, a: int, b: int) -> None:
        with self.session() as session:
            session.add(Friendship(user_low=min(a, b), user_high=max(a, b)))
            session.commit()

    def product(self, title: str, price: int = 1200, stock: int = 10) -> int:
        with self.session() as session:
            if session.get(Category, 1) is None:
                session.add(Category(id=1, slug="home", name="Home"))
                session.flush()
            product = Product(
                slug=title.lower().replace(" ", "-"),
                title=title,
                price_amount=price,
                stock=stock,
                category_id=1,
            )
            session.add(product)
            session.commit()
            assert product.id is not None
            return product.id


def make_shop(database_url: str) -> Iterator[Shop]:
    engine = make_engine(database_url)
    # The lead wires these tables into Alembic; until then they sit on top of the migrated schema.
    SQLModel.metadata.create_all(engine, tables=CART_TABLES)
    yield Shop(engine)
    engine.dispose()


def load_cart(shop: Shop, cart_id: int, viewer: int) -> carts.CartView:
    with shop.session() as session:
        return carts.load_cart(session, cart_id, viewer)


def refused(shop: Shop, step: Callable[..., object], *args: object) -> CartError:
    """The CartError a step raises (the test fails if it does not)."""
    with pytest.raises(CartError) as caught:
        shop.do(step, *args)
    return caught.value


@dataclass
class Party:
    """Alice owns a shared cart; Bob joined it; Carol is a stranger; a mug and a lamp for sale."""

    shop: Shop
    alice: int
    bob: int
    carol: int
    cart: int
    mug: int
    lamp: int


def make_party(shop: Shop, cart_name: str = "  Beach  weekend ") -> Party:
    alice, bob, carol = shop.user("Alice"), shop.user("Bob"), shop.user("Carol")
    mug = shop.product("Harbor Mug", price=1800, stock=5)
    lamp = shop.product("Desk Lamp", price=4500, stock=3)
    cart = shop.do(carts.create_shared_cart, alice, cart_name)
    assert isinstance(cart, int)
    code = load_cart(shop, cart, alice).invite_code
    shop.do(carts.join_by_code, bob, code.lower())
    shop.bus.events.clear()
    return Party(shop, alice, bob, carol, cart, mug, lamp)


@pytest.fixture
def shop(database_url: str) -> Iterator[Shop]:
    yield from make_shop(database_url)


@pytest.fixture
def party(shop: Shop) -> Party:
    return make_party(shop)

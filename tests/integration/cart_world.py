"""A small shop for the cart and checkout tests: the shared `ShopWorld` (a migrated database, a
bus that remembers what was published, the service context, shoppers and products on demand)
plus friendships and steps run in a unit of work.

Import the fixtures into a test module (they are not in a conftest, so parameters that name
them "redefine" the import; such modules say `# ruff: noqa: F811`):
    from tests.integration.cart_world import party, shop  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

import pytest

from app.adapters.db.models_people import Friendship
from app.domain.carts import CartError
from app.services import carts
from app.services.unit_of_work import UnitOfWork, unit_of_work
from tests.factories import ShopWorld


@dataclass
class Shop(ShopWorld):
    """The shared shop (`tests.factories.ShopWorld`) with the cart tests' own steps."""

    def uow(self) -> AbstractContextManager[UnitOfWork]:
        return unit_of_work(self.session, self.bus)

    def do(self, step: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one step that takes a unit of work (`carts.add_item`...) in its own."""
        with self.uow() as uow:
            return step(uow, *args, **kwargs)

    def befriend(self, a: int, b: int) -> None:
        with self.session() as session:
            session.add(Friendship(user_low=min(a, b), user_high=max(a, b)))
            session.commit()


def make_shop(database_url: str) -> Iterator[Shop]:
    with Shop.open(database_url) as shop:
        yield shop


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

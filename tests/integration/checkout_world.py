"""The checkout world: a shop paying through the local Stripe server, and Alice's shared cart
with Bob in it (owner pays / everyone pays their own). Shared by the checkout, refund, card and
cart-webhook tests."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import stripe
from sqlmodel import select

from app.adapters.db.models import Product
from app.adapters.db.models_orders import PaymentShare, ShopOrder, StockReservation
from app.adapters.payments.sandbox import LocalSandbox
from app.adapters.payments.stripe_gateway import LOCAL_SECRET_KEY, StripeGateway
from app.domain.carts import SplitMode
from app.domain.payments import SandboxCard
from app.services import carts, checkout
from tests.integration.cart_world import Shop
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401


@dataclass
class Store(Shop):
    """The shop with the local Stripe server behind its payments."""

    localstripe: str = ""

    def stock(self, product_id: int) -> int:
        with self.session() as session:
            product = session.get(Product, product_id)
            assert product is not None
            return product.stock

    def view(self, cart_id: int, viewer: int) -> carts.CartView:
        with self.session() as session:
            return carts.load_cart(session, cart_id, viewer)

    def order(self, order_id: int) -> ShopOrder:
        with self.session() as session:
            order = session.get(ShopOrder, order_id)
            assert order is not None
            return order

    def shares(self, order_id: int) -> dict[int, str]:
        with self.session() as session:
            rows = session.exec(select(PaymentShare).where(PaymentShare.order_id == order_id))
            return {share.user_id: share.status for share in rows}

    def reservations(self, order_id: int) -> list[tuple[int, int, str]]:
        with self.session() as session:
            rows = session.exec(
                select(StockReservation).where(StockReservation.order_id == order_id)
            )
            return sorted((r.product_id, r.quantity, r.status) for r in rows)

    def card(self, kind: str) -> str:
        assert isinstance(self.gateway, StripeGateway)
        return LocalSandbox(self.gateway).payment_method(SandboxCard(kind))

    def intents(self) -> list[dict[str, Any]]:
        client = stripe.StripeClient(LOCAL_SECRET_KEY, base_addresses={"api": self.localstripe})
        return [i.to_dict() for i in client.v1.payment_intents.list({"limit": 100}).data]

    def pay(self, user_id: int, order_id: int, kind: str = "success") -> checkout.PaymentOutcome:
        return checkout.pay_share(self.ctx(), user_id, order_id, self.card(kind))


@pytest.fixture
def store(
    database_url: str, stripe_gateway: StripeGateway, localstripe_url: str
) -> Iterator[Store]:
    with Store.open(database_url, gateway=stripe_gateway, localstripe=localstripe_url) as store:
        yield store


@dataclass
class Party:
    """Alice's shared cart with Bob in it: Bob wants 2 mugs, Alice a lamp."""

    store: Store
    alice: int
    bob: int
    cart: int
    mug: int
    lamp: int


def make_party(store: Store, mode: SplitMode) -> Party:
    alice, bob = store.user("Alice"), store.user("Bob")
    mug = store.product("Harbor Mug", price=1800, stock=5)
    lamp = store.product("Desk Lamp", price=4500, stock=3)
    cart = store.do(carts.create_shared_cart, alice, "Beach weekend", split_mode=mode)
    store.do(carts.join_by_code, bob, store.view(cart, alice).invite_code)
    store.do(carts.add_item, cart, bob, mug, 2)
    store.do(carts.add_item, cart, alice, lamp, 1)
    return Party(store, alice, bob, cart, mug, lamp)


@pytest.fixture
def owner_pays(store: Store) -> Party:
    return make_party(store, SplitMode.OWNER_PAYS)


@pytest.fixture
def split(store: Store) -> Party:
    return make_party(store, SplitMode.EACH_PAYS_OWN)

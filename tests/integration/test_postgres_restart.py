"""PostgreSQL restarting under the shop (a private server started by the test, stopped as a crash
would stop it): requests meet a clear message and work on retry; an order or a payment is either
all written or not at all, and a card charged while the database was away is recorded once."""

# ruff: noqa: F811 - fixtures imported into the module

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.exc import SQLAlchemyError

from app.adapters.db.session import IDLE_PING_SECONDS
from app.adapters.payments.gateway import PaymentResult
from app.adapters.payments.stripe_gateway import StripeGateway
from app.cli import migrate
from app.domain.carts import SplitMode
from app.domain.checkout import OrderStatus, ShareStatus
from app.services import carts, checkout
from app.services.availability import UNAVAILABLE_TITLE, store_unavailable
from app.states.errors import on_backend_error
from tests.integration.checkout_world import Party, Store, make_party
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401
from tests.support.private_postgres import PrivatePostgres, private_postgres


@pytest.fixture(scope="module")
def server() -> Iterator[PrivatePostgres]:
    with private_postgres() as running:
        yield running


@pytest.fixture
def party(
    server: PrivatePostgres, stripe_gateway: StripeGateway, localstripe_url: str
) -> Iterator[Party]:
    if not server.answers():
        server.start()
    url = server.new_database()
    migrate(url)
    with Store.open(url, gateway=stripe_gateway, localstripe=localstripe_url) as store:
        yield make_party(store, SplitMode.OWNER_PAYS)


def test_a_request_during_the_restart_fails_clearly_and_works_on_retry(
    party: Party, server: PrivatePostgres
) -> None:
    store = party.store
    server.stop()
    with pytest.raises(SQLAlchemyError) as caught:
        store.do(carts.add_item, party.cart, party.bob, party.mug, 1)
    assert store_unavailable(caught.value)
    toast = str(on_backend_error(caught.value))  # what the shopper's page shows
    assert UNAVAILABLE_TITLE in toast and "Nothing was changed" in toast

    server.start()
    store.do(carts.add_item, party.cart, party.bob, party.mug, 1)  # the same click, again
    mugs = [
        line for line in store.view(party.cart, party.alice).lines if line.product_id == party.mug
    ]
    assert [line.quantity for line in mugs] == [3]


class OutageAfterCharge(StripeGateway):
    """The card is charged at the provider, then the database goes away before the shop can
    write the payment down: the request in flight fails there."""

    def __init__(self, real: StripeGateway, server: PrivatePostgres) -> None:
        self.__dict__.update(real.__dict__)  # the same client and idempotency memory
        self.server = server

    def charge_now(self, **kwargs: Any) -> PaymentResult:
        result = super().charge_now(**kwargs)
        self.server.stop()
        return result


def test_a_payment_cut_off_by_the_restart_is_recorded_once_on_retry(
    party: Party, server: PrivatePostgres, stripe_gateway: StripeGateway
) -> None:
    store = party.store
    order_id = checkout.start_checkout(store.ctx(), party.alice, party.cart)
    method = store.card("success")
    store.gateway = OutageAfterCharge(stripe_gateway, server)
    with pytest.raises(SQLAlchemyError) as caught:
        checkout.pay_share(store.ctx(), party.alice, order_id, method)
    assert store_unavailable(caught.value)
    server.start()
    store.gateway = stripe_gateway

    # Nothing half-written: the order and its share are as before the click, stock reserved.
    assert store.order(order_id).status == OrderStatus.PENDING
    assert store.shares(order_id) == {party.alice: ShareStatus.PENDING}
    charged = [i for i in store.intents() if i["status"] == "succeeded"]
    assert len(charged) == 1  # the provider took the money once

    checkout.pay_share(store.ctx(), party.alice, order_id, method)  # the retry
    assert store.shares(order_id) == {party.alice: ShareStatus.PAID}
    assert store.order(order_id).status == OrderStatus.COMPLETE
    assert len([i for i in store.intents() if i["status"] == "succeeded"]) == 1  # not twice


def test_after_a_quiet_restart_the_first_request_works(
    party: Party, server: PrivatePostgres
) -> None:
    """Pooled connections that sat idle through a restart are pinged and replaced before use."""
    store = party.store
    server.stop()
    server.start()
    time.sleep(IDLE_PING_SECONDS + 0.1)
    store.do(carts.add_item, party.cart, party.bob, party.mug, 1)
    lines = store.view(party.cart, party.alice).lines
    assert [line.quantity for line in lines if line.product_id == party.mug] == [3]

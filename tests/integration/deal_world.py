"""A shop for the group-buy deal tests: the shared `ShopWorld` (a migrated database, a bus that
remembers what was published, the service context, shoppers on demand) with a host and the
product they sell, an in-memory payment gateway, the terms of a typical deal and reads of what
the deal services stored.

Import the fixture into a test module (it is not in a conftest, so parameters that name it
"redefine" the import; such modules say `# ruff: noqa: F811`):
    from tests.integration.deal_world import world  # noqa: F401
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from app.adapters.db.models_deals import Deal, DealOrder, Participation
from app.adapters.payments.gateway import (
    PaymentError,
    PaymentErrorCode,
    PaymentGateway,
    PaymentResult,
    PaymentStatus,
    RefundResult,
    SavedCard,
)
from app.domain.clock import as_utc
from app.domain.events import DomainEvent
from app.domain.group_buy import DealTerms, PriceTier
from app.services import deals
from tests.factories import ShopWorld


class FakeGateway:
    """In-memory PaymentGateway: "pm_decline" is declined, "pm_3ds" needs 3-D Secure."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.intents: dict[str, PaymentResult] = {}
        self.by_key: dict[str, str] = {}
        self.authorize_calls = 0

    def _new(self, prefix: str) -> str:
        with self._lock:
            return f"{prefix}_{next(self._ids)}"

    def create_customer(
        self,
        *,
        email: str | None,
        name: str | None,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
    ) -> str:
        return f"cus_{idempotency_key}"

    def authorize(
        self,
        *,
        amount: int,
        currency: str,
        customer: str | None,
        payment_method: str,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
    ) -> PaymentResult:
        with self._lock:
            self.authorize_calls += 1
            if idempotency_key in self.by_key:
                return self.intents[self.by_key[idempotency_key]]
        if payment_method == "pm_decline":
            raise PaymentError(PaymentErrorCode.CARD_DECLINED, "declined")
        status = (
            PaymentStatus.REQUIRES_ACTION
            if payment_method == "pm_3ds"
            else PaymentStatus.REQUIRES_CAPTURE
        )
        intent = self._new("pi")
        result = PaymentResult(
            intent_id=intent,
            status=status,
            amount=amount,
            currency=currency.upper(),
            amount_capturable=amount if status is PaymentStatus.REQUIRES_CAPTURE else 0,
            client_secret=f"{intent}_secret" if status is PaymentStatus.REQUIRES_ACTION else None,
            metadata=dict(metadata or {}),
        )
        with self._lock:
            self.intents[intent] = result
            self.by_key[idempotency_key] = intent
        return result

    def _set(self, intent_id: str, **changes: Any) -> PaymentResult:
        with self._lock:
            old = self.intents[intent_id]
            new = PaymentResult(**{**old.__dict__, **changes})
            self.intents[intent_id] = new
            return new

    def capture(self, intent_id: str, *, amount: int, idempotency_key: str) -> PaymentResult:
        current = self.intents[intent_id]
        if current.status is PaymentStatus.SUCCEEDED:
            return current
        if amount > current.amount_capturable:
            raise PaymentError(PaymentErrorCode.AMOUNT_TOO_LARGE)
        return self._set(
            intent_id, status=PaymentStatus.SUCCEEDED, amount_captured=amount, amount_capturable=0
        )

    def cancel(self, intent_id: str, *, idempotency_key: str) -> PaymentResult:
        return self._set(intent_id, status=PaymentStatus.CANCELED, amount_capturable=0)

    def charge_now(self, **kwargs: Any) -> PaymentResult:
        raise NotImplementedError

    def save_card(
        self,
        *,
        customer: str,
        payment_method: str,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
    ) -> SavedCard:
        return SavedCard(self._new("seti"), "succeeded", customer, payment_method)

    def charge_saved(
        self,
        *,
        amount: int,
        currency: str,
        customer: str,
        payment_method: str,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
    ) -> PaymentResult:
        intent = self._new("pi")
        result = PaymentResult(intent, PaymentStatus.SUCCEEDED, amount, currency, amount)
        self.intents[intent] = result
        return result

    def refund(self, intent_id: str, *, amount: int | None, idempotency_key: str) -> RefundResult:
        raise NotImplementedError

    def retrieve(self, intent_id: str) -> PaymentResult:
        return self.intents[intent_id]


@dataclass
class World(ShopWorld):
    """The shared shop (`tests.factories.ShopWorld`) with a host selling a kettle; payments go
    through a fresh `FakeGateway` when a call names no gateway."""

    @property
    def seller_id(self) -> int:
        return self.users["Seller"]

    @property
    def product_id(self) -> int:
        return self.products["kettle"]

    def default_gateway(self) -> PaymentGateway:
        return FakeGateway()

    def events(self, deal_id: int, kind: str) -> list[DomainEvent]:
        """What was published about one deal, of one kind, in order."""
        return [e for e in self.bus.on(f"deal:{deal_id}") if e.kind == kind]

    def kinds(self, deal_id: int) -> list[str]:
        return self.bus.kinds(f"deal:{deal_id}")

    def deal(self, deal_id: int) -> Deal:
        with self.session() as session:
            found = session.get(Deal, deal_id)
            assert found is not None
            return found

    def participations(self, deal_id: int) -> list[Participation]:
        with self.session() as session:
            return list(
                session.exec(
                    select(Participation)
                    .where(Participation.deal_id == deal_id)
                    .order_by(Participation.user_id)  # type: ignore[arg-type]
                ).all()
            )

    def orders(self, deal_id: int) -> list[DealOrder]:
        with self.session() as session:
            return list(session.exec(select(DealOrder).where(DealOrder.deal_id == deal_id)).all())


def make_world(database_url: str) -> Iterator[World]:
    with World.open(database_url) as world:
        world.product("Kettle", 12000, category="gadgets")
        world.user("Seller", "host")
        yield world


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    yield from make_world(database_url)


NOW = datetime.now(UTC).replace(microsecond=0)


def terms(**changes: Any) -> DealTerms:
    base: dict[str, Any] = {
        "tiers": (PriceTier(1, 10000), PriceTier(3, 8000), PriceTier(5, 6000)),
        "currency": "USD",
        "min_to_unlock": 3,
        "max_participants": 10,
        "starts_at": NOW - timedelta(minutes=5),
        "deadline": NOW + timedelta(hours=2),
    }
    base.update(changes)
    return DealTerms(**base)


def open_deal(world: World, **changes: Any) -> int:
    return deals.create_deal(world.ctx(), world.seller_id, world.product_id, terms(**changes))


def after_deadline(world: World, deal_id: int) -> datetime:
    return as_utc(world.deal(deal_id).deadline) + timedelta(seconds=1)

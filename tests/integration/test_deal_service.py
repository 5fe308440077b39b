"""Group-buy deal service on SQLite and PostgreSQL, paying through a real localstripe."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from app.adapters.db.models import Category, Product
from app.adapters.db.models_deals import DEAL_TABLES, Deal, DealOrder, Participation, Team
from app.adapters.db.models_people import User
from app.adapters.db.session import make_engine
from app.adapters.payments.gateway import (
    PaymentError,
    PaymentErrorCode,
    PaymentResult,
    PaymentStatus,
    RefundResult,
    SavedCard,
)
from app.adapters.payments.sandbox import LocalSandbox
from app.adapters.payments.stripe_gateway import TEST_CARDS, StripeGateway
from app.domain.clock import as_utc, utcnow
from app.domain.events import DomainEvent
from app.domain.group_buy import DealTerms, PriceTier
from app.domain.payments import SandboxCard
from app.services import deals
from app.services.context import Context
from app.services.deals import DealValidationError, JoinError
from tests.factories import RecordingBus, make_context
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401

# --------------------------------------------------------------------------- helpers


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
class World:
    engine: Engine
    session_factory: Callable[[], Session]
    bus: RecordingBus
    product_id: int
    seller_id: int
    users: list[int] = field(default_factory=list)

    def ctx(self, gateway: Any = None, now: datetime | None = None) -> Context:
        """The services' context on this world's database and bus, paying through `gateway`
        (a fake unless given), with the clock stopped at `now` when given."""
        return make_context(
            self.engine,
            bus=self.bus,
            gateway=gateway or FakeGateway(),
            clock=(lambda: now) if now is not None else utcnow,
        )

    def events(self, deal_id: int, kind: str) -> list[DomainEvent]:
        """What was published about one deal, of one kind, in order."""
        return [e for e in self.bus.on(f"deal:{deal_id}") if e.kind == kind]

    def kinds(self, deal_id: int) -> list[str]:
        return self.bus.kinds(f"deal:{deal_id}")

    def make_users(self, count: int) -> list[int]:
        with self.session_factory() as session:
            people = [User(display_name=f"Shopper {i}") for i in range(count)]
            session.add_all(people)
            session.commit()
            ids = [p.id for p in people if p.id is not None]
        self.users.extend(ids)
        return ids

    def deal(self, deal_id: int) -> Deal:
        with self.session_factory() as session:
            found = session.get(Deal, deal_id)
            assert found is not None
            return found

    def participations(self, deal_id: int) -> list[Participation]:
        with self.session_factory() as session:
            return list(
                session.exec(
                    select(Participation)
                    .where(Participation.deal_id == deal_id)
                    .order_by(Participation.user_id)  # type: ignore[arg-type]
                ).all()
            )

    def orders(self, deal_id: int) -> list[DealOrder]:
        with self.session_factory() as session:
            return list(session.exec(select(DealOrder).where(DealOrder.deal_id == deal_id)).all())


def make_world(database_url: str) -> Iterator[World]:
    engine = make_engine(database_url)
    SQLModel.metadata.create_all(engine, tables=DEAL_TABLES)

    def factory() -> Session:
        return Session(engine, expire_on_commit=False)

    with factory() as session:
        category = Category(slug="gadgets", name="Gadgets")
        session.add(category)
        session.flush()
        assert category.id is not None
        product = Product(
            slug="kettle", title="Kettle", price_amount=12000, category_id=category.id
        )
        seller = User(display_name="Seller", role="host")
        session.add_all([product, seller])
        session.commit()
        assert product.id is not None and seller.id is not None
        world = World(engine, factory, RecordingBus(), product.id, seller.id)
    yield world
    engine.dispose()


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


# --------------------------------------------------------------------------- joining


def test_joining_places_a_hold_for_the_current_price(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world)
    (ada,) = world.make_users(1)
    result = deals.join_deal(world.ctx(stripe_gateway), ada, deal_id, 1, TEST_CARDS["success"])
    assert result.status == "held"
    assert (result.hold_amount, result.unit_price_now) == (10000, 10000)
    intent = stripe_gateway.retrieve(result.intent_id or "")
    assert intent.status is PaymentStatus.REQUIRES_CAPTURE
    assert intent.amount_capturable == 10000
    assert world.deal(deal_id).participants == 1
    (joined,) = world.events(deal_id, "deal.joined")
    assert joined.payload["participants"] == 1
    assert joined.payload["current_price"] == 10000
    assert joined.payload["next_tier"] == {"needed": 2, "unit_price": 8000}
    # Versions never repeat, so a watcher can spot a missed event.
    versions = [e.version for e in world.bus.events if e.aggregate_id == str(deal_id)]
    assert versions == sorted(set(versions))


def test_joining_twice_is_refused_without_a_second_hold(world: World) -> None:
    gateway = FakeGateway()
    deal_id = open_deal(world)
    (ada,) = world.make_users(1)
    deals.join_deal(world.ctx(gateway), ada, deal_id, 1, "pm_card_visa")
    with pytest.raises(JoinError) as caught:
        deals.join_deal(world.ctx(gateway), ada, deal_id, 1, "pm_card_visa")
    assert caught.value.message == "You're already in this deal."
    assert len(gateway.intents) == 1
    assert world.deal(deal_id).participants == 1


def test_leaving_cancels_the_hold_and_frees_the_seat(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world)
    (ada,) = world.make_users(1)
    joined = deals.join_deal(world.ctx(stripe_gateway), ada, deal_id, 1, TEST_CARDS["success"])
    deals.leave_deal(world.ctx(stripe_gateway), ada, deal_id)
    assert stripe_gateway.retrieve(joined.intent_id or "").status is PaymentStatus.CANCELED
    assert world.deal(deal_id).participants == 0
    (part,) = world.participations(deal_id)
    assert (part.status, part.hold_released) == ("left", True)
    assert world.events(deal_id, "deal.left")[0].payload["participants"] == 0
    # Coming back later is a fresh join with a fresh hold.
    again = deals.join_deal(world.ctx(stripe_gateway), ada, deal_id, 1, TEST_CARDS["success"])
    assert again.status == "held" and again.intent_id != joined.intent_id


def test_unlocked_deal_captures_every_hold_at_the_final_tier_price(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world)
    shoppers = world.make_users(5)
    intents = [
        deals.join_deal(world.ctx(stripe_gateway), u, deal_id, 1, TEST_CARDS["success"]).intent_id
        for u in shoppers
    ]
    assert len(world.events(deal_id, "deal.unlocked")) == 1
    assert world.events(deal_id, "deal.unlocked")[0].payload["participants"] == 3

    report = deals.close_deal(
        world.ctx(stripe_gateway, now=after_deadline(world, deal_id)), deal_id
    )
    assert report is not None and report.complete
    assert (report.outcome, report.unit_price) == ("capture", 6000)
    for intent_id in intents:
        captured = stripe_gateway.retrieve(intent_id or "")
        assert captured.status is PaymentStatus.SUCCEEDED
        assert captured.amount_captured == 6000  # partial capture of a 10000 hold
    assert [p.status for p in world.participations(deal_id)] == ["captured"] * 5
    orders = world.orders(deal_id)
    assert sorted(o.user_id for o in orders) == sorted(shoppers)
    assert {(o.unit_price, o.amount) for o in orders} == {(6000, 6000)}
    deal = world.deal(deal_id)
    assert (deal.status, deal.outcome) == ("succeeded", "capture")
    (closed,) = world.events(deal_id, "deal.closed")
    assert closed.payload["final_unit_price"] == 6000
    assert sorted(closed.payload["captured_user_ids"]) == sorted(shoppers)


def test_deal_below_minimum_cancels_every_hold_and_tells_the_shoppers(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world)
    shoppers = world.make_users(2)
    intents = [
        deals.join_deal(world.ctx(stripe_gateway), u, deal_id, 1, TEST_CARDS["success"]).intent_id
        for u in shoppers
    ]
    report = deals.close_deal(
        world.ctx(stripe_gateway, now=after_deadline(world, deal_id)), deal_id
    )
    assert report is not None and report.outcome == "release"
    for intent_id in intents:
        assert stripe_gateway.retrieve(intent_id or "").status is PaymentStatus.CANCELED
    assert [p.status for p in world.participations(deal_id)] == ["released"] * 2
    assert world.orders(deal_id) == []
    assert world.deal(deal_id).status == "failed"
    (closed,) = world.events(deal_id, "deal.closed")
    assert closed.payload["outcome"] == "release"
    assert sorted(closed.payload["released_user_ids"]) == sorted(shoppers)


def test_declined_card_leaves_the_shopper_out_with_a_clear_message(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world, max_participants=3, min_to_unlock=2, tiers=(PriceTier(1, 10000),))
    (ada,) = world.make_users(1)
    with pytest.raises(JoinError) as caught:
        deals.join_deal(world.ctx(stripe_gateway), ada, deal_id, 1, TEST_CARDS["decline"])
    assert caught.value.code == "card_declined"
    assert caught.value.message == "Your card was declined. Try another card."
    assert world.deal(deal_id).participants == 0
    (part,) = world.participations(deal_id)
    assert part.status == "failed"
    # Another card works, with a new idempotency key.
    retry = deals.join_deal(world.ctx(stripe_gateway), ada, deal_id, 1, TEST_CARDS["success"])
    assert retry.status == "held"
    (part,) = world.participations(deal_id)
    assert (part.attempt, part.idempotency_key) == (2, f"deal-{deal_id}-user-{ada}-hold-2")
    assert world.deal(deal_id).participants == 1


def test_three_d_secure_card_waits_for_the_shopper(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world)
    (ada,) = world.make_users(1)
    card = LocalSandbox(stripe_gateway).payment_method(SandboxCard.THREE_DS)
    result = deals.join_deal(world.ctx(stripe_gateway), ada, deal_id, 1, card)
    assert result.status == "needs_action"
    assert result.client_secret and result.client_secret.startswith(result.intent_id or "-")
    (part,) = world.participations(deal_id)
    assert part.status == "needs_action"
    assert world.deal(deal_id).participants == 1  # the seat is kept while they authenticate


def test_join_after_the_deadline_is_refused(world: World) -> None:
    deal_id = open_deal(world)
    (ada,) = world.make_users(1)
    with pytest.raises(JoinError) as caught:
        deals.join_deal(
            world.ctx(FakeGateway(), now=after_deadline(world, deal_id)),
            ada,
            deal_id,
            1,
            "pm_card_visa",
        )
    assert caught.value.message == "Sorry, this deal's deadline has passed."
    assert world.deal(deal_id).participants == 0


def test_join_on_a_full_deal_is_refused(world: World) -> None:
    gateway = FakeGateway()
    deal_id = open_deal(world, max_participants=2, min_to_unlock=2, tiers=(PriceTier(1, 5000),))
    a, b, c = world.make_users(3)
    for user in (a, b):
        deals.join_deal(world.ctx(gateway), user, deal_id, 1, "pm_card_visa")
    with pytest.raises(JoinError) as caught:
        deals.join_deal(world.ctx(gateway), c, deal_id, 1, "pm_card_visa")
    assert caught.value.message == "This deal is full."
    assert world.deal(deal_id).participants == 2


def test_invalid_deal_definitions_are_refused_with_field_errors(world: World) -> None:
    bad = terms(
        tiers=(PriceTier(1, 5000), PriceTier(3, 7000)),
        currency="dollars",
        deadline=NOW - timedelta(hours=1),
    )
    with pytest.raises(DealValidationError) as caught:
        deals.create_deal(world.ctx(), world.seller_id, world.product_id, bad)
    errors = caught.value.field_errors
    assert set(errors) >= {"tiers", "currency", "deadline"}
    assert errors["tiers"] == "Each tier must be cheaper than the one before."
    with world.session_factory() as session:
        assert session.exec(select(Deal)).all() == []


def test_closing_twice_changes_nothing_the_second_time(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world)
    for user in world.make_users(3):
        deals.join_deal(world.ctx(stripe_gateway), user, deal_id, 1, TEST_CARDS["success"])
    when = after_deadline(world, deal_id)
    first = deals.close_deal(world.ctx(stripe_gateway, now=when), deal_id)
    version = world.deal(deal_id).version
    assert first is not None and first.unit_price == 8000
    assert deals.close_deal(world.ctx(stripe_gateway, now=when), deal_id) is None
    assert deals.close_overdue_deals(world.ctx(stripe_gateway, now=when)) == []
    assert world.deal(deal_id).version == version
    assert len(world.orders(deal_id)) == 3
    assert len(world.events(deal_id, "deal.closed")) == 1


def test_scheduler_closes_only_overdue_deals(world: World) -> None:
    gateway = FakeGateway()
    soon = open_deal(world, deadline=NOW + timedelta(minutes=30))
    later = open_deal(world, deadline=NOW + timedelta(days=1))
    when = NOW + timedelta(hours=1)
    reports = deals.close_overdue_deals(world.ctx(gateway, now=when))
    assert [r.deal_id for r in reports] == [soon]
    assert world.deal(soon).status == "failed"
    assert world.deal(later).status == "open"


def test_a_filled_team_pays_the_team_price(world: World, stripe_gateway: StripeGateway) -> None:
    deal_id = open_deal(world, min_to_unlock=2, team_size=2, team_price=7000)
    lead, friend = world.make_users(2)
    started = deals.start_team(world.ctx(stripe_gateway), lead, deal_id, 1, TEST_CARDS["success"])
    assert started.team_id is not None
    deals.join_team(world.ctx(stripe_gateway), friend, started.team_id, 1, TEST_CARDS["success"])
    with world.session_factory() as session:
        team = session.get(Team, started.team_id)
        assert team is not None and (team.status, team.members) == ("filled", 2)
    (late,) = world.make_users(1)
    with pytest.raises(JoinError) as caught:
        deals.join_team(world.ctx(stripe_gateway), late, started.team_id, 1, TEST_CARDS["success"])
    assert caught.value.code == "team_full"
    deals.close_deal(world.ctx(stripe_gateway, now=after_deadline(world, deal_id)), deal_id)
    assert {o.amount for o in world.orders(deal_id)} == {7000}  # tier price would be 10000


def test_long_deal_saves_the_card_and_charges_it_at_close(
    world: World, stripe_gateway: StripeGateway
) -> None:
    deal_id = open_deal(world, min_to_unlock=1, deadline=NOW + timedelta(days=6))
    assert world.deal(deal_id).payment_mode == "saved_card"
    (ada,) = world.make_users(1)
    joined = deals.join_deal(world.ctx(stripe_gateway), ada, deal_id, 1, TEST_CARDS["success"])
    assert joined.status == "held" and (joined.intent_id or "").startswith("seti_")
    report = deals.close_deal(
        world.ctx(stripe_gateway, now=after_deadline(world, deal_id)), deal_id
    )
    assert report is not None and report.captured == [ada]
    (order,) = world.orders(deal_id)
    assert order.amount == 10000
    assert stripe_gateway.retrieve(order.intent_id or "").amount_captured == 10000


# --------------------------------------------------------------------------- webhooks


def _webhook_script(prefix: str, parts: list[Participation]) -> list[dict[str, Any]]:
    """The provider's story for three shoppers who all started with 3-D Secure: the first
    finished it (hold), the second failed it, the third was held then cancelled."""

    def event(n: int, kind: str, part: Participation, **obj: Any) -> dict[str, Any]:
        body = {
            "id": part.intent_id,
            "object": "payment_intent",
            "amount": 10000,
            "metadata": {"participation_id": str(part.id), "deal_id": str(part.deal_id)},
            **obj,
        }
        return {"id": f"evt_{prefix}_{n}", "type": kind, "data": {"object": body}}

    a, b, c = parts
    return [
        event(1, "payment_intent.requires_action", a, status="requires_action"),
        event(2, "payment_intent.amount_capturable_updated", a, amount_capturable=10000),
        event(3, "payment_intent.requires_action", b, status="requires_action"),
        event(4, "payment_intent.payment_failed", b, status="requires_payment_method"),
        event(5, "payment_intent.amount_capturable_updated", c, amount_capturable=10000),
        event(6, "payment_intent.canceled", c, status="canceled"),
    ]


def _state(world: World, deal_id: int) -> tuple[Any, ...]:
    parts = world.participations(deal_id)
    return (
        world.deal(deal_id).participants,
        [(p.status, p.authorized_amount, p.captured_amount) for p in parts],
        len(world.orders(deal_id)),
    )


def test_webhooks_delivered_three_times_in_any_order_end_in_the_same_state(
    world: World,
) -> None:
    gateway = FakeGateway()
    finals = []
    for run, shuffled in (("ordered", False), ("shuffled", True)):
        deal_id = open_deal(world)
        for user in world.make_users(3):
            deals.join_deal(world.ctx(gateway), user, deal_id, 1, "pm_3ds")
        script = _webhook_script(run, world.participations(deal_id))
        deliveries = script if not shuffled else script * 3
        if shuffled:
            random.Random(7).shuffle(deliveries)
        applied = [deals.handle_webhook_event(world.ctx(gateway), e) for e in deliveries]
        if not shuffled:
            assert all(applied[i] for i in (1, 3, 4, 5))
        finals.append(_state(world, deal_id))
    assert finals[0] == finals[1]
    assert finals[0][0] == 1
    assert [s for s, *_ in finals[0][1]] == ["held", "failed", "released"]


def test_a_hold_that_arrives_after_leaving_is_released(world: World) -> None:
    gateway = FakeGateway()
    deal_id = open_deal(world)
    (ada,) = world.make_users(1)
    joined = deals.join_deal(world.ctx(gateway), ada, deal_id, 1, "pm_3ds")
    deals.leave_deal(world.ctx(gateway), ada, deal_id)
    gateway._set(joined.intent_id or "", status=PaymentStatus.REQUIRES_CAPTURE)
    (part,) = world.participations(deal_id)
    late = {
        "id": "evt_late",
        "type": "payment_intent.amount_capturable_updated",
        "data": {
            "object": {
                "id": joined.intent_id,
                "amount": 10000,
                "metadata": {"participation_id": str(part.id)},
            }
        },
    }
    deals.handle_webhook_event(world.ctx(gateway), late)
    assert gateway.retrieve(joined.intent_id or "").status is PaymentStatus.CANCELED
    assert world.participations(deal_id)[0].status == "left"
    assert world.deal(deal_id).participants == 0

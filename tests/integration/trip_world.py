"""A shop for the group-trip tests: the deal world (`deal_world.World`) with a cooking class that
has one dated session, organisers and friends on demand, and reads of the seats and money.

Import the fixture into a test module (`# ruff: noqa: F811` there):
    from tests.integration.trip_world import trip_world  # noqa: F401
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from app.adapters.db.models_trips import Booking, ExperienceDate
from app.adapters.payments.stripe_gateway import TEST_CARDS
from app.domain.group_buy import PriceTier
from app.domain.payments import SandboxCard
from app.services import trips
from tests.integration.deal_world import NOW, World

CLASS_TIERS = (PriceTier(1, 9000), PriceTier(3, 7000), PriceTier(5, 6000))
CARD = TEST_CARDS[SandboxCard.SUCCESS]
DECLINED = TEST_CARDS[SandboxCard.DECLINE]


class TripWorld(World):
    date_id: int = 0

    @property
    def class_id(self) -> int:
        return self.products["pasta-cooking-class"]

    def add_date(self, starts_at: datetime, seats: int) -> int:
        return trips.add_experience_date(
            self.ctx(), self.seller_id, self.class_id, starts_at, seats, CLASS_TIERS
        )

    def open_group(
        self,
        organiser: int,
        min_size: int,
        max_size: int,
        *,
        deadline: datetime | None = None,
        date_id: int | None = None,
        now: datetime = NOW,
    ) -> trips.BookingOpened:
        return trips.open_booking(
            self.ctx(now=now),
            organiser,
            date_id or self.date_id,
            min_size,
            max_size,
            deadline or NOW + timedelta(days=2),
        )

    def seats_taken(self, date_id: int | None = None) -> int:
        with self.session() as session:
            date = session.get(ExperienceDate, date_id or self.date_id)
            assert date is not None
            return date.seats_taken

    def booking(self, code: str) -> Booking:
        with self.session() as session:
            return session.exec(select(Booking).where(Booking.code == code)).one()


@pytest.fixture
def trip_world(database_url: str) -> Iterator[TripWorld]:
    with TripWorld.open(database_url) as world:
        world.user("Seller", "host")
        world.product("Pasta cooking class", 9000, category="classes")
        world.date_id = world.add_date(NOW + timedelta(days=10), seats=8)
        yield world

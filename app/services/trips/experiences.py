"""Experiences: products with dates and seats (a cooking class, a weekend trip).

Staff give an experience its dates; the product page lists them with the seats left and the
price per person by group size, and lets a shopper organise a group for one of them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.adapters.db.models import Product
from app.adapters.db.models_people import User
from app.adapters.db.models_trips import ExperienceDate
from app.domain.clock import as_utc
from app.domain.group_buy import PriceTier
from app.domain.money import format_minor
from app.domain.numbers import parse_id
from app.domain.people import may_host
from app.domain.plain_text import could_be_slug
from app.domain.trips import DECIDE_BEFORE_START, ProductKind, seats_left
from app.services.context import Context
from app.services.deals.errors import NotAllowed
from app.services.trips.errors import BookingError


def tiers_of(date: ExperienceDate) -> tuple[PriceTier, ...]:
    return tuple(PriceTier(int(a), int(b)) for a, b in json.loads(date.tiers_json))


def add_experience_date(
    ctx: Context,
    actor_id: int,
    product_id: int,
    starts_at: datetime,
    seats: int,
    tiers: Sequence[PriceTier],
) -> int:
    """Give a product a date with `seats` seats and prices per person by group size (hosts and
    admins). The product becomes an experience. Returns the date's id."""
    with ctx.uow() as uow:
        session = uow.session
        actor = session.get(User, actor_id)
        if actor is None or not may_host(actor.role):
            raise NotAllowed("Only hosts can add dates to experiences.")
        product = session.get(Product, product_id)
        if product is None:
            raise BookingError("We couldn't find that product.", "not_found")
        errors: dict[str, str] = {}
        if seats < 1:
            errors["seats"] = "A date needs at least one seat."
        if as_utc(starts_at) <= as_utc(ctx.now()):
            errors["starts_at"] = "The date must be in the future."
        if not tiers or tiers[0].min_participants != 1:
            errors["tiers"] = "The first price must be for 1 person."
        if errors:
            raise BookingError("Please fix the highlighted fields.", "invalid", errors)
        session.exec(
            update(Product)
            .where(col(Product.id) == product_id)
            .values(kind=ProductKind.EXPERIENCE.value),
            execution_options={"synchronize_session": False},
        )
        row = ExperienceDate(
            product_id=product_id,
            starts_at=as_utc(starts_at),
            seats=seats,
            tiers_json=json.dumps([[t.min_participants, t.unit_price] for t in tiers]),
            currency=product.currency,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


@dataclass(frozen=True)
class DateView:
    """One date of an experience, as its product page lists it."""

    id: int
    starts_at: str  # ISO
    label: str
    seats: int
    seats_left: int
    seats_text: str
    prices: str  # "1+ people: $90.00 each · 4+ people: $70.00 each"
    bookable: bool


@dataclass(frozen=True)
class ExperienceView:
    product_id: int
    is_experience: bool
    dates: list[DateView]


NOT_AN_EXPERIENCE = ExperienceView(0, False, [])


def date_label(moment: datetime) -> str:
    return f"{as_utc(moment):%a %d %b %Y, %H:%M} UTC"


def prices_text(tiers: Sequence[PriceTier], currency: str) -> str:
    return " · ".join(
        f"{t.min_participants}+ people: {format_minor(t.unit_price, currency)} each" for t in tiers
    )


def _date_view(date: ExperienceDate, now: datetime) -> DateView:
    left = seats_left(date.seats, date.seats_taken)
    bookable = left > 0 and as_utc(date.starts_at) - DECIDE_BEFORE_START > now
    return DateView(
        id=date.id or 0,
        starts_at=as_utc(date.starts_at).isoformat(),
        label=date_label(date.starts_at),
        seats=date.seats,
        seats_left=left,
        seats_text="Sold out" if left == 0 else f"{left} of {date.seats} seats left",
        prices=prices_text(tiers_of(date), date.currency),
        bookable=bookable,
    )


def upcoming_dates(session: Session, product_id: int, now: datetime) -> list[DateView]:
    rows = session.exec(
        select(ExperienceDate)
        .where(ExperienceDate.product_id == product_id, col(ExperienceDate.starts_at) > now)
        .order_by(col(ExperienceDate.starts_at), col(ExperienceDate.id))
    ).all()
    return [_date_view(row, now) for row in rows]


def experience_view(ctx: Context, product_key: str) -> ExperienceView:
    """A product page's experience panel: its upcoming dates with seats left (by slug or id)."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        session = uow.session
        product_id = parse_id(product_key)
        if product_id is None and not could_be_slug(product_key):
            return NOT_AN_EXPERIENCE
        condition = (
            col(Product.id) == product_id
            if product_id is not None
            else col(Product.slug) == product_key
        )
        product = session.exec(select(Product).where(condition)).first()
        if product is None or product.kind != ProductKind.EXPERIENCE:
            return NOT_AN_EXPERIENCE
        assert product.id is not None
        return ExperienceView(product.id, True, upcoming_dates(session, product.id, now))

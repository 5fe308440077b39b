"""Rows the social tests need: shoppers, friendships and purchases made the way checkout and
deal closing record them (a completed cart order, a captured deal order)."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.adapters.db.models_carts import Cart
from app.adapters.db.models_deals import Deal, DealOrder, Participation
from app.adapters.db.models_orders import OrderLine, ShopOrder
from app.adapters.db.models_people import Friendship
from app.adapters.db.session import make_engine
from app.services.context import Context
from tests.factories import RecordingBus, add_category, add_product, add_user, make_context


@dataclass
class SocialWorld:
    engine: Engine
    ctx: Context
    bus: RecordingBus
    users: dict[str, int] = field(default_factory=dict)
    products: dict[str, int] = field(default_factory=dict)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def befriend(self, a: str, b: str) -> None:
        low, high = sorted((self.users[a], self.users[b]))
        with self.session() as s:
            s.add(Friendship(user_low=low, user_high=high))
            s.commit()

    def buy(self, who: str, product: str, *, via: str = "cart", at: datetime | None = None) -> None:
        """Record a paid cart order or a captured deal order of one unit."""
        user_id, product_id = self.users[who], self.products[product]
        at = at or datetime.now(UTC)
        with self.session() as s:
            if via == "cart":
                cart = Cart(name="Mine", owner_id=user_id, kind="shared")
                s.add(cart)
                s.flush()
                order = ShopOrder(
                    cart_id=cart.id or 0,
                    owner_id=user_id,
                    cart_name="Mine",
                    mode="owner_pays",
                    status="complete",
                    currency="USD",
                    total=1800,
                    expires_at=at + timedelta(minutes=15),
                    closed_at=at,
                )
                s.add(order)
                s.flush()
                s.add(
                    OrderLine(
                        order_id=order.id or 0,
                        cart_line_id=0,
                        product_id=product_id,
                        title=product,
                        unit_price=1800,
                        quantity=1,
                        added_by=user_id,
                        payer_id=user_id,
                    )
                )
            else:
                deal = Deal(
                    product_id=product_id,
                    tiers_json="[[1, 1500]]",
                    currency="USD",
                    min_to_unlock=1,
                    starts_at=at - timedelta(days=2),
                    deadline=at,
                    status="succeeded",
                    created_by=user_id,
                )
                s.add(deal)
                s.flush()
                part = Participation(deal_id=deal.id or 0, user_id=user_id, status="captured")
                s.add(part)
                s.flush()
                s.add(
                    DealOrder(
                        deal_id=deal.id or 0,
                        participation_id=part.id or 0,
                        user_id=user_id,
                        product_id=product_id,
                        quantity=1,
                        unit_price=1500,
                        amount=1500,
                        currency="USD",
                        created_at=at,
                    )
                )
            s.commit()

    def join(self, who: str, product: str, status: str = "held") -> None:
        """A deal on the product that `who` joined (their card hold in place)."""
        user_id, product_id = self.users[who], self.products[product]
        now = datetime.now(UTC)
        with self.session() as s:
            deal = Deal(
                product_id=product_id,
                tiers_json="[[1, 1500]]",
                currency="USD",
                min_to_unlock=1,
                starts_at=now - timedelta(hours=1),
                deadline=now + timedelta(days=1),
                created_by=user_id,
            )
            s.add(deal)
            s.flush()
            s.add(Participation(deal_id=deal.id or 0, user_id=user_id, status=status))
            s.commit()

    def unfriend(self, a: str, b: str) -> None:
        low, high = sorted((self.users[a], self.users[b]))
        with self.session() as s:
            row = s.get(Friendship, (low, high))
            assert row is not None
            s.delete(row)
            s.commit()


def social_world(database_url: str, data_dir: Path, names: list[str]) -> Iterator[SocialWorld]:
    engine = make_engine(database_url)
    bus = RecordingBus()
    ctx = dataclasses.replace(make_context(engine, bus=bus), data_dir=lambda: data_dir)
    world = SocialWorld(engine, ctx, bus)
    with world.session() as s:
        category = add_category(s)
        for slug in ("mug", "lamp", "tent"):
            world.products[slug] = add_product(s, category, slug).id or 0
        for name in names:
            world.users[name] = add_user(s, name).id or 0
        s.commit()
    yield world
    engine.dispose()


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(out, fmt)
    return out.getvalue()

"""Shared carts of signed-in shoppers on a running cluster, driven over Reflex's protocol (the
cross-process test and bench-carts)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from app.adapters.db.models import Category, Product
from app.adapters.db.models_people import User
from app.domain.clock import utcnow
from app.domain.group_buy import DealTerms, PriceTier
from app.services import carts, deals
from app.services.unit_of_work import unit_of_work
from app.states.carts import CartState
from tests.factories import SilentBus, make_context
from tests.support.cluster import Cluster, Shopper
from tests.support.reflex_client import ReflexClient

CART_STATE = CartState.get_full_name()


@dataclass
class Member:
    shopper: Shopper
    cart_id: int
    line_id: int = 0
    client: ReflexClient | None = None


def build_carts(cluster: Cluster, count: int, size: int) -> list[list[Member]]:
    """carts × members shoppers; every member already has one line in their cart."""
    shoppers = cluster.add_shoppers(count * size)
    with cluster.session() as session:
        suffix = uuid.uuid4().hex[:8]  # callers may build several sets of carts in one database
        category = Category(slug=f"bench-{suffix}", name="Bench")
        session.add(category)
        session.flush()
        product = Product(
            slug=f"bench-mug-{suffix}", title="Bench Mug", price_amount=1000, stock=1_000_000,
            category_id=category.id,
        )  # fmt: skip
        session.add(product)
        session.commit()
        product_id = product.id
    assert product_id is not None
    groups: list[list[Member]] = []
    for index in range(count):
        people = shoppers[index * size : (index + 1) * size]
        with unit_of_work(cluster.session, SilentBus()) as uow:
            cart_id = carts.create_shared_cart(uow, people[0].user_id, f"Cart {index + 1}")
        with cluster.session() as session:
            code = carts.load_cart(session, cart_id, people[0].user_id).invite_code
        members = [Member(person, cart_id) for person in people]
        for member in members:
            with unit_of_work(cluster.session, SilentBus()) as uow:
                if member is not members[0]:
                    carts.join_by_code(uow, member.shopper.user_id, code)
                carts.add_item(uow, cart_id, member.shopper.user_id, product_id, 1)
        with cluster.session() as session:
            view = carts.load_cart(session, cart_id, people[0].user_id)
        by_adder = {line.added_by_id: line.id for line in view.lines}
        for member in members:
            member.line_id = by_adder[member.shopper.user_id]
        groups.append(members)
    return groups


def line_quantity(view: Any, line_id: int) -> int | None:
    if not isinstance(view, dict):
        return None
    for line in view.get("lines", ()):
        if line.get("id") == line_id:
            return int(line.get("quantity", 0))
    return None


def open_deal(cluster: Cluster, host: Shopper, product_id: int) -> int:
    """An open group-buy deal on the product, by `host` (made a host for it): $10, $9 from 10."""
    with cluster.session() as session:
        user = session.get(User, host.user_id)
        assert user is not None
        user.role = "host"
        session.add(user)
        session.commit()
    now = utcnow()
    terms = DealTerms(
        tiers=(PriceTier(1, 1000), PriceTier(10, 900)), currency="USD", min_to_unlock=2,
        max_participants=100_000, starts_at=now - timedelta(minutes=1),
        deadline=now + timedelta(hours=2),
    )  # fmt: skip
    return deals.create_deal(make_context(cluster.engine), host.user_id, product_id, terms)

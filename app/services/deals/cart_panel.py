"""A shared cart's deals panel, as a read model that follows its sources without re-reading them.

The panel shows, for each product of the cart with an open group-buy deal (and each deal the
cart's lines already moved to), the deal's numbers and where each member stands. It is made of
three parts that change at different times, so each is refreshed only when it changes:
- the deal's numbers (joined, price now, next tier): the same for every cart, carried by each
  of the deal's events (`records.deal_payload`);
- the cart's lines and members: carried by each cart event's snapshot;
- the deals on the cart's products and the cart's seats in them: read from the database when
  a cart gains a product with a deal, or when news concerns one of its members or carries no
  numbers (a closed deal).
`CartPanel.entries()` puts them together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.adapters.db.models import Product
from app.adapters.db.models_carts import CartLine, CartMember
from app.adapters.db.models_deals import Deal, Participation
from app.adapters.db.models_people import User
from app.domain.carts import MemberStatus
from app.domain.clock import as_utc
from app.domain.group_buy import (
    ACTIVE_PARTICIPATION,
    DealKind,
    DealStatus,
    ParticipationStatus,
    next_tier,
    price_for,
)
from app.domain.money import format_minor
from app.services.context import Context
from app.services.deals.records import deal_counts, terms_of

Status = ParticipationStatus
# A seat the cart's lines moved to keeps its deal on the panel while it stands.
_STANDING = (*ACTIVE_PARTICIPATION, Status.CAPTURED)


@dataclass(frozen=True)
class CartDealMember:
    user_id: int
    name: str
    quantity: int
    held: bool  # their hold is confirmed: they count toward the tier
    label: str


@dataclass(frozen=True)
class CartDeal:
    """One product of the cart with an open deal, and where the cart's members stand in it."""

    deal_id: int
    product_id: int
    title: str
    price_now: str
    joined: int  # the deal's honest count (every shopper, this cart's and others)
    min_to_unlock: int
    next_tier_text: str
    from_this_cart: int  # this cart's members with a confirmed hold
    version: int = 0  # the deal's version these numbers are of
    members: list[CartDealMember] = field(default_factory=list)


@dataclass(frozen=True)
class DealNumbers:
    """The deal-wide part of a panel entry, the same for every cart."""

    version: int
    joined: int
    price_now: str
    next_tier_text: str

    def shown_as(self, other: DealNumbers) -> bool:
        """Whether a shopper would see the same numbers (whatever the versions)."""
        return (self.joined, self.price_now, self.next_tier_text) == (
            other.joined,
            other.price_now,
            other.next_tier_text,
        )


@dataclass(frozen=True)
class DealHead:
    """A deal the panel shows, without the cart's part."""

    deal_id: int
    product_id: int
    title: str
    min_to_unlock: int
    numbers: DealNumbers


@dataclass(frozen=True)
class CartPanel:
    """Everything a cart's deals panel is made of (see the module's docstring)."""

    heads: tuple[DealHead, ...] = ()
    seats: tuple[tuple[int, int, str, int], ...] = ()  # (deal, member, status, quantity)
    members: tuple[tuple[int, str], ...] = ()  # active members: (user id, name)
    lines: tuple[tuple[int, int, int], ...] = ()  # (product, added by, quantity)

    def entries(self) -> list[CartDeal]:
        names = dict(self.members)
        quantities: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for product_id, user_id, quantity in self.lines:
            quantities[product_id][user_id] += quantity
        seats = {(d, u): (s, q) for d, u, s, q in self.seats}
        out = []
        for head in self.heads:
            did = head.deal_id
            moved = any(d == did and s in _STANDING for d, _, s, _ in self.seats)
            if head.product_id not in quantities and not moved:
                continue  # its lines left the cart and none of them moved to the deal
            people = dict(quantities.get(head.product_id, {}))
            for (seat_deal, uid), (status, qty) in seats.items():
                if seat_deal == did and (status in ACTIVE_PARTICIPATION or _held(status)):
                    people[uid] = people.get(uid, 0) + qty
            rows = [
                _member(uid, names[uid], qty, seats.get((did, uid), ("", 0))[0])
                for uid, qty in people.items()
                if uid in names
            ]
            numbers = head.numbers
            out.append(
                CartDeal(
                    deal_id=did,
                    product_id=head.product_id,
                    title=head.title,
                    price_now=numbers.price_now,
                    joined=numbers.joined,
                    min_to_unlock=head.min_to_unlock,
                    next_tier_text=numbers.next_tier_text,
                    from_this_cart=sum(1 for row in rows if row.held),
                    version=numbers.version,
                    members=rows,
                )
            )
        return out

    def deal_products(self) -> frozenset[int]:
        return frozenset(head.product_id for head in self.heads)

    def numbers_of(self, deal_id: int) -> DealNumbers | None:
        return next((h.numbers for h in self.heads if h.deal_id == deal_id), None)

    def has_member(self, user_id: int) -> bool:
        return any(uid == user_id for uid, _ in self.members)

    def with_numbers(self, deal_id: int, numbers: DealNumbers) -> CartPanel:
        """The panel with the deal's numbers brought up to `numbers` when they are newer than
        the ones it has (news can arrive after a read that already saw it)."""
        heads = tuple(
            replace(head, numbers=numbers)
            if head.deal_id == deal_id and numbers.version > head.numbers.version
            else head
            for head in self.heads
        )
        return self if heads == self.heads else replace(self, heads=heads)

    def with_cart(self, snapshot: Mapping[str, Any]) -> CartPanel:
        """The panel with the cart's lines and members of a cart event's snapshot (its room
        view, app/services/carts/views.py)."""
        return replace(
            self,
            members=tuple((int(m["user_id"]), str(m["name"])) for m in snapshot["members"]),
            lines=tuple(
                (int(line["product_id"]), int(line["added_by_id"]), int(line["quantity"]))
                for line in snapshot["lines"]
            ),
        )


def numbers_of_event(version: int, payload: Mapping[str, Any]) -> DealNumbers | None:
    """The numbers a deal event carries, or None for an event that carries none."""
    if "participants" not in payload or "current_price" not in payload:
        return None
    currency = str(payload.get("currency", ""))
    upcoming = payload.get("next_tier")
    return DealNumbers(
        version=version,
        joined=int(payload["participants"]),
        price_now=format_minor(int(payload["current_price"]), currency),
        next_tier_text=""
        if not upcoming
        else _next_tier_text(int(upcoming["needed"]), int(upcoming["unit_price"]), currency),
    )


def cart_panel(ctx: Context, viewer_id: int, cart_id: int) -> CartPanel:
    """The cart's deals panel (for its members only; an empty one otherwise)."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        session = uow.session
        if not is_active_member(session, cart_id, viewer_id):
            return CartPanel()
        return _read(session, cart_id, now)


def room_cart_panel(ctx: Context, cart_id: int) -> CartPanel:
    """The same panel for the cart's room, whose members are re-checked on every push
    (app/states/cart_room.py)."""
    with ctx.uow() as uow:
        return _read(uow.session, cart_id, as_utc(ctx.now()))


def open_deal_products(ctx: Context) -> frozenset[int]:
    """The products that have an open group-buy deal now (the cart renderer's first look)."""
    now = as_utc(ctx.now())
    with ctx.session() as session:
        rows = session.exec(_open_deals(now, select(Deal.product_id))).all()
    return frozenset(int(p) for p in rows)


def is_active_member(session: Session, cart_id: int, user_id: int) -> bool:
    return (
        session.exec(
            select(CartMember.id).where(
                CartMember.cart_id == cart_id,
                CartMember.user_id == user_id,
                CartMember.status == MemberStatus.ACTIVE.value,
            )
        ).first()
        is not None
    )


def _open_deals(now: datetime, query: Any) -> Any:
    return query.where(
        col(Deal.kind) == DealKind.GROUP_BUY,
        col(Deal.status) == DealStatus.OPEN,
        col(Deal.starts_at) <= now,
        col(Deal.deadline) > now,
    )


def _read(session: Session, cart_id: int, now: datetime) -> CartPanel:
    # Deals on the cart's products, and deals its lines already moved to; the common case (none)
    # costs this one query.
    products = select(CartLine.product_id).where(CartLine.cart_id == cart_id)
    moved = select(Participation.deal_id).where(
        col(Participation.cart_id) == cart_id, col(Participation.status).in_(_STANDING)
    )
    deals = session.exec(
        _open_deals(now, select(Deal, Product.title))
        .join(Product, col(Product.id) == col(Deal.product_id))
        .where(or_(col(Deal.product_id).in_(products), col(Deal.id).in_(moved)))
        .order_by(col(Deal.deadline))
    ).all()
    if not deals:
        return CartPanel()
    ids = [d.id or 0 for d, _ in deals]
    counts = deal_counts(session, ids)
    heads = tuple(
        DealHead(
            deal_id=deal.id or 0,
            product_id=deal.product_id,
            title=title,
            min_to_unlock=terms_of(deal).min_to_unlock,
            numbers=_numbers(deal, counts[deal.id or 0].joined),
        )
        for deal, title in deals
    )
    members = session.exec(
        select(User.id, User.display_name)
        .join(CartMember, col(CartMember.user_id) == col(User.id))
        .where(CartMember.cart_id == cart_id, CartMember.status == MemberStatus.ACTIVE.value)
    ).all()
    lines = session.exec(
        select(CartLine.product_id, CartLine.added_by, CartLine.quantity).where(
            CartLine.cart_id == cart_id
        )
    ).all()
    seats = session.exec(
        select(
            Participation.deal_id,
            Participation.user_id,
            Participation.status,
            Participation.quantity,
        ).where(col(Participation.deal_id).in_(ids), col(Participation.cart_id) == cart_id)
    ).all()
    return CartPanel(
        heads=heads,
        seats=tuple((int(d), int(u), str(s), int(q)) for d, u, s, q in seats),
        members=tuple((int(u or 0), str(n)) for u, n in members),
        lines=tuple((int(p), int(u), int(q)) for p, u, q in lines),
    )


def _numbers(deal: Deal, joined: int) -> DealNumbers:
    terms = terms_of(deal)
    upcoming = next_tier(terms, joined)
    return DealNumbers(
        version=deal.version,
        joined=joined,
        price_now=format_minor(price_for(terms, joined), deal.currency),
        next_tier_text=""
        if upcoming is None
        else _next_tier_text(upcoming[0], upcoming[1], deal.currency),
    )


def _next_tier_text(needed: int, unit_price: int, currency: str) -> str:
    return f"{needed} more: {format_minor(unit_price, currency)} each"


def _held(status: str) -> bool:
    return status in (Status.HELD, Status.CAPTURED)


def _member(user_id: int, name: str, quantity: int, status: str) -> CartDealMember:
    held = _held(status)
    waiting = status in ACTIVE_PARTICIPATION and not held
    label = (
        "Hold placed: counts toward the price"
        if held
        else "Confirming with the bank"
        if waiting
        else "Not in the deal yet"
    )
    return CartDealMember(user_id, name, quantity, held, label)

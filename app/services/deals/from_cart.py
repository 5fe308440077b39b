"""Friends' carts toward a deal: a shared cart's lines for a product with an open group-buy deal
count toward that deal's tier once the members who added them have placed their holds, so
friends unlock a price together from one cart.

The deal machinery does all of it: a member's lines for the product become their seat in the
deal (`joining.join`, quantity = their lines, within the deal's per-shopper limit), counted by
the deal's one rule (a confirmed hold counts; a seat still waiting for the bank is shown apart).
Once the hold is placed the member's lines leave the cart, so the cart's own checkout never
charges them a second time; if the cart was locked for checkout in the meantime, the seat is
left again (hold released) and nothing changed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from app.adapters.db.models import Product
from app.adapters.db.models_carts import Cart, CartLine, CartMember
from app.adapters.db.models_deals import Deal, Participation
from app.adapters.db.models_people import User
from app.domain.carts import CartError, MemberStatus
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
from app.domain.payments import SandboxCard
from app.services.carts.lines import remove_line
from app.services.context import Context
from app.services.deals.errors import JoinError
from app.services.deals.holding import JoinResult
from app.services.deals.joining import join
from app.services.deals.leaving import undo_join
from app.services.deals.records import NO_SYNC, deal_counts, terms_of

Status = ParticipationStatus


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
    """The deal-wide part of a panel entry, the same for every cart: what each of the deal's
    events carries (`records.deal_payload`), so a panel follows a deal without a read."""

    version: int
    joined: int
    price_now: str
    next_tier_text: str


def numbers_of_event(version: int, payload: dict[str, Any]) -> DealNumbers | None:
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


def with_numbers(panel: list[CartDeal], deal_id: int, numbers: DealNumbers) -> list[CartDeal]:
    """The panel with deal `deal_id`'s entry brought up to `numbers`, when they are newer than
    the ones it shows (news can arrive after a read that already saw it)."""
    return [
        replace(
            entry,
            joined=numbers.joined,
            price_now=numbers.price_now,
            next_tier_text=numbers.next_tier_text,
            version=numbers.version,
        )
        if entry.deal_id == deal_id and numbers.version > entry.version
        else entry
        for entry in panel
    ]


def cart_deals(ctx: Context, viewer_id: int, cart_id: int) -> list[CartDeal]:
    """The cart's products that have an open deal (for its members only; [] otherwise)."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        session = uow.session
        if not _is_member(session, cart_id, viewer_id):
            return []
        return _cart_deals(session, cart_id, now)


def room_cart_deals(ctx: Context, cart_id: int) -> list[CartDeal]:
    """The same panel for the cart's room: read once per cart event per process and pushed only
    to the room, whose members are re-checked on every push (app/states/cart_room.py)."""
    with ctx.uow() as uow:
        return _cart_deals(uow.session, cart_id, as_utc(ctx.now()))


def open_deal_products(ctx: Context) -> frozenset[int]:
    """The products that have an open group-buy deal now (the cart renderer's first look)."""
    now = as_utc(ctx.now())
    with ctx.session() as session:
        rows = session.exec(
            select(Deal.product_id).where(
                col(Deal.kind) == DealKind.GROUP_BUY,
                col(Deal.status) == DealStatus.OPEN,
                col(Deal.starts_at) <= now,
                col(Deal.deadline) > now,
            )
        ).all()
    return frozenset(int(p) for p in rows)


def hold_cart_lines_for_deal(
    ctx: Context,
    actor_id: int,
    cart_id: int,
    deal_id: int,
    payment_method: str | None = None,
    *,
    sandbox_card: SandboxCard | None = None,
    address: str | None = None,
) -> JoinResult:
    """Put the shopper's lines of the deal's product in the deal with a card hold: they count
    toward the tier once the hold is confirmed, and leave the cart. JoinError with a message
    (nothing changed) when they have no such line, the cart is locked, or the deal refuses
    (the allowances are `join_deal`'s)."""
    with ctx.uow() as uow:
        session = uow.session
        cart = session.get(Cart, cart_id)
        deal = session.get(Deal, deal_id)
        if cart is None or cart.deleted or not _is_member(session, cart_id, actor_id):
            raise JoinError("You're not in this cart.", "not_a_member")
        if deal is None or deal.kind != DealKind.GROUP_BUY:
            raise JoinError("We couldn't find that deal.", "not_found")
        if cart.locked:
            raise JoinError("This cart is locked, so its lines can't move to a deal.", "locked")
        lines = _my_lines(session, cart_id, actor_id, deal.product_id)
        if not lines:
            raise JoinError("You have nothing of this product in the cart.", "no_line")
        quantity = min(sum(q for _, q in lines), deal.max_quantity_per_shopper)
    result = join(
        ctx, actor_id, deal_id, quantity, payment_method, sandbox_card, team=None, address=address
    )
    try:
        with ctx.uow() as uow:
            for line_id, _ in lines:
                remove_line(uow, cart_id, actor_id, line_id)
            uow.session.exec(
                update(Participation)
                .where(col(Participation.id) == result.participation_id)
                .values(cart_id=cart_id),
                execution_options=NO_SYNC,
            )
    except CartError as error:
        # The cart was locked (or the line changed) meanwhile: undo the seat, keep the cart.
        undo_join(ctx, actor_id, deal_id)
        raise JoinError(error.message, "cart_changed") from error
    return result


def _is_member(session: Session, cart_id: int, user_id: int) -> bool:
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


def _my_lines(
    session: Session, cart_id: int, user_id: int, product_id: int
) -> list[tuple[int, int]]:
    rows = session.exec(
        select(CartLine.id, CartLine.quantity).where(
            CartLine.cart_id == cart_id,
            CartLine.added_by == user_id,
            CartLine.product_id == product_id,
        )
    ).all()
    return [(int(line_id or 0), int(qty)) for line_id, qty in rows]


def _cart_deals(session: Session, cart_id: int, now: datetime) -> list[CartDeal]:
    # Deals on the cart's products, and deals its lines already moved to; the common case (none)
    # costs this one query, as it runs on every change of every cart.
    products = select(CartLine.product_id).where(CartLine.cart_id == cart_id)
    moved = select(Participation.deal_id).where(
        col(Participation.cart_id) == cart_id,
        col(Participation.status).in_((*ACTIVE_PARTICIPATION, Status.CAPTURED)),
    )
    deals = session.exec(
        select(Deal, Product.title)
        .join(Product, col(Product.id) == col(Deal.product_id))
        .where(
            col(Deal.kind) == DealKind.GROUP_BUY,
            col(Deal.status) == DealStatus.OPEN,
            col(Deal.starts_at) <= now,
            col(Deal.deadline) > now,
            or_(col(Deal.product_id).in_(products), col(Deal.id).in_(moved)),
        )
        .order_by(col(Deal.deadline))
    ).all()
    if not deals:
        return []
    members = dict(
        session.exec(
            select(User.id, User.display_name)
            .join(CartMember, col(CartMember.user_id) == col(User.id))
            .where(CartMember.cart_id == cart_id, CartMember.status == MemberStatus.ACTIVE.value)
        ).all()
    )
    quantities: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for product_id, user_id, qty in session.exec(
        select(CartLine.product_id, CartLine.added_by, CartLine.quantity).where(
            CartLine.cart_id == cart_id
        )
    ).all():
        quantities[int(product_id)][int(user_id)] += int(qty)
    ids = [d.id or 0 for d, _ in deals]
    counts = deal_counts(session, ids)
    # This cart's seats in those deals: (deal, member) -> (status, quantity).
    seats: dict[tuple[int, int], tuple[str, int]] = {
        (int(d), int(u)): (str(s), int(q))
        for d, u, s, q in session.exec(
            select(
                Participation.deal_id,
                Participation.user_id,
                Participation.status,
                Participation.quantity,
            ).where(
                col(Participation.deal_id).in_(ids or [0]),
                col(Participation.cart_id) == cart_id,
            )
        ).all()
    }
    out = []
    for deal, title in deals:
        did = deal.id or 0
        terms, joined = terms_of(deal), counts[did].joined
        people = dict(quantities.get(deal.product_id, {}))
        for (seat_deal, uid), (status, qty) in seats.items():
            if seat_deal == did and (status in ACTIVE_PARTICIPATION or _held(status)):
                people[uid] = people.get(uid, 0) + qty
        rows = [
            _member(uid, members.get(uid, ""), qty, seats.get((did, uid), ("", 0))[0])
            for uid, qty in people.items()
            if uid in members
        ]
        upcoming = next_tier(terms, joined)
        out.append(
            CartDeal(
                deal_id=did,
                product_id=deal.product_id,
                title=title,
                price_now=format_minor(price_for(terms, joined), deal.currency),
                joined=joined,
                min_to_unlock=terms.min_to_unlock,
                next_tier_text=""
                if upcoming is None
                else _next_tier_text(upcoming[0], upcoming[1], deal.currency),
                from_this_cart=sum(1 for row in rows if row.held),
                version=deal.version,
                members=rows,
            )
        )
    return out


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

"""What a cart's members see: the cart page's read model.

Every cart change is pushed to the cart's room as this view, made by the writer inside its
transaction (see `unit_of_work.register_snapshot`), so reading it is on the path of every
change. It is therefore read with four prebuilt Core queries (`adapters/db/cart_statements.py`:
cart, members, lines with their product and first image, recent activity) rather than through
ORM objects, composed by `compose`, and turned into a dict by `plain` without
`dataclasses.asdict`'s deep copies. The "+" / "-" path reads the rows once for its checks and
composes the view from them after its write (`with_change`) instead of reading again.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Row
from sqlmodel import Session

from app.adapters.db.cart_statements import (
    ACTIVITY_TAIL,
    READ_ACTIVITY,
    READ_CART,
    READ_LINES,
    READ_MEMBERS,
)
from app.domain.carts import (
    MemberRole,
    PricedLine,
    SplitMode,
    budget_verdict,
    compute_totals,
    deadline_passed,
    split_payment,
)
from app.domain.clock import as_utc, utcnow
from app.domain.money import format_minor
from app.domain.people import avatar_colour, initials
from app.services.unit_of_work import register_snapshot

PLACEHOLDER_IMAGE = "/placeholder.svg"


@dataclass(frozen=True)
class CartLineView:
    id: int
    product_id: int
    product_slug: str
    title: str
    image: str
    unit_price: str
    quantity: int
    line_total: str
    line_total_minor: int
    stock: int
    added_by_id: int
    added_by: str
    note: str
    mine: bool


@dataclass(frozen=True)
class CartMemberView:
    user_id: int
    name: str
    initials: str
    avatar_url: str
    colour: str
    role: str
    subtotal: str
    subtotal_minor: int
    pays: str  # what they pay under the cart's split mode
    pays_minor: int
    budget_state: str  # "ok", "warn" or "over"


@dataclass(frozen=True)
class CartActivityView:
    version: int
    text: str
    at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class CartView:
    id: int
    name: str
    kind: str
    invite_code: str
    owner_id: int
    viewer_id: int
    viewer_role: str
    version: int
    locked: bool
    locked_reason: str  # "", "owner" or "deadline"
    deadline: str  # ISO 8601 UTC or ""
    budget: str  # formatted per-person budget or ""
    budget_minor: int | None
    currency: str
    split_mode: str
    lines: tuple[CartLineView, ...]
    members: tuple[CartMemberView, ...]
    total: str
    total_minor: int
    item_count: int
    activity: tuple[CartActivityView, ...]  # newest first
    deadline_label: str = ""  # e.g. "Tue 24 Nov, 18:00 UTC"
    member_ids: tuple[int, ...] = ()


def moment_label(moment: datetime | None) -> str:
    return f"{moment:%a %d %b %Y, %H:%M} UTC" if moment else ""


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class CartRows:
    """The rows one cart's page is made of (attribute access by column name)."""

    cart: Row[Any]
    members: list[Any]  # active members, in joining order
    lines: list[Any]  # with the product's slug, title, price, currency, stock and image
    activity: list[Any]  # newest first


def with_change(
    rows: CartRows, *, line_id: int, quantity: int, activity: tuple[int, str, datetime]
) -> CartRows:
    """The rows after a writer set one line's quantity and added one activity row, without
    reading them again (the writer holds the cart's version lock, so nothing else moved)."""
    version, text, at = activity
    lines = [
        SimpleNamespace(**{**line._mapping, "quantity": quantity}) if line.id == line_id else line
        for line in rows.lines
    ]
    newest = SimpleNamespace(version=version, text=text, created_at=at)
    return replace(rows, lines=lines, activity=[newest, *rows.activity][:ACTIVITY_TAIL])


def read_rows(session: Session, cart_id: int, cart: Row[Any] | None = None) -> CartRows | None:
    """The cart's rows as they are in this session's transaction; None if it is gone.

    `cart`: its row when the caller already has it (e.g. from an UPDATE ... RETURNING)."""
    connection = session.connection()
    params = {"cart_id": cart_id}
    if cart is None:
        cart = connection.execute(READ_CART, params).first()
    if cart is None or cart.deleted:
        return None
    return CartRows(
        cart=cart,
        members=list(connection.execute(READ_MEMBERS, params)),
        lines=list(connection.execute(READ_LINES, params)),
        activity=list(connection.execute(READ_ACTIVITY, params)),
    )


# --------------------------------------------------------------------------- composing


def compose(rows: CartRows, viewer_id: int, viewer_role: str, now: datetime) -> CartView:
    cart = rows.cart
    money = cart.currency
    names = {member.user_id: member.display_name for member in rows.members}
    totals = compute_totals(
        [PricedLine(ln.added_by, ln.quantity, ln.price_amount, ln.currency) for ln in rows.lines],
        money,
    )
    split = split_payment(
        SplitMode(cart.split_mode), totals, cart.owner_id, [m.user_id for m in rows.members]
    )
    lines = tuple(
        CartLineView(
            id=line.id,
            product_id=line.product_id,
            product_slug=line.slug,
            title=line.title,
            image=line.image or PLACEHOLDER_IMAGE,
            unit_price=format_minor(line.price_amount, line.currency),
            quantity=line.quantity,
            line_total=format_minor(line.quantity * line.price_amount, line.currency),
            line_total_minor=line.quantity * line.price_amount,
            stock=line.stock,
            added_by_id=line.added_by,
            added_by=names.get(line.added_by, "Someone"),
            note=line.note,
            mine=line.added_by == viewer_id,
        )
        for line in rows.lines
    )
    owners_first = sorted(rows.members, key=lambda m: m.role != MemberRole.OWNER.value)
    members = tuple(
        CartMemberView(
            user_id=member.user_id,
            name=member.display_name,
            initials=initials(member.display_name),
            avatar_url=member.avatar_url or "",
            colour=avatar_colour(member.user_id),
            role=member.role,
            subtotal=format_minor(totals.subtotal(member.user_id), money),
            subtotal_minor=totals.subtotal(member.user_id),
            pays=format_minor(split.get(member.user_id, 0), money),
            pays_minor=split.get(member.user_id, 0),
            budget_state=budget_verdict(totals.subtotal(member.user_id), cart.budget_minor).value,
        )
        for member in owners_first
    )
    activity = tuple(
        CartActivityView(
            a.version, a.text, (as_utc(a.created_at) if a.created_at else now).isoformat()
        )
        for a in rows.activity
    )
    deadline = as_utc(cart.deadline) if cart.deadline else None
    # A passed deadline wins: the deadline job also sets `locked`, and only moving the deadline
    # (not unlocking) reopens such a cart.
    locked_reason = (
        "deadline" if deadline_passed(deadline, now) else ("owner" if cart.locked else "")
    )
    return CartView(
        id=cart.id,
        name=cart.name,
        kind=cart.kind,
        invite_code=cart.invite_code or "",
        owner_id=cart.owner_id,
        viewer_id=viewer_id,
        viewer_role=viewer_role,
        version=cart.version,
        locked=bool(locked_reason),
        locked_reason=locked_reason,
        deadline=deadline.isoformat() if deadline else "",
        deadline_label=moment_label(deadline),
        budget=format_minor(cart.budget_minor, money) if cart.budget_minor else "",
        budget_minor=cart.budget_minor,
        currency=money,
        split_mode=cart.split_mode,
        lines=lines,
        members=members,
        total=format_minor(totals.total, money),
        total_minor=totals.total,
        item_count=sum(line.quantity for line in lines),
        activity=activity,
        member_ids=tuple(m.user_id for m in members),
    )


def load_room_view(session: Session, cart_id: int, now: datetime | None = None) -> CartView | None:
    """The cart as every member sees it, for one broadcast to the cart's room (None if gone).

    Nothing in it depends on who looks: `viewer_id` is 0, `viewer_role` empty and no line is
    `mine`; pages compare `added_by_id` / `owner_id` with their own user id instead. Only send
    it to sockets that entered the room after `load_cart` checked their membership.
    """
    rows = read_rows(session, cart_id)
    return None if rows is None else compose(rows, 0, "", now or utcnow())


_field_names: dict[type, tuple[str, ...]] = {}


def plain(value: Any) -> Any:
    """A view as plain dicts (what `asdict` gives, without its deep copies)."""
    kind = type(value)
    if kind is tuple or kind is list:
        return kind(plain(item) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        names = _field_names.get(kind)
        if names is None:
            names = _field_names[kind] = tuple(f.name for f in fields(value))
        return {name: plain(getattr(value, name)) for name in names}
    return value


def _snapshot(session: Session, aggregate_id: str) -> dict[str, Any] | None:
    view = load_room_view(session, int(aggregate_id))
    return plain(view) if view is not None else None


# Every cart event carries the room view it leads to: read once by the writer, pushed as-is by
# every process (see unit_of_work.register_snapshot).
register_snapshot("cart", _snapshot)

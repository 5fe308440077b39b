"""Carts: a personal cart per shopper and shared carts that friends fill together.

Every change runs inside a unit of work and starts with one conditional UPDATE that bumps
`cart.version` only if the actor may change the cart right now (an active member, the owner for
owner-only actions, the cart neither locked, past its deadline nor deleted). That statement:

- authorises and refuses atomically: 0 rows means "refused", and only then do we read why;
- serialises writers of one cart (a row lock on PostgreSQL, the writer lock on SQLite), so the
  stock and budget checks that follow see every committed change;
- gives the new version, which the activity row and the `cart.changed` event carry, so watchers
  notice a missed event and reload with `load_cart`.

Line quantities still change with `quantity = quantity + n` and an insert that ignores conflicts,
so concurrent adds add up even without that lock. An exception raised by these functions must
leave the `with unit_of_work()` block: the transaction is rolled back and nothing is announced.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, exists, false, func, or_, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, delete, select, update

from app.adapters.db.models import Product, ProductImage
from app.adapters.db.models_carts import Cart, CartActivity, CartLine, CartMember
from app.adapters.db.models_orders import ShopOrder
from app.adapters.db.models_people import User
from app.domain.carts import (
    CartAccessDenied,
    CartError,
    CartErrorCode,
    CartKind,
    CartNotFound,
    MemberRole,
    MemberStatus,
    PricedLine,
    SplitMode,
    added_text,
    budget_verdict,
    can_change_line,
    check_budget,
    check_budget_value,
    check_cart_quantity,
    check_new_deadline,
    clean_cart_name,
    clean_note,
    compute_totals,
    created_text,
    deadline_locked_text,
    deadline_passed,
    deadline_text,
    deleted_text,
    edit_refusal,
    invited_text,
    joined_text,
    left_text,
    locked_text,
    member_removed_text,
    note_text,
    quantity_changed_text,
    removed_line_text,
    split_payment,
    unlocked_text,
)
from app.domain.checkout import OrderStatus
from app.domain.events import DomainEvent
from app.domain.money import format_minor
from app.domain.people import avatar_colour, initials, new_invite_code, normalise_invite_code
from app.services.friends import are_friends
from app.services.unit_of_work import UnitOfWork, register_snapshot

__all__ = [
    "ACTIVITY_TAIL",
    "CartAccessDenied",
    "CartActivityView",
    "CartChange",
    "CartError",
    "CartErrorCode",
    "CartLineView",
    "CartMemberView",
    "CartNotFound",
    "CartView",
    "CartInvitePreview",
    "CartSummary",
    "add_item",
    "adjust_quantity",
    "announce",
    "claim_for_checkout",
    "clear_lines",
    "create_shared_cart",
    "delete_cart",
    "invite_friend",
    "find_by_code",
    "join_by_code",
    "leave",
    "list_carts",
    "load_cart",
    "load_room_view",
    "lock",
    "lock_overdue_carts",
    "personal_cart",
    "record_activity",
    "remove_line",
    "remove_member",
    "set_deadline",
    "set_note",
    "set_quantity",
    "set_split_mode",
    "unlock",
]

ACTIVITY_TAIL = 20
PLACEHOLDER_IMAGE = "/placeholder.svg"
PERSONAL_CART_NAME = "My cart"
CHECKOUT_IN_PROGRESS = "Checkout is in progress, so the cart can't be changed right now."


@dataclass(frozen=True)
class CartChange:
    """The outcome of a change: the cart's version after it, and a warning worth showing."""

    cart_id: int
    version: int
    warning: str | None = None


# --------------------------------------------------------------------------- read model


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


# --------------------------------------------------------------------------- helpers


def _now() -> datetime:
    return datetime.now(UTC)


def _as_utc(moment: datetime | None) -> datetime | None:
    # SQLite hands datetimes back without a zone; we only ever store UTC.
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _positive(quantity: object) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise CartError(CartErrorCode.INVALID_QUANTITY)
    return quantity


def _insert_ignoring_conflicts(session: Session, model: Any, values: Mapping[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL; True if a row went in.

    No savepoint needed, so it is safe with pysqlite's transaction handling too.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    result = session.exec(insert(model).values(**values).on_conflict_do_nothing())
    return bool(result.rowcount)


def _member_condition(cart_id: int, user_id: int, owner_only: bool) -> ColumnElement[bool]:
    conditions = [
        col(CartMember.cart_id) == cart_id,
        col(CartMember.user_id) == user_id,
        col(CartMember.status) == MemberStatus.ACTIVE.value,
    ]
    if owner_only:
        conditions.append(col(CartMember.role) == MemberRole.OWNER.value)
    return exists().where(*conditions)


def _editable_condition(now: datetime) -> ColumnElement[bool]:
    return and_(
        col(Cart.locked) == false(),
        or_(col(Cart.deadline).is_(None), col(Cart.deadline) > now),
    )


def _bump(
    session: Session,
    cart_id: int,
    actor_id: int | None,
    *,
    now: datetime,
    owner_only: bool = False,
    editable: bool = True,
    where: tuple[ColumnElement[bool], ...] = (),
    values: Mapping[str, Any] | None = None,
) -> int | None:
    """Bump the version if the actor may make this change now; the new version, or None."""
    conditions: list[ColumnElement[bool]] = [col(Cart.id) == cart_id, col(Cart.deleted) == false()]
    if actor_id is not None:
        conditions.append(_member_condition(cart_id, actor_id, owner_only))
    if editable:
        conditions.append(_editable_condition(now))
    conditions.extend(where)
    statement = (
        update(Cart)
        .where(*conditions)
        .values(version=col(Cart.version) + 1, **(values or {}))
        .returning(col(Cart.version))
        .execution_options(synchronize_session=False)
    )
    row = session.exec(statement).first()
    return None if row is None else int(row[0])


def _refusal(
    session: Session, cart_id: int, actor_id: int | None, *, now: datetime, owner_only: bool
) -> CartError:
    """Why `_bump` matched no row, read only after the atomic attempt failed."""
    cart = session.get(Cart, cart_id, populate_existing=True)
    if cart is None or cart.deleted:
        return CartNotFound()
    if actor_id is not None:
        member = _member(session, cart_id, actor_id)
        if member is None or member.status != MemberStatus.ACTIVE:
            return CartAccessDenied()
        if owner_only and member.role != MemberRole.OWNER:
            return CartAccessDenied(CartErrorCode.OWNER_ONLY)
    code = edit_refusal(
        locked=cart.locked, deleted=cart.deleted, deadline=_as_utc(cart.deadline), now=now
    )
    if code is CartErrorCode.LOCKED and _checking_out(session, cart_id):
        return CartError(CartErrorCode.LOCKED, CHECKOUT_IN_PROGRESS)
    return CartError(code or CartErrorCode.LOCKED)


def _checking_out(session: Session, cart_id: int) -> bool:
    """True while an order of this cart waits for its payments (the cart is locked for it)."""
    found = session.exec(
        select(ShopOrder.id).where(
            ShopOrder.cart_id == cart_id, ShopOrder.status == OrderStatus.PENDING.value
        )
    ).first()
    return found is not None


def _not_checking_out() -> ColumnElement[bool]:
    return ~exists().where(
        col(ShopOrder.cart_id) == col(Cart.id),
        col(ShopOrder.status) == OrderStatus.PENDING.value,
    )


def _begin_change(
    session: Session, cart_id: int, actor_id: int | None, *, now: datetime, owner_only: bool = False
) -> int:
    version = _bump(session, cart_id, actor_id, now=now, owner_only=owner_only)
    if version is None:
        raise _refusal(session, cart_id, actor_id, now=now, owner_only=owner_only)
    return version


def _record(uow: UnitOfWork, cart_id: int, version: int, text: str, **extra: Any) -> None:
    """Write the activity row of a version and announce it after commit.

    `extra` goes into the event payload for watchers that act on it (`removed_user` /
    `left_user`: take that person out of the cart's room; `deleted`: the cart is gone).
    """
    uow.session.add(CartActivity(cart_id=cart_id, version=version, text=text[:300]))
    uow.record(
        DomainEvent(
            aggregate="cart",
            aggregate_id=str(cart_id),
            version=version,
            kind="cart.changed",
            payload={"activity": text, **extra},
        )
    )


def _cart(session: Session, cart_id: int) -> Cart:
    cart = session.get(Cart, cart_id, populate_existing=True)
    if cart is None or cart.deleted:
        raise CartNotFound()
    return cart


def _member(session: Session, cart_id: int, user_id: int) -> CartMember | None:
    return session.exec(
        select(CartMember)
        .where(CartMember.cart_id == cart_id, CartMember.user_id == user_id)
        .execution_options(populate_existing=True)
    ).first()


def _name(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.display_name if user else "Someone"


def _product(session: Session, product_id: int) -> Product:
    product = session.get(Product, product_id, populate_existing=True)
    if product is None:
        raise CartError(CartErrorCode.PRODUCT_NOT_FOUND)
    return product


def _line(session: Session, cart_id: int, line_id: int) -> CartLine:
    line = session.get(CartLine, line_id, populate_existing=True)
    if line is None or line.cart_id != cart_id:
        raise CartError(CartErrorCode.LINE_NOT_FOUND)
    return line


def _product_quantity_in_cart(session: Session, cart_id: int, product_id: int) -> int:
    total = session.exec(
        select(func.coalesce(func.sum(CartLine.quantity), 0)).where(
            CartLine.cart_id == cart_id, CartLine.product_id == product_id
        )
    ).one()
    return int(total)


def _subtotal(session: Session, cart_id: int, user_id: int) -> int:
    total = session.exec(
        select(func.coalesce(func.sum(col(CartLine.quantity) * col(Product.price_amount)), 0))
        .join(Product, col(Product.id) == col(CartLine.product_id))
        .where(CartLine.cart_id == cart_id, CartLine.added_by == user_id)
    ).one()
    return int(total)


def _check_stock_and_budget(
    session: Session,
    cart: Cart,
    product: Product,
    user_id: int,
    *,
    line_before: int,
    line_after: int,
) -> str | None:
    if product.currency != cart.currency:
        raise CartError(CartErrorCode.CURRENCY_MISMATCH)
    in_cart = _product_quantity_in_cart(session, cart.id or 0, product.id or 0)
    check_cart_quantity(line_after, in_cart - line_before + line_after, product.stock)
    if line_after <= line_before:
        return None  # taking things out never breaks a budget
    subtotal = _subtotal(session, cart.id or 0, user_id)
    after = subtotal + (line_after - line_before) * product.price_amount
    return check_budget(after, cart.budget_minor, cart.currency)


def _new_code(session: Session) -> str:
    for _ in range(10):
        code = new_invite_code()
        if session.exec(select(Cart.id).where(Cart.invite_code == code)).first() is None:
            return code
    raise RuntimeError("could not draw a unique cart code")


# --------------------------------------------------------------------------- creating and joining


def personal_cart(uow: UnitOfWork, user_id: int) -> int:
    """The id of the shopper's own cart, made on first use (two tabs at once still make one)."""
    session = uow.session
    query = select(Cart.id).where(Cart.owner_id == user_id, Cart.kind == CartKind.PERSONAL.value)
    existing = session.exec(query).first()
    if existing is not None:
        return existing
    inserted = _insert_ignoring_conflicts(
        session,
        Cart,
        {
            "name": PERSONAL_CART_NAME,
            "owner_id": user_id,
            "kind": CartKind.PERSONAL.value,
            "version": 1,
            "created_at": _now(),
        },
    )
    cart_id = session.exec(query).one()
    assert cart_id is not None
    if inserted:
        session.add(
            CartMember(
                cart_id=cart_id, user_id=user_id, role=MemberRole.OWNER.value, status="active"
            )
        )
        _record(uow, cart_id, 1, created_text(_name(session, user_id), PERSONAL_CART_NAME))
    return cart_id


def create_shared_cart(
    uow: UnitOfWork,
    owner_id: int,
    name: str,
    deadline: datetime | None = None,
    budget_minor: int | None = None,
    *,
    currency: str = "USD",
    split_mode: SplitMode = SplitMode.OWNER_PAYS,
    now: datetime | None = None,
) -> int:
    """Start a shared cart owned by `owner_id`; its invite code lets friends join."""
    now = now or _now()
    cart = Cart(
        name=clean_cart_name(name),
        owner_id=owner_id,
        kind=CartKind.SHARED.value,
        invite_code=_new_code(uow.session),
        deadline=check_new_deadline(_as_utc(deadline), now),
        budget_minor=check_budget_value(budget_minor),
        currency=currency,
        split_mode=SplitMode(split_mode).value,
        version=1,
    )
    uow.session.add(cart)
    uow.session.flush()
    assert cart.id is not None
    uow.session.add(
        CartMember(cart_id=cart.id, user_id=owner_id, role=MemberRole.OWNER.value, status="active")
    )
    _record(uow, cart.id, 1, created_text(_name(uow.session, owner_id), cart.name))
    return cart.id


def _add_member(session: Session, cart_id: int, user_id: int, existing: CartMember | None) -> None:
    if existing is not None:
        existing.status = MemberStatus.ACTIVE.value
        existing.joined_at = _now()
        session.add(existing)
        return
    _insert_ignoring_conflicts(
        session,
        CartMember,
        {
            "cart_id": cart_id,
            "user_id": user_id,
            "role": MemberRole.MEMBER.value,
            "status": MemberStatus.ACTIVE.value,
            "joined_at": _now(),
        },
    )


def join_by_code(uow: UnitOfWork, user_id: int, raw_code: str) -> CartChange:
    """Join the shared cart behind an invite code. Joining twice is harmless."""
    session = uow.session
    code = normalise_invite_code(raw_code)
    if code is None:
        raise CartError(CartErrorCode.INVALID_CODE)
    cart = session.exec(
        select(Cart).where(Cart.invite_code == code, col(Cart.deleted) == false())
    ).first()
    if cart is None or cart.id is None:
        raise CartError(CartErrorCode.UNKNOWN_CODE)
    member = _member(session, cart.id, user_id)
    if member is not None and member.status == MemberStatus.ACTIVE:
        return CartChange(cart.id, cart.version)
    if member is not None and member.status == MemberStatus.REMOVED:
        raise CartError(CartErrorCode.REMOVED_BY_OWNER)
    now = _now()
    version = _begin_change(session, cart.id, None, now=now)
    _add_member(session, cart.id, user_id, member)
    _record(uow, cart.id, version, joined_text(_name(session, user_id)))
    return CartChange(cart.id, version)


def invite_friend(uow: UnitOfWork, cart_id: int, inviter_id: int, friend_id: int) -> CartChange:
    """A member adds one of their friends to a shared cart (also someone the owner removed)."""
    session = uow.session
    version = _begin_change(session, cart_id, inviter_id, now=_now())
    cart = _cart(session, cart_id)
    if cart.kind != CartKind.SHARED:
        raise CartError(CartErrorCode.PERSONAL_CART)
    if not are_friends(session, inviter_id, friend_id):
        raise CartError(CartErrorCode.NOT_FRIENDS)
    member = _member(session, cart_id, friend_id)
    if member is not None and member.status == MemberStatus.ACTIVE:
        raise CartError(CartErrorCode.ALREADY_MEMBER)
    _add_member(session, cart_id, friend_id, member)
    text = invited_text(_name(session, inviter_id), _name(session, friend_id))
    _record(uow, cart_id, version, text)
    return CartChange(cart_id, version)


# --------------------------------------------------------------------------- lines


def add_item(
    uow: UnitOfWork, cart_id: int, user_id: int, product_id: int, quantity: int = 1
) -> CartChange:
    """Add `quantity` of a product to the member's own line (made on first add)."""
    _positive(quantity)
    session = uow.session
    version = _begin_change(session, cart_id, user_id, now=_now())
    cart = _cart(session, cart_id)
    product = _product(session, product_id)
    mine = session.exec(
        select(CartLine.quantity).where(
            CartLine.cart_id == cart_id,
            CartLine.product_id == product_id,
            CartLine.added_by == user_id,
        )
    ).first()
    before = int(mine or 0)
    warning = _check_stock_and_budget(
        session, cart, product, user_id, line_before=before, line_after=before + quantity
    )
    _increment_line(session, cart_id, product_id, user_id, quantity)
    _record(uow, cart_id, version, added_text(_name(session, user_id), quantity, product.title))
    return CartChange(cart_id, version, warning)


def _increment_line(
    session: Session, cart_id: int, product_id: int, user_id: int, quantity: int
) -> None:
    """Atomic on every database: increment in place, else insert, else increment the winner's."""
    increment = (
        update(CartLine)
        .where(
            col(CartLine.cart_id) == cart_id,
            col(CartLine.product_id) == product_id,
            col(CartLine.added_by) == user_id,
        )
        .values(quantity=col(CartLine.quantity) + quantity)
        .execution_options(synchronize_session=False)
    )
    if session.exec(increment).rowcount:
        return
    values = {
        "cart_id": cart_id,
        "product_id": product_id,
        "added_by": user_id,
        "quantity": quantity,
        "note": "",
        "created_at": _now(),
    }
    if not _insert_ignoring_conflicts(session, CartLine, values):
        session.exec(increment)


def set_quantity(
    uow: UnitOfWork, cart_id: int, user_id: int, line_id: int, quantity: int
) -> CartChange:
    """Set the quantity of the member's own line. Use `remove_line` to take it out."""
    _positive(quantity)
    return _change_quantity(uow, cart_id, user_id, line_id, lambda _before: quantity)


def adjust_quantity(
    uow: UnitOfWork, cart_id: int, user_id: int, line_id: int, delta: int
) -> CartChange:
    """Add `delta` (negative to lower) to the member's own line; the result must stay >= 1.

    The new quantity is computed from the line as it is after the cart's version lock, so two
    quick "+" clicks (or two tabs) always add up.
    """
    if not isinstance(delta, int) or isinstance(delta, bool) or delta == 0:
        raise CartError(CartErrorCode.INVALID_QUANTITY)
    return _change_quantity(uow, cart_id, user_id, line_id, lambda before: before + delta)


def _change_quantity(
    uow: UnitOfWork,
    cart_id: int,
    user_id: int,
    line_id: int,
    new_quantity: Callable[[int], int],
) -> CartChange:
    session = uow.session
    version = _begin_change(session, cart_id, user_id, now=_now())
    cart = _cart(session, cart_id)
    line = _line(session, cart_id, line_id)
    if line.added_by != user_id:
        raise CartError(CartErrorCode.NOT_YOUR_LINE)
    product = _product(session, line.product_id)
    before = line.quantity
    quantity = _positive(new_quantity(before))
    warning = _check_stock_and_budget(
        session, cart, product, user_id, line_before=before, line_after=quantity
    )
    session.exec(
        update(CartLine)
        .where(col(CartLine.id) == line_id)
        .values(quantity=quantity)
        .execution_options(synchronize_session=False)
    )
    text = quantity_changed_text(_name(session, user_id), product.title, before, quantity)
    _record(uow, cart_id, version, text)
    return CartChange(cart_id, version, warning)


def remove_line(uow: UnitOfWork, cart_id: int, user_id: int, line_id: int) -> CartChange:
    """Take a line out: members their own lines, the owner any line."""
    session = uow.session
    version = _begin_change(session, cart_id, user_id, now=_now())
    line = _line(session, cart_id, line_id)
    member = _member(session, cart_id, user_id)
    role = member.role if member else MemberRole.MEMBER.value
    if not can_change_line(actor_id=user_id, added_by=line.added_by, actor_role=role):
        raise CartError(CartErrorCode.NOT_YOUR_LINE)
    product = _product(session, line.product_id)
    session.exec(delete(CartLine).where(col(CartLine.id) == line_id))
    actor = _name(session, user_id)
    text = removed_line_text(actor, product.title, _name(session, line.added_by))
    _record(uow, cart_id, version, text)
    return CartChange(cart_id, version)


def set_note(uow: UnitOfWork, cart_id: int, user_id: int, line_id: int, note: str) -> CartChange:
    """Set or clear the note on the member's own line ("the blue one, please")."""
    cleaned = clean_note(note)
    session = uow.session
    version = _begin_change(session, cart_id, user_id, now=_now())
    line = _line(session, cart_id, line_id)
    if line.added_by != user_id:
        raise CartError(CartErrorCode.NOT_YOUR_LINE)
    product = _product(session, line.product_id)
    session.exec(
        update(CartLine)
        .where(col(CartLine.id) == line_id)
        .values(note=cleaned)
        .execution_options(synchronize_session=False)
    )
    _record(uow, cart_id, version, note_text(_name(session, user_id), product.title, cleaned))
    return CartChange(cart_id, version)


# --------------------------------------------------------------------------- members


def _drop_member(session: Session, cart_id: int, member: CartMember, status: MemberStatus) -> None:
    member.status = status.value
    session.add(member)
    session.exec(
        delete(CartLine).where(
            col(CartLine.cart_id) == cart_id, col(CartLine.added_by) == member.user_id
        )
    )


def remove_member(uow: UnitOfWork, cart_id: int, owner_id: int, member_id: int) -> CartChange:
    """The owner removes a member; their lines go with them."""
    session = uow.session
    version = _begin_change(session, cart_id, owner_id, now=_now(), owner_only=True)
    if member_id == owner_id:
        raise CartError(CartErrorCode.CANNOT_REMOVE_OWNER)
    member = _member(session, cart_id, member_id)
    if member is None or member.status != MemberStatus.ACTIVE:
        raise CartError(CartErrorCode.NOT_A_MEMBER, "They're not in this cart.")
    _drop_member(session, cart_id, member, MemberStatus.REMOVED)
    text = member_removed_text(_name(session, owner_id), _name(session, member_id))
    _record(uow, cart_id, version, text, removed_user=member_id)
    return CartChange(cart_id, version)


def leave(uow: UnitOfWork, cart_id: int, user_id: int) -> CartChange:
    """A member leaves; their lines go with them. The invite code brings them back."""
    session = uow.session
    version = _begin_change(session, cart_id, user_id, now=_now())
    member = _member(session, cart_id, user_id)
    assert member is not None  # the version bump checked they are an active member
    if member.role == MemberRole.OWNER:
        raise CartError(CartErrorCode.OWNER_CANNOT_LEAVE)
    _drop_member(session, cart_id, member, MemberStatus.LEFT)
    _record(uow, cart_id, version, left_text(_name(session, user_id)), left_user=user_id)
    return CartChange(cart_id, version)


# --------------------------------------------------------------------------- owner controls


def _owner_change(
    uow: UnitOfWork,
    cart_id: int,
    owner_id: int,
    *,
    now: datetime,
    where: tuple[ColumnElement[bool], ...],
    values: Mapping[str, Any],
) -> int | None:
    """Bump for an owner action that may apply to a locked cart; None if it changed nothing."""
    version = _bump(
        uow.session,
        cart_id,
        owner_id,
        now=now,
        owner_only=True,
        editable=False,
        where=where,
        values=values,
    )
    if version is not None:
        return version
    # Either refused (not found / not the owner) or already in the wanted state.
    cart = uow.session.get(Cart, cart_id, populate_existing=True)
    member = _member(uow.session, cart_id, owner_id)
    if (
        cart is None
        or cart.deleted
        or member is None
        or member.status != MemberStatus.ACTIVE
        or member.role != MemberRole.OWNER
    ):
        raise _refusal(uow.session, cart_id, owner_id, now=now, owner_only=True)
    return None


def lock(uow: UnitOfWork, cart_id: int, owner_id: int) -> CartChange:
    """The owner freezes the cart, e.g. before checking out. Locking twice is harmless."""
    now = _now()
    version = _owner_change(
        uow,
        cart_id,
        owner_id,
        now=now,
        where=(col(Cart.locked) == false(),),
        values={"locked": True},
    )
    if version is None:
        return CartChange(cart_id, _cart(uow.session, cart_id).version)
    _record(uow, cart_id, version, locked_text(_name(uow.session, owner_id)))
    return CartChange(cart_id, version)


def unlock(uow: UnitOfWork, cart_id: int, owner_id: int) -> CartChange:
    """The owner reopens the cart; refused while its deadline is past (move it first)."""
    now = _now()
    version = _owner_change(
        uow,
        cart_id,
        owner_id,
        now=now,
        where=(
            col(Cart.locked) == true(),
            or_(col(Cart.deadline).is_(None), col(Cart.deadline) > now),
            _not_checking_out(),
        ),
        values={"locked": False},
    )
    if version is None:
        cart = _cart(uow.session, cart_id)
        if _checking_out(uow.session, cart_id):
            raise CartError(CartErrorCode.LOCKED, CHECKOUT_IN_PROGRESS)
        if deadline_passed(_as_utc(cart.deadline), now):
            raise CartError(
                CartErrorCode.DEADLINE_PASSED,
                "This cart's deadline has passed. Move the deadline before unlocking it.",
            )
        return CartChange(cart_id, cart.version)
    _record(uow, cart_id, version, unlocked_text(_name(uow.session, owner_id)))
    return CartChange(cart_id, version)


def set_deadline(
    uow: UnitOfWork, cart_id: int, owner_id: int, deadline: datetime | None
) -> CartChange:
    """The owner sets, moves or removes the deadline (allowed on a locked cart)."""
    now = _now()
    new_deadline = check_new_deadline(_as_utc(deadline), now)
    version = _owner_change(
        uow, cart_id, owner_id, now=now, where=(), values={"deadline": new_deadline}
    )
    assert version is not None  # no extra condition: only a refusal can match nothing
    _record(uow, cart_id, version, deadline_text(_name(uow.session, owner_id), new_deadline))
    return CartChange(cart_id, version)


def delete_cart(uow: UnitOfWork, cart_id: int, owner_id: int) -> CartChange:
    """The owner deletes a shared cart; members lose access at once."""
    now = _now()
    version = _owner_change(
        uow,
        cart_id,
        owner_id,
        now=now,
        where=(col(Cart.kind) == CartKind.SHARED.value, _not_checking_out()),
        values={"deleted": True},
    )
    if version is None:
        if _checking_out(uow.session, cart_id):
            raise CartError(CartErrorCode.LOCKED, CHECKOUT_IN_PROGRESS)
        raise CartError(CartErrorCode.PERSONAL_CART_DELETE)
    _record(uow, cart_id, version, deleted_text(_name(uow.session, owner_id)), deleted=True)
    return CartChange(cart_id, version)


def lock_overdue_carts(uow: UnitOfWork, now: datetime | None = None) -> list[int]:
    """Lock every cart whose deadline has passed; the ids locked. Safe to run twice."""
    now = _as_utc(now) or _now()
    rows = uow.session.exec(
        update(Cart)
        .where(
            col(Cart.deleted) == false(),
            col(Cart.locked) == false(),
            col(Cart.deadline).is_not(None),
            col(Cart.deadline) <= now,
        )
        .values(locked=True, version=col(Cart.version) + 1)
        .returning(col(Cart.id), col(Cart.version))
        .execution_options(synchronize_session=False)
    ).all()
    for cart_id, version in rows:
        _record(uow, int(cart_id), int(version), deadline_locked_text())
    return sorted(int(cart_id) for cart_id, _ in rows)


# --------------------------------------------------------------------------- reading


def load_cart(
    session: Session, cart_id: int, viewer_id: int, now: datetime | None = None
) -> CartView:
    """Everything the cart page shows, for an active member; CartAccessDenied for anyone else."""
    now = now or _now()
    cart = session.get(Cart, cart_id, populate_existing=True)
    if cart is None or cart.deleted or cart.id is None:
        raise CartNotFound()
    viewer = _member(session, cart_id, viewer_id)
    if viewer is None or viewer.status != MemberStatus.ACTIVE:
        raise CartAccessDenied()
    return _view(session, cart, viewer_id, viewer.role, now)


def load_room_view(session: Session, cart_id: int, now: datetime | None = None) -> CartView | None:
    """The cart as every member sees it, for one broadcast to the cart's room (None if gone).

    Nothing in it depends on who looks: `viewer_id` is 0, `viewer_role` empty and no line is
    `mine`; pages compare `added_by_id` / `owner_id` with their own user id instead. Only send
    it to sockets that entered the room after `load_cart` checked their membership.
    """
    cart = session.get(Cart, cart_id, populate_existing=True)
    if cart is None or cart.deleted or cart.id is None:
        return None
    return _view(session, cart, 0, "", now or _now())


def _view(
    session: Session, cart: Cart, viewer_id: int, viewer_role: str, now: datetime
) -> CartView:
    assert cart.id is not None
    cart_id = cart.id
    members = session.exec(
        select(CartMember, User)
        .join(User, col(User.id) == col(CartMember.user_id))
        .where(CartMember.cart_id == cart_id, CartMember.status == MemberStatus.ACTIVE.value)
        .order_by(col(CartMember.joined_at), col(CartMember.id))
    ).all()
    names = {user.id or 0: user.display_name for _, user in members}
    rows = session.exec(
        select(CartLine, Product)
        .join(Product, col(Product.id) == col(CartLine.product_id))
        .where(CartLine.cart_id == cart_id)
        .order_by(col(CartLine.created_at), col(CartLine.id))
    ).all()
    images = _first_images(session, [product.id or 0 for _, product in rows])

    priced = [PricedLine(ln.added_by, ln.quantity, p.price_amount, p.currency) for ln, p in rows]
    totals = compute_totals(priced, cart.currency)
    split = split_payment(
        SplitMode(cart.split_mode), totals, cart.owner_id, [m.user_id for m, _ in members]
    )
    money = cart.currency

    lines = tuple(
        CartLineView(
            id=line.id or 0,
            product_id=product.id or 0,
            product_slug=product.slug,
            title=product.title,
            image=images.get(product.id or 0, PLACEHOLDER_IMAGE),
            unit_price=format_minor(product.price_amount, product.currency),
            quantity=line.quantity,
            line_total=format_minor(line.quantity * product.price_amount, product.currency),
            line_total_minor=line.quantity * product.price_amount,
            stock=product.stock,
            added_by_id=line.added_by,
            added_by=names.get(line.added_by, "Someone"),
            note=line.note,
            mine=line.added_by == viewer_id,
        )
        for line, product in rows
    )
    member_views = tuple(
        CartMemberView(
            user_id=member.user_id,
            name=user.display_name,
            initials=initials(user.display_name),
            avatar_url=user.avatar_url or "",
            colour=avatar_colour(member.user_id),
            role=member.role,
            subtotal=format_minor(totals.subtotal(member.user_id), money),
            subtotal_minor=totals.subtotal(member.user_id),
            pays=format_minor(split.get(member.user_id, 0), money),
            pays_minor=split.get(member.user_id, 0),
            budget_state=budget_verdict(totals.subtotal(member.user_id), cart.budget_minor).value,
        )
        for member, user in sorted(members, key=lambda mu: mu[0].role != MemberRole.OWNER)
    )
    activity = tuple(
        CartActivityView(a.version, a.text, (_as_utc(a.created_at) or now).isoformat())
        for a in session.exec(
            select(CartActivity)
            .where(CartActivity.cart_id == cart_id)
            .order_by(col(CartActivity.version).desc())
            .limit(ACTIVITY_TAIL)
        ).all()
    )
    deadline = _as_utc(cart.deadline)
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
        deadline_label=_moment_label(deadline),
        budget=format_minor(cart.budget_minor, money) if cart.budget_minor else "",
        budget_minor=cart.budget_minor,
        currency=money,
        split_mode=cart.split_mode,
        lines=lines,
        members=member_views,
        total=format_minor(totals.total, money),
        total_minor=totals.total,
        item_count=sum(line.quantity for line in lines),
        activity=activity,
        member_ids=tuple(m.user_id for m in member_views),
    )


def _first_images(session: Session, product_ids: list[int]) -> dict[int, str]:
    if not product_ids:
        return {}
    rows = session.exec(
        select(ProductImage.product_id, ProductImage.url)
        .where(col(ProductImage.product_id).in_(product_ids))
        .order_by(col(ProductImage.position).desc())
    ).all()
    # Descending position: the lowest position wins the dict assignment.
    return {product_id: url for product_id, url in rows}


def _moment_label(moment: datetime | None) -> str:
    return f"{moment:%a %d %b %Y, %H:%M} UTC" if moment else ""


# --------------------------------------------------------------------------- lists and previews


@dataclass(frozen=True)
class CartSummary:
    """One of the shopper's carts, for the list on /cart and the product page's cart menu."""

    id: int
    name: str
    kind: str
    role: str
    owner: str
    member_count: int
    item_count: int
    total: str
    locked: bool
    deadline_label: str


def list_carts(session: Session, user_id: int, now: datetime | None = None) -> list[CartSummary]:
    """The shared carts the shopper is an active member of, newest first."""
    now = now or _now()
    rows = session.exec(
        select(Cart, CartMember)
        .join(CartMember, col(CartMember.cart_id) == col(Cart.id))
        .where(
            CartMember.user_id == user_id,
            CartMember.status == MemberStatus.ACTIVE.value,
            col(Cart.deleted) == false(),
            Cart.kind == CartKind.SHARED.value,
        )
        .order_by(col(Cart.created_at).desc(), col(Cart.id).desc())
    ).all()
    if not rows:
        return []
    ids = [cart.id or 0 for cart, _ in rows]
    counts = dict(
        session.exec(
            select(CartMember.cart_id, func.count())
            .where(col(CartMember.cart_id).in_(ids), CartMember.status == MemberStatus.ACTIVE.value)
            .group_by(col(CartMember.cart_id))
        ).all()
    )
    sums = {
        cart_id: (int(items or 0), int(total or 0))
        for cart_id, items, total in session.exec(
            select(
                CartLine.cart_id,
                func.sum(CartLine.quantity),
                func.sum(col(CartLine.quantity) * col(Product.price_amount)),
            )
            .join(Product, col(Product.id) == col(CartLine.product_id))
            .where(col(CartLine.cart_id).in_(ids))
            .group_by(col(CartLine.cart_id))
        ).all()
    }
    owners = {
        user.id: user.display_name
        for user in session.exec(
            select(User).where(col(User.id).in_({cart.owner_id for cart, _ in rows}))
        ).all()
    }
    out = []
    for cart, member in rows:
        items, total = sums.get(cart.id or 0, (0, 0))
        deadline = _as_utc(cart.deadline)
        out.append(
            CartSummary(
                id=cart.id or 0,
                name=cart.name,
                kind=cart.kind,
                role=member.role,
                owner=owners.get(cart.owner_id, "Someone"),
                member_count=int(counts.get(cart.id or 0, 0)),
                item_count=items,
                total=format_minor(total, cart.currency),
                locked=cart.locked or deadline_passed(deadline, now),
                deadline_label=_moment_label(deadline),
            )
        )
    return out


@dataclass(frozen=True)
class CartInvitePreview:
    """What someone opening a cart's invite link sees before joining."""

    cart_id: int
    name: str
    owner: str
    member_count: int
    code: str
    already_member: bool
    removed: bool


def find_by_code(session: Session, raw_code: str, user_id: int | None) -> CartInvitePreview:
    """The shared cart behind an invite code, for the join page. CartError when unknown."""
    code = normalise_invite_code(raw_code)
    if code is None:
        raise CartError(CartErrorCode.INVALID_CODE)
    cart = session.exec(
        select(Cart).where(Cart.invite_code == code, col(Cart.deleted) == false())
    ).first()
    if cart is None or cart.id is None:
        raise CartError(CartErrorCode.UNKNOWN_CODE)
    count = session.exec(
        select(func.count()).where(
            CartMember.cart_id == cart.id, CartMember.status == MemberStatus.ACTIVE.value
        )
    ).one()
    member = _member(session, cart.id, user_id) if user_id is not None else None
    return CartInvitePreview(
        cart_id=cart.id,
        name=cart.name,
        owner=_name(session, cart.owner_id),
        member_count=int(count),
        code=code,
        already_member=member is not None and member.status == MemberStatus.ACTIVE,
        removed=member is not None and member.status == MemberStatus.REMOVED,
    )


def set_split_mode(uow: UnitOfWork, cart_id: int, owner_id: int, mode: str) -> CartChange:
    """The owner chooses who pays at checkout: the owner for all, or each member their own."""
    try:
        split = SplitMode(mode)
    except ValueError:
        raise CartError(CartErrorCode.INVALID_NAME, "Choose who pays.") from None
    session = uow.session
    version = _begin_change(session, cart_id, owner_id, now=_now(), owner_only=True)
    cart = _cart(session, cart_id)
    if cart.kind != CartKind.SHARED:
        raise CartError(CartErrorCode.PERSONAL_CART)
    session.exec(
        update(Cart)
        .where(col(Cart.id) == cart_id)
        .values(split_mode=split.value)
        .execution_options(synchronize_session=False)
    )
    who = (
        "the owner pays for everything"
        if split is SplitMode.OWNER_PAYS
        else "everyone pays for their own items"
    )
    _record(uow, cart_id, version, f"{_name(session, owner_id)} chose: {who}")
    return CartChange(cart_id, version)


# --------------------------------------------------------------------------- checkout hooks


def announce(
    uow: UnitOfWork, cart_id: int, text: str, *, locked: bool | None = None, **extra: Any
) -> int:
    """Bump the cart's version for news from outside the cart (checkout), optionally setting
    `locked`, and record the activity line; the new version. Not an edit: no member check."""
    values: dict[str, Any] = {"version": col(Cart.version) + 1}
    if locked is not None:
        values["locked"] = locked
    row = uow.session.exec(
        update(Cart)
        .where(col(Cart.id) == cart_id)
        .values(**values)
        .returning(col(Cart.version))
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        raise CartNotFound()
    version = int(row[0])
    # Checkout news changes the checkout panel too, which the cart snapshot does not carry.
    _record(uow, cart_id, version, text, checkout=True, **extra)
    return version


def claim_for_checkout(uow: UnitOfWork, cart_id: int, owner_id: int) -> tuple[int, bool]:
    """Lock the cart for its owner's checkout; (new version, whether it was locked before).

    Allowed on a cart that is already locked or past its deadline (that is when people check
    out). The version bump comes first, so concurrent edits and a second checkout of the same
    cart wait for this transaction and then see its order; the caller records the activity.
    """
    session = uow.session
    now = _now()
    version = _bump(session, cart_id, owner_id, now=now, owner_only=True, editable=False)
    if version is None:
        raise _refusal(session, cart_id, owner_id, now=now, owner_only=True)
    was_locked = _cart(session, cart_id).locked
    session.exec(
        update(Cart)
        .where(col(Cart.id) == cart_id)
        .values(locked=True)
        .execution_options(synchronize_session=False)
    )
    return version, bool(was_locked)


def record_activity(uow: UnitOfWork, cart_id: int, version: int, text: str, **extra: Any) -> None:
    """The activity line and event of a version checkout bumped (see `claim_for_checkout`)."""
    _record(uow, cart_id, version, text, checkout=True, **extra)


def clear_lines(uow: UnitOfWork, cart_id: int, line_ids: list[int]) -> None:
    """Take bought lines out of the cart (the checkout completed)."""
    if line_ids:
        uow.session.exec(
            delete(CartLine).where(col(CartLine.cart_id) == cart_id, col(CartLine.id).in_(line_ids))
        )


def _snapshot(session: Session, aggregate_id: str) -> dict[str, Any] | None:
    view = load_room_view(session, int(aggregate_id))
    return asdict(view) if view is not None else None


# Every cart event carries the room view it leads to: read once by the writer, pushed as-is by
# every process (see unit_of_work.register_snapshot).
register_snapshot("cart", _snapshot)

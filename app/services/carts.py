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
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, and_, bindparam, exists, false, func, or_, true
from sqlalchemy import insert as sa_insert
from sqlalchemy import update as sa_update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, delete, select, update

from app.adapters.db.models import Product
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
    SplitMode,
    added_text,
    can_change_line,
    check_budget_value,
    check_line_change,
    check_new_deadline,
    clean_cart_name,
    clean_note,
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
    unlocked_text,
)
from app.domain.checkout import OrderStatus
from app.domain.events import DomainEvent
from app.domain.money import format_minor
from app.domain.people import new_invite_code, normalise_invite_code
from app.services.cart_views import (
    ACTIVITY_TAIL,
    CartActivityView,
    CartLineView,
    CartMemberView,
    CartView,
    as_utc,
    compose,
    load_room_view,
    moment_label,
    plain,
    read_rows,
    with_change,
)
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

PERSONAL_CART_NAME = "My cart"
_CARTS = Cart.__table__  # type: ignore[attr-defined]
_LINES = CartLine.__table__  # type: ignore[attr-defined]
_ACTIVITY = CartActivity.__table__  # type: ignore[attr-defined]
CHECKOUT_IN_PROGRESS = "Checkout is in progress, so the cart can't be changed right now."


@dataclass(frozen=True)
class CartChange:
    """The outcome of a change: the cart's version after it, and a warning worth showing."""

    cart_id: int
    version: int
    warning: str | None = None


# --------------------------------------------------------------------------- helpers


def _now() -> datetime:
    return datetime.now(UTC)


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


def _bump_statement(
    cart_id: Any,
    actor_id: Any,
    now: Any,
    *,
    owner_only: bool = False,
    editable: bool = True,
    where: tuple[ColumnElement[bool], ...] = (),
    values: Mapping[str, Any] | None = None,
) -> Any:
    conditions: list[ColumnElement[bool]] = [col(Cart.id) == cart_id, col(Cart.deleted) == false()]
    if actor_id is not None:
        conditions.append(_member_condition(cart_id, actor_id, owner_only))
    if editable:
        conditions.append(_editable_condition(now))
    conditions.extend(where)
    return (
        sa_update(_CARTS)
        .where(*conditions)
        .values(version=_CARTS.c.version + 1, **(values or {}))
        .returning(*_CARTS.c)
    )


# A member's everyday edit, built once (see cart_views: building costs more than running).
_BUMP_AS_MEMBER = _bump_statement(bindparam("cart_id"), bindparam("actor_id"), bindparam("now"))
_SET_QUANTITY = sa_update(_LINES).where(_LINES.c.id == bindparam("line_id"))
_ADD_ACTIVITY = sa_insert(_ACTIVITY)


def _bump_row(
    session: Session,
    cart_id: int,
    actor_id: int | None,
    *,
    now: datetime,
    **options: Any,
) -> Row[Any] | None:
    """Bump the version if the actor may make this change now; the cart row after it, or None.

    `options`: owner_only, editable (default True), extra `where` conditions, extra `values`."""
    connection = session.connection()
    if actor_id is not None and not options:  # a member's everyday edit
        params = {"cart_id": cart_id, "actor_id": actor_id, "now": now}
        return connection.execute(_BUMP_AS_MEMBER, params).first()
    return connection.execute(_bump_statement(cart_id, actor_id, now, **options)).first()


def _bump(session: Session, cart_id: int, actor_id: int | None, **options: Any) -> int | None:
    """`_bump_row`'s new version, or None."""
    row = _bump_row(session, cart_id, actor_id, **options)
    return None if row is None else int(row.version)


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
        locked=cart.locked, deleted=cart.deleted, deadline=as_utc(cart.deadline), now=now
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


def _record(
    uow: UnitOfWork,
    cart_id: int,
    version: int,
    text: str,
    now: datetime | None = None,
    **extra: Any,
) -> None:
    """Write the activity row of a version and announce it after commit.

    `extra` goes into the event payload for watchers that act on it (`removed_user` /
    `left_user`: take that person out of the cart's room; `deleted`: the cart is gone;
    `snapshot`: the room view after this change, when the change already made it).
    """
    session = uow.session
    session.flush()  # the Core insert below does not flush pending ORM rows by itself
    session.connection().execute(
        _ADD_ACTIVITY,
        {"cart_id": cart_id, "version": version, "text": text[:300], "created_at": now or _now()},
    )
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
    return check_line_change(
        before=line_before,
        after=line_after,
        product_in_cart=_product_quantity_in_cart(session, cart.id or 0, product.id or 0),
        stock=product.stock,
        price=product.price_amount,
        subtotal=_subtotal(session, cart.id or 0, user_id) if line_after > line_before else 0,
        budget=cart.budget_minor,
        currency=cart.currency,
        product_currency=product.currency,
    )


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
        deadline=check_new_deadline(as_utc(deadline), now),
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
    """The hot path of a shared cart ("+" / "-"): the version bump, one read of the cart's rows
    (which also checks stock and budget), the line update and the activity row; the room view
    for the event is composed from the rows already read instead of read again."""
    session = uow.session
    now = _now()
    cart = _bump_row(session, cart_id, user_id, now=now)
    if cart is None:
        raise _refusal(session, cart_id, user_id, now=now, owner_only=False)
    rows = read_rows(session, cart_id, cart=cart)
    line = next((ln for ln in rows.lines if ln.id == line_id), None) if rows else None
    if rows is None or line is None:
        raise CartError(CartErrorCode.LINE_NOT_FOUND)
    if line.added_by != user_id:
        raise CartError(CartErrorCode.NOT_YOUR_LINE)
    before = line.quantity
    quantity = _positive(new_quantity(before))
    warning = check_line_change(
        before=before,
        after=quantity,
        product_in_cart=sum(ln.quantity for ln in rows.lines if ln.product_id == line.product_id),
        stock=line.stock,
        price=line.price_amount,
        subtotal=sum(ln.quantity * ln.price_amount for ln in rows.lines if ln.added_by == user_id),
        budget=cart.budget_minor,
        currency=cart.currency,
        product_currency=line.currency,
    )
    session.connection().execute(_SET_QUANTITY, {"line_id": line_id, "quantity": quantity})
    actor = next((m.display_name for m in rows.members if m.user_id == user_id), "Someone")
    text = quantity_changed_text(actor, line.title, before, quantity)
    after = with_change(
        rows, line_id=line_id, quantity=quantity, activity=(cart.version, text, now)
    )
    snapshot = plain(compose(after, 0, "", now))
    _record(uow, cart_id, cart.version, text, now, snapshot=snapshot)
    return CartChange(cart_id, cart.version, warning)


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
        if deadline_passed(as_utc(cart.deadline), now):
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
    new_deadline = check_new_deadline(as_utc(deadline), now)
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
    now = as_utc(now) or _now()
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
    rows = read_rows(session, cart_id)
    if rows is None:
        raise CartNotFound()
    viewer = next((m for m in rows.members if m.user_id == viewer_id), None)
    if viewer is None:
        raise CartAccessDenied()
    return compose(rows, viewer_id, viewer.role, now or _now())


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
        deadline = as_utc(cart.deadline)
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
                deadline_label=moment_label(deadline),
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
    return plain(view) if view is not None else None


# Every cart event carries the room view it leads to: read once by the writer, pushed as-is by
# every process (see unit_of_work.register_snapshot).
register_snapshot("cart", _snapshot)

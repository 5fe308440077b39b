"""What is in a cart: adding a product, quantities ("+" / "-" is the hot path), notes, removing
a line. Stock and budget are checked after the version bump, so they see every committed
change; quantities still move with `quantity = quantity + n`, so concurrent adds add up."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, col, delete, func, select, update

from app.adapters.db.cart_statements import SET_QUANTITY, insert_ignoring_conflicts
from app.adapters.db.models import Product
from app.adapters.db.models_carts import Cart, CartLine
from app.domain.carts import (
    CartError,
    CartErrorCode,
    CartKind,
    MemberRole,
    added_text,
    can_change_line,
    check_line_change,
    clean_note,
    note_text,
    quantity_changed_text,
    removed_line_text,
)
from app.domain.clock import utcnow
from app.services.carts.changes import (
    CartChange,
    begin_change,
    bump_row,
    display_name,
    get_cart,
    get_line,
    get_member,
    get_product,
    positive,
    record,
    refusal,
)
from app.services.carts.views import compose, plain, read_rows, with_change
from app.services.unit_of_work import UnitOfWork


def add_item(
    uow: UnitOfWork, cart_id: int, user_id: int, product_id: int, quantity: int = 1
) -> CartChange:
    """Add `quantity` of a product to the member's own line (made on first add)."""
    positive(quantity)
    session = uow.session
    version = begin_change(session, cart_id, user_id, now=utcnow())
    cart = get_cart(session, cart_id)
    product = get_product(session, product_id)
    if product.archived:
        raise CartError(CartErrorCode.PRODUCT_ARCHIVED)
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
    text = added_text(display_name(session, user_id), quantity, product.title)
    shared = cart.kind == CartKind.SHARED
    record(
        uow,
        cart_id,
        version,
        text,
        action="added",
        product_id=product_id,
        quantity=quantity,
        shared=shared,
    )
    return CartChange(cart_id, version, warning)


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
        "created_at": utcnow(),
    }
    if not insert_ignoring_conflicts(session, CartLine, values):
        session.exec(increment)


def set_quantity(
    uow: UnitOfWork, cart_id: int, user_id: int, line_id: int, quantity: int
) -> CartChange:
    """Set the quantity of the member's own line. Use `remove_line` to take it out."""
    positive(quantity)
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
    now = utcnow()
    cart = bump_row(session, cart_id, user_id, now=now)
    if cart is None:
        raise refusal(session, cart_id, user_id, now=now, owner_only=False)
    rows = read_rows(session, cart_id, cart=cart)
    line = next((ln for ln in rows.lines if ln.id == line_id), None) if rows else None
    if rows is None or line is None:
        raise CartError(CartErrorCode.LINE_NOT_FOUND)
    if line.added_by != user_id:
        raise CartError(CartErrorCode.NOT_YOUR_LINE)
    before = line.quantity
    quantity = positive(new_quantity(before))
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
    session.connection().execute(SET_QUANTITY, {"line_id": line_id, "quantity": quantity})
    actor = next((m.display_name for m in rows.members if m.user_id == user_id), "Someone")
    text = quantity_changed_text(actor, line.title, before, quantity)
    after = with_change(
        rows, line_id=line_id, quantity=quantity, activity=(cart.version, text, now)
    )
    snapshot = plain(compose(after, 0, "", now))
    record(uow, cart_id, cart.version, text, now, snapshot=snapshot)
    return CartChange(cart_id, cart.version, warning)


def remove_line(uow: UnitOfWork, cart_id: int, user_id: int, line_id: int) -> CartChange:
    """Take a line out: members their own lines, the owner any line."""
    session = uow.session
    version = begin_change(session, cart_id, user_id, now=utcnow())
    line = get_line(session, cart_id, line_id)
    member = get_member(session, cart_id, user_id)
    role = member.role if member else MemberRole.MEMBER.value
    if not can_change_line(actor_id=user_id, added_by=line.added_by, actor_role=role):
        raise CartError(CartErrorCode.NOT_YOUR_LINE)
    product = get_product(session, line.product_id)
    session.exec(delete(CartLine).where(col(CartLine.id) == line_id))
    actor = display_name(session, user_id)
    text = removed_line_text(actor, product.title, display_name(session, line.added_by))
    record(uow, cart_id, version, text)
    return CartChange(cart_id, version)


def set_note(uow: UnitOfWork, cart_id: int, user_id: int, line_id: int, note: str) -> CartChange:
    """Set or clear the note on the member's own line ("the blue one, please")."""
    cleaned = clean_note(note)
    session = uow.session
    version = begin_change(session, cart_id, user_id, now=utcnow())
    line = get_line(session, cart_id, line_id)
    if line.added_by != user_id:
        raise CartError(CartErrorCode.NOT_YOUR_LINE)
    product = get_product(session, line.product_id)
    session.exec(
        update(CartLine)
        .where(col(CartLine.id) == line_id)
        .values(note=cleaned)
        .execution_options(synchronize_session=False)
    )
    text = note_text(display_name(session, user_id), product.title, cleaned)
    record(uow, cart_id, version, text)
    return CartChange(cart_id, version)

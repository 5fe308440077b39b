"""Starting a checkout: lock the cart, snapshot its lines into an order with one payment share
per payer, and take the stock off the shelf (one conditional UPDATE per product, in product-id
order so concurrent checkouts never deadlock). Anything short rolls it all back."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select, update

from app.adapters.db.models import Product
from app.adapters.db.models_carts import Cart, CartLine
from app.adapters.db.models_orders import OrderLine, PaymentShare, ShopOrder, StockReservation
from app.domain.carts import CartError, CartErrorCode, CartKind, SplitMode
from app.domain.checkout import (
    CheckoutError,
    CheckoutErrorCode,
    CheckoutLine,
    OrderStatus,
    ReservationStatus,
    ShareStatus,
    charge_key,
    checkout_expires_at,
    checkout_started_text,
    compute_shares,
    payer_of,
    short_stock_message,
    stock_needed,
)
from app.domain.events import DomainEvent, EventKind
from app.services import carts
from app.services.checkout.shares import NO_SYNC, display_name, payments_enabled
from app.services.context import Context
from app.services.unit_of_work import UnitOfWork


class _AlreadyCheckingOut(Exception):
    def __init__(self, order_id: int) -> None:
        self.order_id = order_id


def start_checkout(ctx: Context, owner_id: int, cart_id: int) -> int:
    """The cart's owner starts checkout: lock the cart, reserve the stock, create the order
    with one payment share per payer. Returns the order id; a cart already checking out
    returns its pending order. Raises CheckoutError (payments not configured, empty cart, not
    enough stock, not the owner...) with the cart left exactly as it was."""
    if not payments_enabled(ctx):
        raise CheckoutError(CheckoutErrorCode.PAYMENTS_UNAVAILABLE)
    try:
        with ctx.uow() as uow:
            return _start(uow, owner_id, cart_id, ctx.now())
    except _AlreadyCheckingOut as already:
        return already.order_id
    except CartError as refusal:
        raise _as_checkout_error(refusal) from refusal


def _as_checkout_error(error: CartError) -> CheckoutError:
    if error.code is CartErrorCode.CART_NOT_FOUND:
        return CheckoutError(CheckoutErrorCode.CART_NOT_FOUND)
    if error.code is CartErrorCode.OWNER_ONLY:
        return CheckoutError(CheckoutErrorCode.OWNER_ONLY)
    if error.code is CartErrorCode.NOT_A_MEMBER:
        return CheckoutError(CheckoutErrorCode.NOT_A_MEMBER)
    return CheckoutError(CheckoutErrorCode.ORDER_CLOSED, error.message)


def _start(uow: UnitOfWork, owner_id: int, cart_id: int, now: datetime) -> int:
    session = uow.session
    version, was_locked = carts.claim_for_checkout(uow, cart_id, owner_id)
    pending = session.exec(
        select(ShopOrder.id).where(
            ShopOrder.cart_id == cart_id, ShopOrder.status == OrderStatus.PENDING.value
        )
    ).first()
    if pending is not None:
        raise _AlreadyCheckingOut(int(pending))
    cart = session.get(Cart, cart_id, populate_existing=True)
    assert cart is not None
    rows = session.exec(
        select(CartLine, Product)
        .join(Product, col(Product.id) == col(CartLine.product_id))
        .where(CartLine.cart_id == cart_id)
        .order_by(col(CartLine.created_at), col(CartLine.id))
    ).all()
    lines = [
        CheckoutLine(
            line_id=line.id or 0,
            product_id=product.id or 0,
            title=product.title,
            added_by=line.added_by,
            quantity=line.quantity,
            unit_price=product.price_amount,
            currency=product.currency,
        )
        for line, product in rows
    ]
    mode = SplitMode(cart.split_mode) if cart.kind == CartKind.SHARED else SplitMode.OWNER_PAYS
    shares = compute_shares(mode, lines, cart.owner_id, cart.currency)
    titles = {line.product_id: line.title for line in lines}
    for product_id, quantity in stock_needed(lines):
        taken = session.exec(
            update(Product)
            .where(col(Product.id) == product_id, col(Product.stock) >= quantity)
            .values(stock=col(Product.stock) - quantity)
            .returning(col(Product.id)),
            execution_options=NO_SYNC,
        ).first()
        if taken is None:
            product = session.get(Product, product_id, populate_existing=True)
            in_stock = product.stock if product else 0
            raise CheckoutError(
                CheckoutErrorCode.OUT_OF_STOCK,
                short_stock_message(titles[product_id], in_stock, quantity),
            )
    total = sum(shares.values())
    order = ShopOrder(
        cart_id=cart_id,
        owner_id=cart.owner_id,
        cart_name=cart.name,
        mode=mode.value,
        status=OrderStatus.PENDING.value,
        currency=cart.currency,
        total=total,
        cart_was_locked=was_locked,
        expires_at=checkout_expires_at(mode, now),
        created_at=now,
    )
    session.add(order)
    session.flush()  # the partial unique index stops a second pending order here
    assert order.id is not None
    for line in lines:
        session.add(
            OrderLine(
                order_id=order.id,
                cart_line_id=line.line_id,
                product_id=line.product_id,
                title=line.title,
                unit_price=line.unit_price,
                quantity=line.quantity,
                added_by=line.added_by,
                payer_id=payer_of(mode, line, cart.owner_id),
            )
        )
    for product_id, quantity in stock_needed(lines):
        session.add(
            StockReservation(
                order_id=order.id,
                product_id=product_id,
                quantity=quantity,
                status=ReservationStatus.HELD.value,
                created_at=now,
                updated_at=now,
            )
        )
    for payer_id, amount in shares.items():
        session.add(
            PaymentShare(
                order_id=order.id,
                user_id=payer_id,
                amount=amount,
                currency=cart.currency,
                status=ShareStatus.PENDING.value,
                idempotency_key=charge_key(order.id, payer_id),
                created_at=now,
                updated_at=now,
            )
        )
    # For the analytics (the funnel's checkout step; a shared cart's group is complete).
    uow.record(
        DomainEvent(
            "checkout",
            str(order.id),
            1,
            EventKind.CHECKOUT_STARTED,
            {"user_id": owner_id, "cart_id": cart_id, "shared": cart.kind == CartKind.SHARED},
            actor_id=owner_id,
        )
    )
    text = checkout_started_text(display_name(session, owner_id), mode, total, cart.currency)
    carts.record_activity(uow, cart_id, version, text, order_id=order.id)
    return order.id

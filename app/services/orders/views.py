"""What an order's page shows: its lines, who paid what and where each payment stands, its
refunds and, for a group-buy order, the deal's price history.

One view per order, the same for every person allowed to see it (so the live renderer computes
it once and pushes it to all of them); what depends on the viewer (may they cancel, which
payment is theirs) is decided in the page from the viewer's id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_
from sqlmodel import Session, col, select

from app.adapters.db.models import Product
from app.adapters.db.models_deals import DealOrder, DealPriceChange
from app.adapters.db.models_orders import OrderLine, PaymentShare, RefundRequest, ShopOrder
from app.adapters.db.models_people import User
from app.domain.checkout import MODE_LABELS, ORDER_LABELS, OrderStatus, ShareStatus
from app.domain.clock import as_utc
from app.domain.money import format_minor
from app.domain.numbers import parse_id
from app.domain.refunds import (
    MONEY_LABELS,
    OPEN_REFUND,
    REFUND_LABELS,
    MoneyState,
    RefundStatus,
    money_message,
    paid_state,
)

CART_PREFIX = "order-"
DEAL_PREFIX = "deal-order-"


@dataclass(frozen=True)
class LineView:
    title: str
    quantity: int
    unit_price: str
    line_total: str
    added_by: str
    payer: str


@dataclass(frozen=True)
class PaymentView:
    """One payer's payment of the order, and its refund if one was asked for."""

    user_id: int
    name: str
    amount: str
    amount_minor: int
    money_state: str
    money_label: str
    money_message: str
    refundable: bool  # paid, captured and no refund asked for yet
    refund_status: str  # "" when no refund was asked for
    refund_label: str
    refund_amount: str


@dataclass(frozen=True)
class OrderPage:
    key: str
    kind: str  # "cart" or "deal"
    number: str
    title: str
    status: str
    status_label: str
    placed: str
    total: str
    currency: str
    mode_label: str
    reason: str
    owner_id: int
    cancellable: bool  # still waiting for payments: the owner may call it off
    deal_id: int
    lines: list[LineView] = field(default_factory=list)
    payments: list[PaymentView] = field(default_factory=list)
    price_history: list[str] = field(default_factory=list)


def _label(moment: object) -> str:
    return as_utc(moment).strftime("%d %b %Y, %H:%M UTC")  # type: ignore[arg-type]


def parse_key(key: str) -> tuple[str, int] | None:
    """("deal", 5) for "deal-order-5", ("cart", 3) for "order-3", None for anything else."""
    for prefix, kind in ((DEAL_PREFIX, "deal"), (CART_PREFIX, "cart")):
        if key.startswith(prefix):
            rest = key[len(prefix) :]
            if (ident := parse_id(rest)) is not None:
                return kind, ident
    return None


def may_see(session: Session, key: str, viewer_id: int) -> bool:
    """Cart orders: their owner and everyone with a line or a payment in them. Deal orders:
    the shopper who bought."""
    parsed = parse_key(key)
    if parsed is None:
        return False
    kind, number = parsed
    if kind == "deal":
        order = session.get(DealOrder, number)
        return order is not None and order.user_id == viewer_id
    cart_order = session.get(ShopOrder, number)
    if cart_order is None:
        return False
    if cart_order.owner_id == viewer_id:
        return True
    involved = session.exec(
        select(OrderLine.id).where(
            OrderLine.order_id == number,
            or_(col(OrderLine.added_by) == viewer_id, col(OrderLine.payer_id) == viewer_id),
        )
    ).first()
    share = session.exec(
        select(PaymentShare.id).where(
            PaymentShare.order_id == number, PaymentShare.user_id == viewer_id
        )
    ).first()
    return involved is not None or share is not None


def _payment(
    user_id: int,
    name: str,
    paid: int,
    currency: str,
    state: MoneyState,
    refund: RefundRequest | None,
) -> PaymentView:
    refunded = 0
    if refund is not None and refund.status == RefundStatus.REFUNDED:
        refunded = refund.amount
    if state is MoneyState.CAPTURED and refund is not None:
        if refund.status == RefundStatus.REFUNDING:
            state = MoneyState.REFUND_ON_ITS_WAY
        else:
            state = paid_state(paid, refunded, requested=refund.status == RefundStatus.REQUESTED)
    amount = format_minor(paid, currency)
    asked = format_minor(refund.amount, currency) if refund else ""
    return PaymentView(
        user_id=user_id,
        name=name,
        amount=amount,
        amount_minor=paid,
        money_state=state.value,
        money_label=MONEY_LABELS[state],
        money_message=money_message(state, amount=amount, refunded=asked),
        refundable=state is MoneyState.CAPTURED and refund is None,
        refund_status=refund.status if refund else "",
        refund_label=REFUND_LABELS.get(refund.status, "") if refund else "",
        refund_amount=asked,
    )


_SHARE_STATES = {
    ShareStatus.PENDING.value: MoneyState.WAITING_TO_PAY,
    ShareStatus.NEEDS_ACTION.value: MoneyState.WAITING_FOR_BANK,
    ShareStatus.PAID.value: MoneyState.CAPTURED,
    ShareStatus.FAILED.value: MoneyState.NOT_CHARGED,
    ShareStatus.EXPIRED.value: MoneyState.NOT_CHARGED,
    ShareStatus.VOIDED.value: MoneyState.NOT_CHARGED,
    ShareStatus.REFUND_DUE.value: MoneyState.REFUND_ON_ITS_WAY,
    ShareStatus.REFUNDED.value: MoneyState.REFUNDED,
}


def read_order_page(session: Session, key: str) -> OrderPage | None:
    """The order a key names, or None when there is none."""
    parsed = parse_key(key)
    if parsed is None:
        return None
    kind, number = parsed
    return _deal_page(session, number) if kind == "deal" else _cart_page(session, number)


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    users = session.exec(select(User).where(col(User.id).in_(sorted(ids)))).all()
    return {u.id or 0: u.display_name for u in users}


def _cart_page(session: Session, order_id: int) -> OrderPage | None:
    order = session.get(ShopOrder, order_id)
    if order is None:
        return None
    lines = session.exec(
        select(OrderLine).where(OrderLine.order_id == order_id).order_by(col(OrderLine.id))
    ).all()
    shares = session.exec(
        select(PaymentShare).where(PaymentShare.order_id == order_id).order_by(col(PaymentShare.id))
    ).all()
    refunds = {
        r.share_id: r
        for r in session.exec(
            select(RefundRequest).where(
                col(RefundRequest.share_id).in_([s.id for s in shares] or [-1])
            )
        )
    }
    names = _names(
        session,
        {ln.added_by for ln in lines} | {ln.payer_id for ln in lines} | {s.user_id for s in shares},
    )
    currency = order.currency
    payments = []
    for share in shares:
        state = _SHARE_STATES.get(share.status, MoneyState.NOT_CHARGED)
        payments.append(
            _payment(
                share.user_id,
                names.get(share.user_id, "Someone"),
                share.amount,
                currency,
                state,
                refunds.get(share.id),
            )
        )
    return OrderPage(
        key=f"{CART_PREFIX}{order_id}",
        kind="cart",
        number=f"#{order_id}",
        title=order.cart_name,
        status=order.status,
        status_label=ORDER_LABELS.get(order.status, order.status),
        placed=_label(order.created_at),
        total=format_minor(order.total, currency),
        currency=currency,
        mode_label=MODE_LABELS.get(order.mode, ""),
        reason=order.reason if order.status != OrderStatus.COMPLETE else "",
        owner_id=order.owner_id,
        cancellable=order.status == OrderStatus.PENDING,
        deal_id=0,
        lines=[
            LineView(
                title=ln.title,
                quantity=ln.quantity,
                unit_price=format_minor(ln.unit_price, currency),
                line_total=format_minor(ln.unit_price * ln.quantity, currency),
                added_by=names.get(ln.added_by, "Someone"),
                payer=names.get(ln.payer_id, "Someone"),
            )
            for ln in lines
        ],
        payments=payments,
    )


def _deal_page(session: Session, deal_order_id: int) -> OrderPage | None:
    order = session.get(DealOrder, deal_order_id)
    if order is None:
        return None
    product = session.get(Product, order.product_id)
    title = product.title if product else "A product"
    refund = session.exec(
        select(RefundRequest).where(RefundRequest.deal_order_id == deal_order_id)
    ).first()
    names = _names(session, {order.user_id})
    currency = order.currency
    changes = session.exec(
        select(DealPriceChange)
        .where(DealPriceChange.deal_id == order.deal_id)
        .order_by(col(DealPriceChange.id))
    ).all()
    history = [
        f"{_label(c.changed_at)}: {format_minor(c.unit_price, currency)} each with {c.joined} in"
        for c in changes
    ]
    name = names.get(order.user_id, "You")
    return OrderPage(
        key=f"{DEAL_PREFIX}{deal_order_id}",
        kind="deal",
        number=f"Deal #{order.deal_id}",
        title=f"Group deal: {title}",
        status=OrderStatus.COMPLETE.value,
        status_label=ORDER_LABELS[OrderStatus.COMPLETE],
        placed=_label(order.created_at),
        total=format_minor(order.amount, currency),
        currency=currency,
        mode_label="Group buy: charged at the final tier price",
        reason="",
        owner_id=order.user_id,
        cancellable=False,
        deal_id=order.deal_id,
        lines=[
            LineView(
                title=title,
                quantity=order.quantity,
                unit_price=format_minor(order.unit_price, currency),
                line_total=format_minor(order.amount, currency),
                added_by=name,
                payer=name,
            )
        ],
        payments=[
            _payment(order.user_id, name, order.amount, currency, MoneyState.CAPTURED, refund)
        ],
        price_history=history,
    )


def open_refund(refund: RefundRequest | None) -> bool:
    return refund is not None and refund.status in OPEN_REFUND

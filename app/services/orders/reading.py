"""What the order pages read, and cancelling an order from its page."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from app.adapters.db.models_orders import RefundRequest
from app.adapters.db.models_people import User
from app.domain.checkout import CheckoutError, CheckoutErrorCode
from app.domain.clock import as_utc
from app.domain.events import DomainEvent, EventKind
from app.domain.money import format_minor
from app.domain.people import Role
from app.domain.refunds import REFUND_LABELS, RefundRefusal, RefundStatus
from app.services.checkout import cancel_checkout
from app.services.context import Context
from app.services.orders.refunding import RefundError
from app.services.orders.views import OrderPage, may_see, parse_key, read_order_page


@dataclass(frozen=True)
class RefundRow:
    """A refund request as the admins' queue lists it."""

    id: int
    order_key: str
    requester: str
    amount: str
    reason: str
    status: str
    status_label: str
    asked_at: str
    failure: str
    decidable: bool


def order_page(ctx: Context, viewer_id: int, order_key: str) -> OrderPage | None:
    """One order's page for someone allowed to see it; None for anyone else or no such order
    (the same answer, so a stranger cannot tell which orders exist)."""
    with ctx.uow() as uow:
        if not may_see(uow.session, order_key, viewer_id):
            return None
        return read_order_page(uow.session, order_key)


def public_order_page(ctx: Context, order_key: str) -> OrderPage | None:
    """The order's page as every allowed viewer sees it (pushed to them on each change)."""
    with ctx.uow() as uow:
        return read_order_page(uow.session, order_key)


def cancel_order(ctx: Context, actor_id: int, order_key: str) -> None:
    """The owner calls off an order still waiting for its payments (nothing captured is kept:
    paid shares are refunded, the stock goes back, the cart opens again)."""
    parsed = parse_key(order_key)
    if parsed is None or parsed[0] != "cart":
        raise CheckoutError(CheckoutErrorCode.ORDER_CLOSED)
    cancel_checkout(ctx, actor_id, parsed[1])
    with ctx.uow() as uow:
        uow.record(
            DomainEvent(
                aggregate="order",
                aggregate_id=order_key,
                version=0,
                kind=EventKind.ORDER_CANCELLED,
                payload={},
            )
        )


def refund_queue(ctx: Context, actor_id: int) -> list[RefundRow]:
    """Every refund request, waiting ones first, for the shop's admins only."""
    with ctx.uow() as uow:
        session = uow.session
        actor = session.get(User, actor_id)
        if actor is None or actor.role != Role.ADMIN:
            raise RefundError(RefundRefusal.ADMIN_ONLY)
        rows = session.exec(
            select(RefundRequest, User)
            .join(User, col(User.id) == col(RefundRequest.requester_id))
            .order_by(col(RefundRequest.id).desc())
            .limit(100)
        ).all()
        waiting = (RefundStatus.REQUESTED.value, RefundStatus.REFUNDING.value)
        out = [
            RefundRow(
                id=r.id or 0,
                order_key=r.order_key,
                requester=u.display_name,
                amount=format_minor(r.amount, r.currency),
                reason=r.reason,
                status=r.status,
                status_label=REFUND_LABELS.get(r.status, r.status),
                asked_at=as_utc(r.created_at).strftime("%d %b %Y, %H:%M UTC"),
                failure=r.failure,
                decidable=r.status in waiting,
            )
            for r, u in rows
        ]
        return sorted(out, key=lambda row: not row.decidable)

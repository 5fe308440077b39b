"""The rows every checkout step works on (internal to the checkout package): the order lock
each change starts with, payment shares that only move forward, and the money to move back
once a failure is committed."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select, update

from app.adapters.bus import EventBus
from app.adapters.db.models_orders import PaymentShare, ShopOrder
from app.adapters.db.models_people import User
from app.adapters.payments.gateway import PaymentErrorCode
from app.domain.checkout import (
    SHARE_MOVES_FROM,
    CheckoutError,
    CheckoutErrorCode,
    ShareStatus,
)
from app.services.unit_of_work import UnitOfWork, unit_of_work

SessionFactory = Callable[[], Session]
NO_SYNC = {"synchronize_session": False}

# Payment problems that say "this card won't pay": they fail the order. Anything else (the
# provider is down, a configuration mistake) leaves the share open so the payer can try again.
DECLINES = (
    PaymentErrorCode.CARD_DECLINED,
    PaymentErrorCode.AUTHENTICATION_REQUIRED,
    PaymentErrorCode.INVALID_STATE,
)


@dataclass
class AfterCommit:
    """Money to move back once a failure is committed: (order id, share id, intent id)."""

    refunds: list[tuple[int, int, str]] = field(default_factory=list)
    cancels: list[tuple[int, int, str]] = field(default_factory=list)

    def extend(self, other: AfterCommit) -> None:
        self.refunds.extend(other.refunds)
        self.cancels.extend(other.cancels)


def utcnow() -> datetime:
    return datetime.now(UTC)


def utc(moment: datetime) -> datetime:
    # SQLite hands datetimes back without a zone; we only ever store UTC.
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def label(moment: datetime | None) -> str:
    return f"{utc(moment):%d %b %Y, %H:%M} UTC" if moment else ""


def new_uow(
    session_factory: SessionFactory | None, event_bus: EventBus | None
) -> AbstractContextManager[UnitOfWork]:
    return unit_of_work(session_factory, event_bus)


def display_name(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.display_name if user else "Someone"


def lock_order(session: Session, order_id: int) -> ShopOrder:
    """Bump the order's version first thing: it serialises every change of this order."""
    row = session.exec(
        update(ShopOrder)
        .where(col(ShopOrder.id) == order_id)
        .values(version=col(ShopOrder.version) + 1)
        .returning(col(ShopOrder.id)),
        execution_options=NO_SYNC,
    ).first()
    if row is None:
        raise CheckoutError(CheckoutErrorCode.ORDER_NOT_FOUND)
    order = session.get(ShopOrder, order_id, populate_existing=True)
    assert order is not None
    return order


def share_of(session: Session, order_id: int, user_id: int) -> PaymentShare | None:
    return session.exec(
        select(PaymentShare)
        .where(PaymentShare.order_id == order_id, PaymentShare.user_id == user_id)
        .execution_options(populate_existing=True)
    ).first()


def move_share(
    session: Session, share_id: int, target: ShareStatus, now: datetime, **values: Any
) -> bool:
    """Move a share forward to `target` if it may go there; False when it was already past."""
    result = session.exec(
        update(PaymentShare)
        .where(
            col(PaymentShare.id) == share_id,
            col(PaymentShare.status).in_([s.value for s in SHARE_MOVES_FROM[target]]),
        )
        .values(status=target.value, updated_at=now, **values),
        execution_options=NO_SYNC,
    )
    return bool(result.rowcount)

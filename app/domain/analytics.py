"""What each logged event adds to the analytics metrics (pure rules, no storage).

A metric is counted per bucket of time (hour and day; minute for live sessions) and optionally
per dimension (a deal, a product, a live session). `ticks` says what one event adds; the few
metrics that need history (a visit starts after 30 quiet minutes, a returning shopper had paid
before) are decided by the consumer from its own small tables, with the rules here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

# Metric names (stored; keep them stable).
VISIT = "visit"
PAGE = "page"
VIEW_PRODUCT = "view.product"
VIEW_DEAL = "view.deal"
CART_ADD = "cart.add"
CHECKOUT = "checkout"
PAID = "paid"  # count: orders paid; amount: sales in minor units
PAID_RETURNING = "paid.returning"  # orders paid by a shopper who had paid on an earlier day
CART_SHARED = "cart.shared"
FRIEND_JOINED = "cart.friend_joined"
GROUP_FILLED = "group.filled"  # a shared cart went to checkout
GROUP_CAPTURED = "group.captured"  # ...and was paid
GROUP_PRODUCT = "group.product"  # dim: product id; count: quantity added in shared carts
DEAL_JOINED = "deal.joined"
DEAL_UNLOCKED = "deal.unlocked"
DEAL_CLOSED = "deal.closed"
DEAL_FILL = "deal.fill"  # dim: deal id; +1 a join, -1 a leave
LIVE_VIEWERS = "live.viewers"  # dim: session id; viewers arriving (minute grain)
LIVE_CHAT = "live.chat"
LIVE_JOINS = "live.joins"

HOUR, DAY, MINUTE = "h", "d", "m"
VISIT_GAP = timedelta(minutes=30)
ACTIVE_WINDOW = timedelta(minutes=5)


@dataclass(frozen=True)
class Tick:
    """One addition to a metric: `count` (and `amount`, money in minor units) in a bucket."""

    metric: str
    dim: str = ""
    count: int = 1
    amount: int = 0
    live: bool = False  # counted per minute (a live session's curve), not per hour and day


def _int(payload: dict[str, Any], key: str) -> int:
    value = payload.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def ticks(kind: str, aggregate_id: str, payload: dict[str, Any]) -> list[Tick]:
    """The metrics one logged event adds to (history-free ones only)."""
    if kind == "page.viewed":
        page, ref = str(payload.get("page", "")), str(payload.get("ref", ""))
        found = [Tick(PAGE)]
        if page == "product":
            found.append(Tick(VIEW_PRODUCT))
        elif page == "deal":
            found.append(Tick(VIEW_DEAL))
        elif page == "live" and ref.isdigit():
            found.append(Tick(LIVE_VIEWERS, ref, live=True))
        return found
    if kind == "cart.changed":
        return _cart_ticks(payload)
    if kind == "checkout.started":
        return [Tick(CHECKOUT)] + ([Tick(GROUP_FILLED)] if payload.get("shared") else [])
    if kind == "order.paid":
        amount = _int(payload, "amount")
        shared = [Tick(GROUP_CAPTURED)] if payload.get("shared") else []
        return [Tick(PAID, amount=amount), *shared]
    if kind == "deal.joined":
        return [Tick(DEAL_JOINED), Tick(DEAL_FILL, aggregate_id)]
    if kind == "deal.left":
        return [Tick(DEAL_FILL, aggregate_id, count=-1)]
    if kind == "deal.unlocked":
        return [Tick(DEAL_UNLOCKED)]
    if kind == "deal.closed":
        return [Tick(DEAL_CLOSED)]
    if kind == "message_posted" and aggregate_id.startswith("live:"):
        session_id = aggregate_id.split(":", 1)[1]
        return [Tick(LIVE_CHAT, session_id, live=True)] if session_id.isdigit() else []
    return []


def _cart_ticks(payload: dict[str, Any]) -> list[Tick]:
    action = payload.get("action")
    if action == "shared":
        return [Tick(CART_SHARED)]
    if action == "joined":
        return [Tick(FRIEND_JOINED)]
    if action == "added":
        found = [Tick(CART_ADD)]
        product = _int(payload, "product_id")
        if payload.get("shared") and product:
            found.append(Tick(GROUP_PRODUCT, str(product), count=max(1, _int(payload, "quantity"))))
        return found
    return []


def starts_visit(last_seen: datetime | None, at: datetime) -> bool:
    """A page view starts a visit when the visitor was away for 30 minutes (or never seen)."""
    return last_seen is None or at - last_seen >= VISIT_GAP


def is_returning(first_order_at: datetime | None, at: datetime) -> bool:
    """An order is a returning shopper's when they had paid an order on an earlier day."""
    return first_order_at is not None and first_order_at.date() < at.date()


def month_of(moment: datetime) -> datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def months_between(start: datetime, later: datetime) -> int:
    return (later.year - start.year) * 12 + later.month - start.month


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole > 0 else 0

"""What each logged event adds to the analytics metrics (pure rules, no storage).

A metric is counted per bucket of time (hour and day; minute for live sessions) and optionally
per dimension (a deal, a product, a live session). `ticks` says what one event adds; the few
metrics that need history (a visit starts after 30 quiet minutes, a returning shopper had paid
before) are decided by the consumer from its own small tables, with the rules here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.domain.numbers import is_digits

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
        elif page == "live" and is_digits(ref, 18):
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
        return [Tick(LIVE_CHAT, session_id, live=True)] if is_digits(session_id, 18) else []
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


def page_of(path: str) -> tuple[str, str]:
    """ "/product/mug" -> ("product", "mug"); "/deals/5" -> ("deal", "5"); "/" -> ("home", "")."""
    parts = [part for part in path.split("?", 1)[0].split("/") if part]
    if not parts:
        return "home", ""
    ref = parts[1] if len(parts) > 1 else ""
    if parts[0] == "deals" and is_digits(ref, 18):
        return "deal", ref
    if parts[0] == "live" and is_digits(ref, 18):
        return "live", ref
    return parts[0][:20], ref[:64]


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


# --------------------------------------------------------------------------- periods

MAX_RANGE_DAYS = 366
COMPARISONS = {"previous": "the period before", "week": "a week earlier", "year": "a year earlier"}


class RangeError(ValueError):
    """A date range that cannot be shown; `field` is "from" or "to" (where to say so)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, bucketed by hour for two days or less, by day beyond."""

    start: datetime
    end: datetime

    @property
    def grain(self) -> str:
        return HOUR if self.end - self.start <= timedelta(days=2) else DAY

    @property
    def step(self) -> timedelta:
        return timedelta(hours=1) if self.grain == HOUR else timedelta(days=1)

    def shifted(self, comparison: str) -> Period | None:
        """The period to compare with; None for no comparison."""
        back = {
            "previous": self.end - self.start,
            "week": timedelta(days=7),
            "year": timedelta(days=364),  # the same weekdays a year earlier
        }.get(comparison)
        return None if back is None else Period(self.start - back, self.end - back)


def _parse_day(field: str, raw: str) -> datetime:
    try:
        return datetime.strptime(raw.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise RangeError(field, "Enter a date as YYYY-MM-DD.") from None


def custom_period(raw_from: str, raw_to: str, now: datetime) -> Period:
    """The whole days from `raw_from` to `raw_to` (both included, UTC); RangeError if the
    dates are missing, reversed, in the future or more than a year apart."""
    start = _parse_day("from", raw_from)
    last = _parse_day("to", raw_to)
    if start.date() > now.date():
        raise RangeError("from", "The start can't be in the future.")
    if last < start:
        raise RangeError("to", "The end must be on or after the start.")
    if last.date() > now.date():
        raise RangeError("to", "The end can't be in the future.")
    if (last - start).days + 1 > MAX_RANGE_DAYS:
        raise RangeError("to", f"Choose at most {MAX_RANGE_DAYS} days.")
    return Period(start, last + timedelta(days=1))


def preset_period(days: int, now: datetime) -> Period:
    """The last 24 hours (days=1, to the end of this hour) or the last `days` whole days
    (today included)."""
    hour = now.replace(minute=0, second=0, microsecond=0)
    if days <= 1:
        end = hour + timedelta(hours=1)
        return Period(end - timedelta(days=1), end)
    end = hour.replace(hour=0) + timedelta(days=1)
    return Period(end - timedelta(days=days), end)

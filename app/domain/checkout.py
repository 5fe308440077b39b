"""Checkout rules: who pays what, which stock to reserve, how orders and payment shares move.

Pure functions over plain values, standard library only. The checkout service persists.

Vocabulary:
- an *order* is one checkout of one cart: a snapshot of its lines, the stock it reserved and one
  *payment share* per payer. It is complete when every share is paid;
- in ``owner_pays`` mode the owner's share is the whole total; in ``each_pays_own`` mode every
  member's share is the total of the lines they added (members with nothing to pay get no share);
- a share is declined, timed out or cancelled -> the order fails: reserved stock goes back,
  shares already paid are refunded and the cart is open again, as it was before checkout.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.domain.carts import SplitMode
from app.domain.money import format_minor
from app.domain.numbers import is_digits

# How long payers have to pay before the order times out and its stock goes back.
OWNER_PAYS_TIMEOUT = timedelta(minutes=15)
EACH_PAYS_TIMEOUT = timedelta(minutes=30)


class OrderStatus(StrEnum):
    PENDING = "pending"  # waiting for payments; the cart is locked and the stock reserved
    COMPLETE = "complete"  # every share paid
    FAILED = "failed"  # a payment was declined
    EXPIRED = "expired"  # not every share was paid in time
    CANCELLED = "cancelled"  # the owner called it off


CLOSED_ORDER = (
    OrderStatus.COMPLETE,
    OrderStatus.FAILED,
    OrderStatus.EXPIRED,
    OrderStatus.CANCELLED,
)


class ShareStatus(StrEnum):
    PENDING = "pending"  # not paid yet
    NEEDS_ACTION = "needs_action"  # the bank asked the payer to confirm (3-D Secure)
    PAID = "paid"
    FAILED = "failed"  # declined: this share failed the order
    EXPIRED = "expired"  # the order timed out before this share was paid
    VOIDED = "voided"  # the order failed for another reason before this share was paid
    REFUND_DUE = "refund_due"  # paid, but the order failed: the money must go back
    REFUNDED = "refunded"


OPEN_SHARE = (ShareStatus.PENDING, ShareStatus.NEEDS_ACTION)

# Where a share may come from when moving to a status: forward only, never back, so the pay call,
# the 3-D Secure confirmation, the timeout job and a retry can record the same fact in any order.
SHARE_MOVES_FROM: dict[ShareStatus, tuple[ShareStatus, ...]] = {
    ShareStatus.NEEDS_ACTION: (ShareStatus.PENDING,),
    ShareStatus.PAID: OPEN_SHARE,
    ShareStatus.FAILED: OPEN_SHARE,
    ShareStatus.EXPIRED: OPEN_SHARE,
    ShareStatus.VOIDED: OPEN_SHARE,
    # Paid before the order failed, or money that arrived after the share was closed.
    ShareStatus.REFUND_DUE: (ShareStatus.PAID, ShareStatus.EXPIRED, ShareStatus.VOIDED),
    ShareStatus.REFUNDED: (ShareStatus.REFUND_DUE,),
}


class ReservationStatus(StrEnum):
    HELD = "held"  # taken off the shelf for a pending order
    RELEASED = "released"  # given back: the order did not go through
    COMMITTED = "committed"  # sold: the order is complete


SHARE_LABELS: dict[str, str] = {
    ShareStatus.PENDING: "Waiting to pay",
    ShareStatus.NEEDS_ACTION: "Confirming with the bank",
    ShareStatus.PAID: "Paid",
    ShareStatus.FAILED: "Declined",
    ShareStatus.EXPIRED: "Timed out",
    ShareStatus.VOIDED: "Not charged",
    ShareStatus.REFUND_DUE: "Refund on its way",
    ShareStatus.REFUNDED: "Refunded",
}

ORDER_LABELS: dict[str, str] = {
    OrderStatus.PENDING: "Waiting for payment",
    OrderStatus.COMPLETE: "Complete",
    OrderStatus.FAILED: "Payment failed",
    OrderStatus.EXPIRED: "Timed out",
    OrderStatus.CANCELLED: "Cancelled",
}

MODE_LABELS: dict[str, str] = {
    SplitMode.OWNER_PAYS: "The owner pays for everything",
    SplitMode.EACH_PAYS_OWN: "Everyone pays for their own items",
}


class CheckoutErrorCode(StrEnum):
    """Why a checkout action is refused; `.message` is fit to show the person."""

    CART_NOT_FOUND = "cart_not_found"
    NOT_A_MEMBER = "not_a_member"
    OWNER_ONLY = "owner_only"
    EMPTY_CART = "empty_cart"
    OUT_OF_STOCK = "out_of_stock"
    CURRENCY_MISMATCH = "currency_mismatch"
    ORDER_NOT_FOUND = "order_not_found"
    NOTHING_TO_PAY = "nothing_to_pay"
    ORDER_CLOSED = "order_closed"
    ORDER_EXPIRED = "order_expired"
    NOT_WAITING_FOR_BANK = "not_waiting_for_bank"
    PAYMENT_FAILED = "payment_failed"
    PAYMENTS_UNAVAILABLE = "payments_unavailable"

    @property
    def message(self) -> str:
        return _MESSAGES[self]


_MESSAGES: dict[CheckoutErrorCode, str] = {
    CheckoutErrorCode.CART_NOT_FOUND: "This cart doesn't exist any more.",
    CheckoutErrorCode.NOT_A_MEMBER: "You're not a member of this cart.",
    CheckoutErrorCode.OWNER_ONLY: "Only the cart's owner can start or cancel the checkout.",
    CheckoutErrorCode.EMPTY_CART: "The cart is empty: add something before checking out.",
    CheckoutErrorCode.OUT_OF_STOCK: "Some items are no longer in stock.",
    CheckoutErrorCode.CURRENCY_MISMATCH: "Items in this cart are priced in different currencies.",
    CheckoutErrorCode.ORDER_NOT_FOUND: "We couldn't find that checkout.",
    CheckoutErrorCode.NOTHING_TO_PAY: "You have nothing to pay in this checkout.",
    CheckoutErrorCode.ORDER_CLOSED: "This checkout is over. Start a new one from the cart.",
    CheckoutErrorCode.ORDER_EXPIRED: (
        "This checkout ran out of time. The items went back on the shelf; start again."
    ),
    CheckoutErrorCode.NOT_WAITING_FOR_BANK: "This payment isn't waiting for your bank.",
    CheckoutErrorCode.PAYMENT_FAILED: "The payment didn't go through. Nobody was charged.",
    CheckoutErrorCode.PAYMENTS_UNAVAILABLE: "Payments are not configured",
}


class CheckoutError(ValueError):
    """A checkout action we refuse. `code` is for programs, `message` for people."""

    def __init__(self, code: CheckoutErrorCode, message: str | None = None) -> None:
        self.code = code
        self.message = message or code.message
        super().__init__(self.message)


@dataclass(frozen=True)
class CheckoutLine:
    """One cart line as it is checked out, with its price at that moment."""

    line_id: int
    product_id: int
    title: str
    added_by: int
    quantity: int
    unit_price: int
    currency: str

    @property
    def total(self) -> int:
        return self.quantity * self.unit_price


def payer_of(mode: SplitMode, line: CheckoutLine, owner_id: int) -> int:
    """Who pays for a line under a checkout mode."""
    return owner_id if mode is SplitMode.OWNER_PAYS else line.added_by


def compute_shares(
    mode: SplitMode, lines: Iterable[CheckoutLine], owner_id: int, currency: str
) -> dict[int, int]:
    """Payer id -> amount (minor units) for a checkout, only payers with something to pay.

    The amounts add up to the order total. Refuses an empty cart and mixed currencies.
    """
    shares: dict[int, int] = {}
    for line in lines:
        if line.currency != currency:
            raise CheckoutError(CheckoutErrorCode.CURRENCY_MISMATCH)
        if line.quantity < 1 or line.unit_price < 0:
            raise ValueError(f"bad line {line!r}")
        payer = payer_of(mode, line, owner_id)
        shares[payer] = shares.get(payer, 0) + line.total
    shares = {payer: amount for payer, amount in shares.items() if amount > 0}
    if not shares:
        raise CheckoutError(CheckoutErrorCode.EMPTY_CART)
    # The owner first, then by id: a stable order for the page and for tests.
    return dict(sorted(shares.items(), key=lambda item: (item[0] != owner_id, item[0])))


def stock_needed(lines: Iterable[CheckoutLine]) -> list[tuple[int, int]]:
    """(product id, quantity) summed over every member, sorted by product id.

    The fixed order matters: concurrent checkouts lock product rows in the same order, so they
    can wait for each other but never deadlock.
    """
    needed: dict[int, int] = {}
    for line in lines:
        needed[line.product_id] = needed.get(line.product_id, 0) + line.quantity
    return sorted(needed.items())


def short_stock_message(title: str, in_stock: int, wanted: int) -> str:
    if in_stock <= 0:
        return f"{title} is sold out. Take it out of the cart to check out."
    return (
        f"Only {in_stock} × {title} left, and the cart has {wanted}. "
        "Lower the quantity to check out."
    )


def order_is_paid(statuses: Iterable[str]) -> bool:
    """True when every share of an order is paid (and there is at least one)."""
    seen = list(statuses)
    return bool(seen) and all(s == ShareStatus.PAID for s in seen)


def checkout_expires_at(mode: SplitMode, now: datetime) -> datetime:
    """Paying for yourself takes a minute; collecting from friends takes longer."""
    return now + (OWNER_PAYS_TIMEOUT if mode is SplitMode.OWNER_PAYS else EACH_PAYS_TIMEOUT)


def is_overdue(expires_at: datetime, now: datetime) -> bool:
    return expires_at <= now


# --------------------------------------------------------------------------- idempotency keys
# Derived from our own ids so a retry (double click, crash and rerun, another process running
# the same job) sends the same key and cannot move money twice.


def charge_key(order_id: int, payer_id: int) -> str:
    return f"order-{order_id}-payer-{payer_id}-charge"


def refund_key(order_id: int, share_id: int, intent_id: str) -> str:
    return f"order-{order_id}-share-{share_id}-refund-{intent_id}"


def cancel_key(order_id: int, share_id: int) -> str:
    return f"order-{order_id}-share-{share_id}-cancel"


# --------------------------------------------------------------------------- activity text


def checkout_started_text(actor: str, mode: SplitMode, total: int, currency: str) -> str:
    if mode is SplitMode.OWNER_PAYS:
        return f"{actor} is checking out {format_minor(total, currency)}"
    return f"{actor} started checkout: everyone pays for their own items"


def share_paid_text(payer: str, amount: int, currency: str) -> str:
    return f"{payer} paid {format_minor(amount, currency)}"


def needs_action_text(payer: str) -> str:
    return f"{payer}'s bank asked them to confirm the payment"


def order_complete_text(order_id: int) -> str:
    return f"Order #{order_id} is paid. Thank you!"


def declined_text(payer: str) -> str:
    return f"{payer}'s payment was declined, so checkout stopped. The cart is open again"


def expired_text() -> str:
    return "Checkout ran out of time. The items went back on the shelf and the cart is open again"


def cancelled_text(actor: str) -> str:
    return f"{actor} cancelled the checkout. The cart is open again"


# --------------------------------------------------------------------------- form input

_AMOUNT_MAX_UNITS = 1_000_000


def parse_amount(raw: str | None, currency: str = "USD") -> int | None:
    """A typed amount ("40", "40.5", "1,250.00") in minor units; None when left empty.

    Raises ValueError with a message for the form on anything else (no floats involved).
    """
    text = (raw or "").strip().replace(",", "").replace("$", "").replace("€", "")
    if not text:
        return None
    whole, _, cents = text.partition(".")
    if not is_digits(whole) or (cents and not is_digits(cents, 2)):
        raise ValueError("Enter an amount like 40 or 40.50.")
    units = int(whole)
    if units > _AMOUNT_MAX_UNITS:
        raise ValueError("That amount is too large.")
    minor = units * 100 + int(cents.ljust(2, "0") if cents else "0")
    if minor <= 0:
        raise ValueError("A budget must be more than zero.")
    return minor

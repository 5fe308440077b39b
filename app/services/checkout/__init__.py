"""Checkout: turn a cart into an order, collect its payment shares, reserve and release stock.

How it stays correct with double clicks, several processes and a payment provider that answers
late, on SQLite as on PostgreSQL (no SELECT ... FOR UPDATE anywhere):

- Starting a checkout (`starting`) locks the cart (`carts.claim_for_checkout`: one conditional
  UPDATE that also serialises it with every edit), snapshots its lines into an order, and takes
  the stock off the shelf. One pending order per cart (a partial unique index) makes a second
  click return the first order.
- Payments (`paying`, `bank_check`) happen outside any transaction, with idempotency keys
  derived from our ids (`order-12-payer-7-charge`), and their outcome is recorded afterwards.
  Every transaction that changes an order starts by bumping its `version` (a row lock), so the
  last two payers of a split order, the timeout job and a cancel all see each other's work.
- Shares only move forward (domain `SHARE_MOVES_FROM`), so the pay call, a retry, the 3-D
  Secure confirmation and the timeout job can record the same fact in any order.
- A decline, a timeout or a cancel fails the order (`failing`): stock back, paid shares
  refunded, the cart as it was.
- Every change is news on the cart's channel (a cart version bump with an activity line), so
  the cart page of every member redraws the checkout live.
- `views` and `orders` are what the cart page's checkout panel and the orders page show.
"""

from app.domain.checkout import CheckoutError, CheckoutErrorCode
from app.services.checkout.bank_check import answer_bank_check, confirm_with_bank
from app.services.checkout.failing import cancel_cart_checkout, cancel_checkout, expire_checkouts
from app.services.checkout.orders import list_orders
from app.services.checkout.paying import checkout_and_pay, pay_my_share, pay_share
from app.services.checkout.starting import start_checkout
from app.services.checkout.views import (
    CheckoutView,
    OrderLineView,
    OrderView,
    PaymentOutcome,
    ShareView,
    checkout_view,
)

__all__ = [
    "CheckoutError",
    "CheckoutErrorCode",
    "CheckoutView",
    "OrderLineView",
    "OrderView",
    "PaymentOutcome",
    "ShareView",
    "answer_bank_check",
    "cancel_cart_checkout",
    "checkout_and_pay",
    "cancel_checkout",
    "checkout_view",
    "confirm_with_bank",
    "expire_checkouts",
    "list_orders",
    "pay_my_share",
    "pay_share",
    "start_checkout",
]

"""The cart page's checkout: pay with a test card, start a split checkout, answer the test
bank's 3-D Secure check, cancel. Each handler makes ONE call into `app.services.checkout`;
starting and paying, the owner's "Pay" button, is one use case there too.

A substate of `CartState`: it reads the loaded cart (`cart_id`) and the card chosen with the
sandbox chooser (`card`), and sets `paying` while a payment is on its way. Handlers:
set_card(kind) ("success" | "decline" | "3ds"), pay_all() (the owner pays everything),
start_checkout() (split: the owner opens it), pay_my_share(), confirm_bank(approved),
cancel_checkout() (owner). The checkout panel redraws from the cart room's push.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import reflex as rx

from app.domain.carts import CartError
from app.domain.checkout import CheckoutError
from app.domain.payments import SandboxCard, sandbox_card
from app.services import checkout
from app.services.checkout import PaymentOutcome
from app.services.context import Context, app_context
from app.states.carts import CartState

PayUseCase = Callable[[Context, int, int, SandboxCard], PaymentOutcome]


class CartCheckoutState(CartState):
    @rx.event
    def set_card(self, kind: str) -> None:
        self.card = kind if sandbox_card(kind) else SandboxCard.SUCCESS.value

    async def _pay(self, use_case: PayUseCase) -> AsyncIterator[Any]:
        user = await self._user_now()
        if user is None:
            yield self.ask_to_sign_in()
            return
        card = sandbox_card(self.card)
        if card is None:
            yield rx.toast.error("Choose a test card.")
            return
        self.paying = True
        yield
        try:
            outcome = await asyncio.to_thread(use_case, app_context(), user.id, self.cart_id, card)
        except (CheckoutError, CartError) as refusal:
            yield rx.toast.error(refusal.message)
            return
        finally:
            self.paying = False
        yield _toast(outcome)

    @rx.event
    async def pay_all(self) -> AsyncIterator[Any]:
        """Owner pays everything: start the checkout and pay the whole total."""
        async for step in self._pay(checkout.checkout_and_pay):
            yield step

    @rx.event
    async def pay_my_share(self) -> AsyncIterator[Any]:
        async for step in self._pay(checkout.pay_my_share):
            yield step

    @rx.event
    async def start_checkout(self) -> AsyncIterator[Any]:
        """Split checkout: lock the cart and ask every member for their share."""
        user = await self._user_now()
        if user is None:
            yield self.ask_to_sign_in()
            return
        try:
            await asyncio.to_thread(checkout.start_checkout, app_context(), user.id, self.cart_id)
        except CheckoutError as refusal:
            yield rx.toast.error(refusal.message)
            return
        yield rx.toast.success("Checkout started: everyone can pay their share now")

    @rx.event
    async def confirm_bank(self, approved: bool) -> AsyncIterator[Any]:
        """The test bank's answer to the 3-D Secure check of the shopper's share."""
        user = await self._user_now()
        if user is None:
            yield self.ask_to_sign_in()
            return
        self.paying = True
        yield
        try:
            outcome = await asyncio.to_thread(
                checkout.answer_bank_check, app_context(), user.id, self.cart_id, bool(approved)
            )
        except CheckoutError as refusal:
            yield rx.toast.error(refusal.message)
            return
        finally:
            self.paying = False
        yield rx.toast.success(outcome.message) if outcome.paid else rx.toast.info(outcome.message)

    @rx.event
    async def cancel_checkout(self) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in()
        try:
            await asyncio.to_thread(
                checkout.cancel_cart_checkout, app_context(), user.id, self.cart_id
            )
        except CheckoutError as refusal:
            return rx.toast.error(refusal.message)
        return rx.toast.info("Checkout cancelled")


class CartCardState(CartCheckoutState):
    """Real Stripe keys: the payer's card goes through Stripe's Payment Element in the browser
    (assets/stripe-pay.js), the server pays with the PaymentMethod it made, and Stripe.js
    finishes 3-D Secure; then the payment is read back from Stripe."""

    @rx.event
    def pay_by_card(self, kind: str) -> Any:
        """kind "all": the owner pays the whole cart; "share": the payer's own share."""
        request = json.dumps({"kind": "all" if kind == "all" else "share", "team": 0})
        return rx.call_script(
            f"window.bandwagonPay.paymentMethod({request})",
            callback=CartCardState.pay_with_method,
        )

    @rx.event
    async def pay_with_method(self, result: dict[str, Any]) -> AsyncIterator[Any]:
        user = await self._user_now()
        if user is None:
            yield self.ask_to_sign_in()
            return
        method = str((result or {}).get("id", "")) if isinstance(result, dict) else ""
        if not method.startswith("pm_"):
            message = str((result or {}).get("error") or "Your card details aren't complete.")
            yield rx.toast.error(message)
            return
        use_case = (
            checkout.checkout_and_pay_by_card
            if result.get("kind") == "all"
            else checkout.pay_my_share_by_card
        )
        self.paying = True
        yield
        try:
            outcome = await asyncio.to_thread(
                use_case, app_context(), user.id, self.cart_id, method
            )
        except (CheckoutError, CartError) as refusal:
            yield rx.toast.error(refusal.message)
            return
        finally:
            self.paying = False
        if outcome.client_secret:
            secret = json.dumps(outcome.client_secret)
            yield rx.call_script(
                f"window.bandwagonPay.confirm({secret})", callback=CartCardState.bank_check_done
            )
            return
        yield _toast(outcome)

    @rx.event
    async def bank_check_done(self, _result: Any = None) -> AsyncIterator[Any]:
        """Stripe.js finished the bank's check: read the payment back and record it."""
        user = await self._user_now()
        if user is None:
            yield self.ask_to_sign_in()
            return
        try:
            outcome = await asyncio.to_thread(
                checkout.confirm_my_payment, app_context(), user.id, self.cart_id
            )
        except CheckoutError as refusal:
            yield rx.toast.error(refusal.message)
            return
        yield _toast(outcome)


def _toast(outcome: PaymentOutcome) -> Any:
    if outcome.paid:
        return rx.toast.success(outcome.message)
    return rx.toast.info(outcome.message)  # the bank's check, or still processing

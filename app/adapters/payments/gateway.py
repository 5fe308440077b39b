"""What the services need from a payment provider, without naming one.

Services depend on `PaymentGateway`; `stripe_gateway.StripeGateway` implements it (against Stripe
or localstripe) and tests may hand-write a fake. No SDK import here, so the domain and services
stay importable without stripe installed.

All calls are synchronous network calls: from async code (Reflex handlers, lifespan tasks) run
them with `await asyncio.to_thread(gateway.authorize, ...)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

from app.domain.payments import SandboxCard


class PaymentStatus(StrEnum):
    """The provider's PaymentIntent status, reduced to what the services act on."""

    REQUIRES_CAPTURE = "requires_capture"  # held: capture or cancel at close
    REQUIRES_ACTION = "requires_action"  # 3-D Secure: the browser must finish it
    SUCCEEDED = "succeeded"  # money taken
    PROCESSING = "processing"
    CANCELED = "canceled"  # hold released / never taken
    REQUIRES_PAYMENT_METHOD = "requires_payment_method"  # declined or authentication failed
    REQUIRES_CONFIRMATION = "requires_confirmation"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PaymentResult:
    """One PaymentIntent as the app sees it.

    `amount` is what was asked for; `amount_captured` what was actually taken so far (0 while
    held). `client_secret` is set when the browser must act (3-D Secure).
    """

    intent_id: str
    status: PaymentStatus
    amount: int
    currency: str
    amount_captured: int = 0
    amount_capturable: int = 0
    customer_id: str | None = None
    payment_method_id: str | None = None
    client_secret: str | None = None
    next_action: Mapping[str, object] | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)

    @property
    def needs_action(self) -> bool:
        return self.status is PaymentStatus.REQUIRES_ACTION

    @property
    def is_held(self) -> bool:
        return self.status is PaymentStatus.REQUIRES_CAPTURE


@dataclass(frozen=True)
class SavedCard:
    """A card saved for later off-session charges (a confirmed SetupIntent)."""

    setup_intent_id: str
    status: str  # "succeeded" or "requires_action"
    customer_id: str
    payment_method_id: str | None
    client_secret: str | None = None

    @property
    def needs_action(self) -> bool:
        return self.status == "requires_action"


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    intent_id: str
    amount: int
    status: str


class PaymentErrorCode(StrEnum):
    CARD_DECLINED = "card_declined"
    AUTHENTICATION_REQUIRED = "authentication_required"  # off-session charge needs the shopper
    AMOUNT_TOO_LARGE = "amount_too_large"  # capture above the authorisation
    INVALID_STATE = "invalid_state"  # e.g. capturing a released hold
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"  # same key, different request
    NOT_FOUND = "not_found"
    INVALID_REQUEST = "invalid_request"
    PROVIDER_UNAVAILABLE = "provider_unavailable"  # network, rate limit, 5xx: retry later
    CONFIGURATION = "configuration"  # bad API key and such: an operator must fix it


_USER_MESSAGES: dict[PaymentErrorCode, str] = {
    PaymentErrorCode.CARD_DECLINED: "Your card was declined. Try another card.",
    PaymentErrorCode.AUTHENTICATION_REQUIRED: (
        "Your bank needs you to confirm this payment. Open the deal to approve it."
    ),
    PaymentErrorCode.AMOUNT_TOO_LARGE: "That amount is more than the card hold allows.",
    PaymentErrorCode.INVALID_STATE: "This payment can no longer be changed.",
    PaymentErrorCode.IDEMPOTENCY_CONFLICT: "This payment was already submitted differently.",
    PaymentErrorCode.NOT_FOUND: "We couldn't find that payment.",
    PaymentErrorCode.INVALID_REQUEST: "Something went wrong with this payment. Nobody was charged.",
    PaymentErrorCode.PROVIDER_UNAVAILABLE: (
        "Payments are unavailable right now. Please try again in a minute."
    ),
    PaymentErrorCode.CONFIGURATION: "Payments are not set up correctly. Please tell the shop.",
}


class PaymentError(Exception):
    """A payment that did not go through.

    `code` is for the program (a PaymentErrorCode), `user_message` for the shopper, `detail` for
    logs (the provider's own message; never show it to shoppers). `intent_id` is set when the
    provider created a PaymentIntent before failing (a declined authorisation).
    """

    def __init__(
        self,
        code: PaymentErrorCode,
        detail: str = "",
        *,
        user_message: str | None = None,
        decline_code: str | None = None,
        intent_id: str | None = None,
    ) -> None:
        self.code = code
        self.detail = detail
        self.user_message = user_message or _USER_MESSAGES[code]
        self.decline_code = decline_code
        self.intent_id = intent_id
        super().__init__(f"{code.value}: {detail}" if detail else code.value)

    @property
    def retryable(self) -> bool:
        return self.code is PaymentErrorCode.PROVIDER_UNAVAILABLE


@runtime_checkable
class PaymentGateway(Protocol):
    """Money operations the services use. Every mutating call takes an idempotency key: derive it
    from what the call is about (e.g. f"hold:{deal_id}:{user_id}") so a retry can't double-charge.
    Amounts are integer minor units; currency is an ISO code (any case)."""

    def create_customer(
        self,
        *,
        email: str | None,
        name: str | None,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
    ) -> str:
        """Create a provider customer; return its id."""
        ...

    def authorize(
        self,
        *,
        amount: int,
        currency: str,
        customer: str | None,
        payment_method: str,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
    ) -> PaymentResult:
        """Place a hold (manual capture). REQUIRES_CAPTURE or REQUIRES_ACTION; raises
        PaymentError(CARD_DECLINED) on a decline."""
        ...

    def capture(self, intent_id: str, *, amount: int, idempotency_key: str) -> PaymentResult:
        """Capture `amount` (at most the hold) and release the rest."""
        ...

    def cancel(self, intent_id: str, *, idempotency_key: str) -> PaymentResult:
        """Release a hold (or abandon an unfinished payment)."""
        ...

    def charge_now(
        self,
        *,
        amount: int,
        currency: str,
        customer: str | None,
        payment_method: str,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
    ) -> PaymentResult:
        """Take the money immediately (owner checkout, split payments)."""
        ...

    def save_card(
        self,
        *,
        customer: str,
        payment_method: str,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
    ) -> SavedCard:
        """Save a card for an off-session charge later (long deals)."""
        ...

    def charge_saved(
        self,
        *,
        amount: int,
        currency: str,
        customer: str,
        payment_method: str,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
    ) -> PaymentResult:
        """Charge a saved card without the shopper present; PaymentError(AUTHENTICATION_REQUIRED)
        when the bank wants them back."""
        ...

    def refund(self, intent_id: str, *, amount: int | None, idempotency_key: str) -> RefundResult:
        """Refund `amount` (None: everything captured)."""
        ...

    def retrieve(self, intent_id: str) -> PaymentResult:
        """The PaymentIntent as it stands now."""
        ...

    def retrieve_setup(self, setup_intent_id: str) -> SavedCard:
        """A SetupIntent (a card being saved) as it stands now."""
        ...


class SandboxPayments(Protocol):
    """What only a test payment server offers: cards that never move money and a stand-in for
    the shopper's bank. The app has one only with the local test server."""

    def payment_method(self, card: SandboxCard) -> str:
        """A payment method id for one of the sandbox's test cards."""
        ...

    def answer_bank_check(self, intent_id: str, *, approve: bool) -> None:
        """Pass or fail the 3-D Secure check of a payment (pi_) or a card being saved (seti_)."""
        ...

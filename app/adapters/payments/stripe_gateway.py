"""`PaymentGateway` on the official Stripe SDK, against Stripe itself or localstripe.

Responses are read as plain dicts (`StripeObject.to_dict()`) with `.get`, never by attribute, so
the shape differences between Stripe and localstripe's older objects (`latest_charge` is an
object there and an id here, `amount_received` / `amount_capturable` are missing there) do not
matter.

Idempotency: every mutating call sends the caller's idempotency key to Stripe. localstripe ignores
those keys, so the gateway also remembers recent keys in-process (see `_IdempotencyGuard`): the
same key with the same request returns the first result instead of creating a second hold, and
the same key with a different request raises IDEMPOTENCY_CONFLICT, as Stripe does. That memory is
per process and lost on restart; the service layer stays responsible for idempotency across
processes (a unique row per hold, written before the call, with the intent id stored after).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import stripe

from app.adapters.payments.gateway import (
    PaymentError,
    PaymentErrorCode,
    PaymentResult,
    PaymentStatus,
    RefundResult,
    SavedCard,
)
from app.domain.payments import SandboxCard

# Stripe's own test PaymentMethods for the sandbox cards (app.domain.payments). localstripe only
# knows pm_card_visa, pm_card_visa_chargeDeclined and pm_card_chargeCustomerFail, so there the
# sandbox creates the 3-D Secure card from its number (see `sandbox.LocalSandbox`).
TEST_CARDS: dict[SandboxCard, str] = {
    SandboxCard.SUCCESS: "pm_card_visa",
    SandboxCard.DECLINE: "pm_card_chargeCustomerFail",
    SandboxCard.THREE_DS: "pm_card_authenticationRequiredOnSetup",
}

LOCAL_SECRET_KEY = "sk_test_localstripe"  # localstripe accepts any key starting with sk_

T = TypeVar("T")


class _IdempotencyGuard:
    """Remembers the result of recent idempotent calls in this process.

    Calls with the same key are serialised, so a double click cannot race two holds through
    localstripe (Stripe itself would answer the second with a 409 instead).
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._results: OrderedDict[str, tuple[str, object]] = OrderedDict()
        self._in_flight: dict[str, threading.Lock] = {}

    def run(self, key: str, fingerprint: str, call: Callable[[], T]) -> T:
        if not key or not isinstance(key, str):
            raise ValueError("an idempotency key is required for every payment change")
        with self._lock:
            key_lock = self._in_flight.setdefault(key, threading.Lock())
        try:
            with key_lock:
                with self._lock:
                    hit = self._results.get(key)
                    if hit is not None:
                        self._results.move_to_end(key)
                if hit is not None:
                    if hit[0] != fingerprint:
                        raise PaymentError(
                            PaymentErrorCode.IDEMPOTENCY_CONFLICT,
                            f"key {key!r} was already used for a different request",
                        )
                    return hit[1]  # type: ignore[return-value]
                # Errors are not remembered: a declined card may be retried with the same key
                # (Stripe would replay the decline; a fresh attempt is just as safe).
                result = call()
                with self._lock:
                    self._results[key] = (fingerprint, result)
                    while len(self._results) > self._size:
                        self._results.popitem(last=False)
                return result
        finally:
            with self._lock:
                if self._in_flight.get(key) is key_lock and not key_lock.locked():
                    del self._in_flight[key]


def _fingerprint(operation: str, **params: object) -> str:
    return repr((operation, sorted(params.items(), key=lambda item: item[0])))


def _check_amount(amount: int, name: str = "amount") -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        raise ValueError(f"{name} must be a positive int of minor units, got {amount!r}")


def _check_currency(currency: str) -> str:
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha()):
        raise ValueError(f"currency must be a 3-letter ISO code, got {currency!r}")
    return currency.lower()


def _id_of(value: object) -> str | None:
    """An expandable field: an id string, an object with an id, or nothing."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        found = value.get("id")
        return found if isinstance(found, str) else None
    return None


def _status(raw: object) -> PaymentStatus:
    try:
        return PaymentStatus(str(raw))
    except ValueError:
        return PaymentStatus.UNKNOWN


def _error_body(error: stripe.StripeError) -> dict[str, Any]:
    body = error.json_body
    inner = body.get("error") if isinstance(body, dict) else None
    return inner if isinstance(inner, dict) else {}


def _translate(error: stripe.StripeError) -> PaymentError:
    """Map an SDK exception to a PaymentError the services and shoppers understand."""
    body = _error_body(error)
    code = error.code or body.get("code")
    detail = str(body.get("message") or error.user_message or error)
    intent_id = _id_of(body.get("payment_intent"))
    decline_code = body.get("decline_code")
    if isinstance(error, stripe.CardError):
        kind = (
            PaymentErrorCode.AUTHENTICATION_REQUIRED
            if code == "authentication_required" or decline_code == "authentication_required"
            else PaymentErrorCode.CARD_DECLINED
        )
        return PaymentError(kind, detail, decline_code=decline_code, intent_id=intent_id)
    if isinstance(error, stripe.IdempotencyError):
        return PaymentError(PaymentErrorCode.IDEMPOTENCY_CONFLICT, detail)
    if isinstance(error, stripe.InvalidRequestError):
        if error.http_status == 404 or code == "resource_missing":
            return PaymentError(PaymentErrorCode.NOT_FOUND, detail)
        if code == "payment_intent_unexpected_state":
            return PaymentError(PaymentErrorCode.INVALID_STATE, detail, intent_id=intent_id)
        if code == "amount_too_large":
            return PaymentError(PaymentErrorCode.AMOUNT_TOO_LARGE, detail)
        return PaymentError(PaymentErrorCode.INVALID_REQUEST, detail, intent_id=intent_id)
    if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        return PaymentError(PaymentErrorCode.CONFIGURATION, detail)
    if isinstance(error, stripe.APIConnectionError | stripe.RateLimitError | stripe.APIError):
        return PaymentError(PaymentErrorCode.PROVIDER_UNAVAILABLE, detail)
    return PaymentError(PaymentErrorCode.INVALID_REQUEST, detail)


class StripeGateway:
    """PaymentGateway backed by `stripe.StripeClient`.

    `api_base` points the SDK at localstripe (e.g. "http://127.0.0.1:8420"); None means Stripe.
    Methods are synchronous: call them from async code through `asyncio.to_thread`.
    """

    def __init__(
        self,
        secret_key: str,
        *,
        api_base: str | None = None,
        max_network_retries: int | None = None,
        remembered_keys: int = 4096,
    ) -> None:
        if not secret_key or not secret_key.startswith(("sk_", "rk_")):
            raise ValueError("a Stripe secret key (sk_... or rk_...) is required")
        self.api_base = api_base.rstrip("/") if api_base else None
        self._secret_key = secret_key
        if max_network_retries is None:
            # Stripe: retry network blips (the SDK reuses our idempotency key, so it is safe).
            # localstripe runs beside us; a retry would only hide a crash.
            max_network_retries = 0 if self.api_base else 2
        if self.api_base:
            client = stripe.StripeClient(
                secret_key,
                base_addresses={"api": self.api_base},
                max_network_retries=max_network_retries,
            )
        else:
            client = stripe.StripeClient(secret_key, max_network_retries=max_network_retries)
        # Typed params are TypedDicts that fight plain dicts built at run time; the adapter's own
        # signatures carry the typing instead.
        self._v1: Any = client.v1
        self._guard = _IdempotencyGuard(remembered_keys)

    @property
    def is_local(self) -> bool:
        """True when talking to localstripe rather than Stripe."""
        return self.api_base is not None

    @property
    def secret_key(self) -> str:
        return self._secret_key

    @property
    def client_v1(self) -> Any:
        """The SDK's v1 surface, for the local sandbox's test-only calls."""
        return self._v1

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Run one SDK call with this gateway's error translation."""
        return self._call(fn, *args, **kwargs)

    # ------------------------------------------------------------------ plumbing

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            response = fn(*args, **kwargs)
        except stripe.StripeError as error:
            raise _translate(error) from error
        data: dict[str, Any] = response.to_dict()
        return data

    @staticmethod
    def _options(idempotency_key: str) -> dict[str, str]:
        return {"idempotency_key": idempotency_key}

    def _amount_captured(self, intent: Mapping[str, Any], status: PaymentStatus) -> int:
        received = intent.get("amount_received")
        if isinstance(received, int):
            return received
        # localstripe has no amount_received: read the charge. A partial capture there captures
        # everything and refunds the rest, so captured = amount - refunded.
        if status is not PaymentStatus.SUCCEEDED:
            return 0
        charge = intent.get("latest_charge")
        if isinstance(charge, str):
            charge = self._call(self._v1.charges.retrieve, charge)
        if not isinstance(charge, Mapping):
            return 0
        captured = charge.get("amount_captured")
        if isinstance(captured, int):
            return captured
        amount = int(charge.get("amount", 0))
        refunds = (charge.get("refunds") or {}).get("data")
        if isinstance(refunds, list):
            # localstripe records the released remainder as a refund without a payment_intent;
            # our own refunds always name the intent, and must not lower the captured amount.
            released = sum(
                int(r.get("amount", 0))
                for r in refunds
                if isinstance(r, Mapping) and not r.get("payment_intent")
            )
            return amount - released
        return amount - int(charge.get("amount_refunded", 0) or 0)

    def _result(self, intent: Mapping[str, Any]) -> PaymentResult:
        status = _status(intent.get("status"))
        amount = int(intent.get("amount", 0))
        capturable = intent.get("amount_capturable")
        if not isinstance(capturable, int):
            capturable = amount if status is PaymentStatus.REQUIRES_CAPTURE else 0
        needs_action = status is PaymentStatus.REQUIRES_ACTION
        metadata = intent.get("metadata") or {}
        return PaymentResult(
            intent_id=str(intent["id"]),
            status=status,
            amount=amount,
            currency=str(intent.get("currency", "")).upper(),
            amount_captured=self._amount_captured(intent, status),
            amount_capturable=capturable,
            customer_id=_id_of(intent.get("customer")),
            payment_method_id=_id_of(intent.get("payment_method")),
            # The secret lets a browser finish 3-D Secure; hand it out only when that is needed.
            client_secret=intent.get("client_secret") if needs_action else None,
            next_action=intent.get("next_action") if needs_action else None,
            metadata={str(k): str(v) for k, v in dict(metadata).items()},
        )

    def _create_intent(
        self,
        operation: str,
        idempotency_key: str,
        params: dict[str, Any],
        accept: tuple[PaymentStatus, ...],
    ) -> PaymentResult:
        def call() -> PaymentResult:
            intent = self._call(
                self._v1.payment_intents.create, params, options=self._options(idempotency_key)
            )
            result = self._result(intent)
            if result.status is PaymentStatus.REQUIRES_PAYMENT_METHOD:
                # Stripe normally raises a 402 for a decline; some declines come back as a
                # PaymentIntent waiting for another card instead.
                error = intent.get("last_payment_error") or {}
                raise PaymentError(
                    PaymentErrorCode.CARD_DECLINED,
                    str(error.get("message") or "declined"),
                    decline_code=error.get("decline_code"),
                    intent_id=result.intent_id,
                )
            if result.status not in accept:
                raise PaymentError(
                    PaymentErrorCode.INVALID_STATE,
                    f"{operation} left the payment {result.status.value}",
                    intent_id=result.intent_id,
                )
            return result

        return self._guard.run(idempotency_key, _fingerprint(operation, **params), call)

    # ------------------------------------------------------------------ PaymentGateway

    def create_customer(
        self,
        *,
        email: str | None,
        name: str | None,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
    ) -> str:
        """Create a Stripe customer and return its id (cus_...)."""
        params: dict[str, Any] = {"metadata": dict(metadata or {})}
        if email:
            params["email"] = email
        if name:
            params["name"] = name

        def call() -> str:
            customer = self._call(
                self._v1.customers.create, params, options=self._options(idempotency_key)
            )
            return str(customer["id"])

        return self._guard.run(idempotency_key, _fingerprint("customer", **params), call)

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
        """Hold `amount` on the card (manual capture).

        Returns REQUIRES_CAPTURE, or REQUIRES_ACTION with `client_secret` for 3-D Secure.
        Raises PaymentError(CARD_DECLINED) when the bank says no.
        """
        _check_amount(amount)
        params = self._intent_params(amount, currency, customer, payment_method, metadata)
        params["capture_method"] = "manual"
        return self._create_intent(
            "authorize",
            idempotency_key,
            params,
            (PaymentStatus.REQUIRES_CAPTURE, PaymentStatus.REQUIRES_ACTION),
        )

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
        """Take `amount` now (automatic capture): SUCCEEDED, PROCESSING or REQUIRES_ACTION."""
        _check_amount(amount)
        params = self._intent_params(amount, currency, customer, payment_method, metadata)
        params["capture_method"] = "automatic"
        return self._create_intent(
            "charge_now",
            idempotency_key,
            params,
            (PaymentStatus.SUCCEEDED, PaymentStatus.PROCESSING, PaymentStatus.REQUIRES_ACTION),
        )

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
        """Charge a saved card with the shopper away (a long deal closing).

        Raises PaymentError(AUTHENTICATION_REQUIRED, intent_id=...) when the bank wants the shopper
        to confirm: the service should ask them to come back and finish on that intent.
        """
        _check_amount(amount)
        params = self._intent_params(amount, currency, customer, payment_method, metadata)
        params["capture_method"] = "automatic"
        params["off_session"] = True
        try:
            return self._create_intent(
                "charge_saved",
                idempotency_key,
                params,
                (PaymentStatus.SUCCEEDED, PaymentStatus.PROCESSING),
            )
        except PaymentError as error:
            # localstripe answers an off-session 3-D Secure card with requires_action instead of
            # Stripe's 402 authentication_required: make both look the same.
            if error.code is PaymentErrorCode.INVALID_STATE and error.intent_id:
                current = self.retrieve(error.intent_id)
                if current.needs_action:
                    raise PaymentError(
                        PaymentErrorCode.AUTHENTICATION_REQUIRED,
                        "off-session payment needs authentication",
                        intent_id=current.intent_id,
                    ) from error
            raise

    @staticmethod
    def _intent_params(
        amount: int,
        currency: str,
        customer: str | None,
        payment_method: str,
        metadata: Mapping[str, str] | None,
    ) -> dict[str, Any]:
        if not payment_method:
            raise ValueError("a payment method is required")
        params: dict[str, Any] = {
            "amount": amount,
            "currency": _check_currency(currency),
            "payment_method": payment_method,
            # Cards only: with Stripe's automatic payment methods, confirming server-side would
            # need a return_url for redirect methods (and localstripe rejects that parameter).
            "payment_method_types": ["card"],
            "confirm": True,
            "metadata": {str(k): str(v) for k, v in (metadata or {}).items()},
        }
        if customer:
            params["customer"] = customer
        return params

    def capture(self, intent_id: str, *, amount: int, idempotency_key: str) -> PaymentResult:
        """Capture `amount` of a hold; the rest of the hold is released.

        Raises PaymentError(AMOUNT_TOO_LARGE) above the hold without calling the provider, and
        INVALID_STATE if the hold is gone. Capturing again after a success with the same amount
        (a retry after a crash) returns the captured payment.
        """
        _check_amount(amount, "amount to capture (release the hold instead of capturing 0)")

        def call() -> PaymentResult:
            current = self.retrieve(intent_id)
            if current.status is PaymentStatus.SUCCEEDED and current.amount_captured == amount:
                return current
            if current.status is not PaymentStatus.REQUIRES_CAPTURE:
                raise PaymentError(
                    PaymentErrorCode.INVALID_STATE,
                    f"cannot capture a payment that is {current.status.value}",
                    intent_id=intent_id,
                )
            if amount > current.amount_capturable:
                raise PaymentError(
                    PaymentErrorCode.AMOUNT_TOO_LARGE,
                    f"capture {amount} > authorised {current.amount_capturable}",
                    intent_id=intent_id,
                )
            intent = self._call(
                self._v1.payment_intents.capture,
                intent_id,
                {"amount_to_capture": amount},
                options=self._options(idempotency_key),
            )
            return self._result(intent)

        fingerprint = _fingerprint("capture", intent=intent_id, amount=amount)
        return self._guard.run(idempotency_key, fingerprint, call)

    def cancel(self, intent_id: str, *, idempotency_key: str) -> PaymentResult:
        """Release a hold. Cancelling an already cancelled payment returns it unchanged."""

        def call() -> PaymentResult:
            current = self.retrieve(intent_id)
            if current.status is PaymentStatus.CANCELED:
                return current
            if current.status in (PaymentStatus.SUCCEEDED, PaymentStatus.PROCESSING):
                raise PaymentError(
                    PaymentErrorCode.INVALID_STATE,
                    f"cannot cancel a payment that is {current.status.value}; refund it",
                    intent_id=intent_id,
                )
            intent = self._call(
                self._v1.payment_intents.cancel,
                intent_id,
                options=self._options(idempotency_key),
            )
            return self._result(intent)

        return self._guard.run(idempotency_key, _fingerprint("cancel", intent=intent_id), call)

    def save_card(
        self,
        *,
        customer: str,
        payment_method: str,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
    ) -> SavedCard:
        """Save a card for off-session use (SetupIntent). Charge it later with `charge_saved`
        using the returned `payment_method_id` (Stripe may hand back a new id for test cards)."""
        if not customer or not payment_method:
            raise ValueError("customer and payment_method are required")
        create_params: dict[str, Any] = {
            "customer": customer,
            "usage": "off_session",
            "payment_method_types": ["card"],
            "metadata": {str(k): str(v) for k, v in (metadata or {}).items()},
        }

        def call() -> SavedCard:
            # Create, then confirm: localstripe does not take payment_method/confirm on create,
            # and Stripe accepts both shapes. Each step gets its own key derived from the caller's.
            setup = self._call(
                self._v1.setup_intents.create,
                create_params,
                options=self._options(f"{idempotency_key}:create"),
            )
            setup = self._call(
                self._v1.setup_intents.confirm,
                setup["id"],
                {"payment_method": payment_method},
                options=self._options(f"{idempotency_key}:confirm"),
            )
            status = str(setup.get("status"))
            if status not in ("succeeded", "requires_action", "processing"):
                raise PaymentError(PaymentErrorCode.CARD_DECLINED, f"setup intent {status}")
            return SavedCard(
                setup_intent_id=str(setup["id"]),
                status=status,
                customer_id=_id_of(setup.get("customer")) or customer,
                payment_method_id=_id_of(setup.get("payment_method")),
                client_secret=setup.get("client_secret") if status == "requires_action" else None,
            )

        fingerprint = _fingerprint("save_card", pm=payment_method, **create_params)
        return self._guard.run(idempotency_key, fingerprint, call)

    def refund(self, intent_id: str, *, amount: int | None, idempotency_key: str) -> RefundResult:
        """Refund part (`amount`) or all (None) of a captured payment."""
        params: dict[str, Any] = {"payment_intent": intent_id}
        if amount is not None:
            _check_amount(amount)
            params["amount"] = amount

        def call() -> RefundResult:
            refund = self._call(
                self._v1.refunds.create, params, options=self._options(idempotency_key)
            )
            return RefundResult(
                refund_id=str(refund["id"]),
                intent_id=_id_of(refund.get("payment_intent")) or intent_id,
                amount=int(refund.get("amount", 0)),
                status=str(refund.get("status", "")),
            )

        return self._guard.run(idempotency_key, _fingerprint("refund", **params), call)

    def retrieve(self, intent_id: str) -> PaymentResult:
        """The PaymentIntent as the provider has it now."""
        if not intent_id:
            raise ValueError("intent_id is required")
        return self._result(self._call(self._v1.payment_intents.retrieve, intent_id))

    def retrieve_setup(self, setup_intent_id: str) -> SavedCard:
        """A SetupIntent (a card being saved) as the provider has it now."""
        if not setup_intent_id:
            raise ValueError("setup_intent_id is required")
        setup = self._call(self._v1.setup_intents.retrieve, setup_intent_id)
        status = str(setup.get("status"))
        return SavedCard(
            setup_intent_id=str(setup["id"]),
            status=status,
            customer_id=_id_of(setup.get("customer")) or "",
            payment_method_id=_id_of(setup.get("payment_method")),
            client_secret=setup.get("client_secret") if status == "requires_action" else None,
        )

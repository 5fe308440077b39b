"""The app's one payments provider, built from the settings (STRIPE_* variables).

- STRIPE_SECRET_KEY set: Stripe (or, with STRIPE_API_BASE, the server it names, e.g. the local
  test server `make run` starts when no keys are configured). With the local test server the
  provider also has a `sandbox` (test cards, the test bank); with Stripe it has none.
- not set: `UnavailableGateway`, which refuses every payment with a clear message, so pages
  still work and nobody is charged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from app.adapters.payments.gateway import (
    PaymentError,
    PaymentErrorCode,
    PaymentGateway,
    PaymentResult,
    RefundResult,
    SandboxPayments,
    SavedCard,
)
from app.config import Settings, settings


@dataclass(frozen=True)
class PaymentsMode:
    """What the browser needs to know: collect a card with Stripe's Payment Element (live or
    Stripe test keys), offer the test-card chooser (local test server), or nothing at all."""

    enabled: bool
    local_test_server: bool
    publishable_key: str


def payments_mode(current: Settings | None = None) -> PaymentsMode:
    current = current or settings()
    enabled = bool(current.stripe_secret_key)
    return PaymentsMode(
        enabled=enabled,
        local_test_server=enabled and current.stripe_api_base is not None,
        publishable_key=current.stripe_publishable_key or "",
    )


class UnavailableGateway:
    """Stands in when no payment provider is configured: every call fails, retryably."""

    def _refuse(self) -> PaymentError:
        return PaymentError(
            PaymentErrorCode.PROVIDER_UNAVAILABLE,
            "no payment provider configured (STRIPE_SECRET_KEY)",
            user_message="Payments are not set up on this shop yet, so deals can't be joined.",
        )

    def create_customer(
        self,
        *,
        email: str | None,
        name: str | None,
        idempotency_key: str,
        metadata: Mapping[str, str] | None = None,
    ) -> str:
        raise self._refuse()

    def authorize(self, **_: object) -> PaymentResult:
        raise self._refuse()

    def capture(self, intent_id: str, *, amount: int, idempotency_key: str) -> PaymentResult:
        raise self._refuse()

    def cancel(self, intent_id: str, *, idempotency_key: str) -> PaymentResult:
        raise self._refuse()

    def charge_now(self, **_: object) -> PaymentResult:
        raise self._refuse()

    def save_card(self, **_: object) -> SavedCard:
        raise self._refuse()

    def charge_saved(self, **_: object) -> PaymentResult:
        raise self._refuse()

    def refund(self, intent_id: str, *, amount: int | None, idempotency_key: str) -> RefundResult:
        raise self._refuse()

    def retrieve(self, intent_id: str) -> PaymentResult:
        raise self._refuse()

    def retrieve_setup(self, setup_intent_id: str) -> SavedCard:
        raise self._refuse()


@dataclass(frozen=True)
class Payments:
    """Everything payment the services reach: the gateway, what the browser needs to know, and
    the sandbox's extras when (and only when) the local test server is in use."""

    gateway: PaymentGateway
    mode: PaymentsMode
    sandbox: SandboxPayments | None = None

    @property
    def enabled(self) -> bool:
        return not isinstance(self.gateway, UnavailableGateway)


def build_payments(gateway: PaymentGateway, current: Settings | None = None) -> Payments:
    """The provider around a given gateway (tests pass the one on their local server)."""
    from app.adapters.payments.stripe_gateway import StripeGateway

    sandbox: SandboxPayments | None = None
    if isinstance(gateway, StripeGateway) and gateway.is_local:
        from app.adapters.payments.sandbox import LocalSandbox

        sandbox = LocalSandbox(gateway)
    mode = payments_mode(current)
    if isinstance(gateway, StripeGateway):
        mode = PaymentsMode(True, gateway.is_local, mode.publishable_key)
    return Payments(gateway=gateway, mode=mode, sandbox=sandbox)


@lru_cache(maxsize=1)
def app_payments() -> Payments:
    """The process-wide provider (one Stripe client, one idempotency memory)."""
    current = settings()
    if not current.stripe_secret_key:
        return Payments(UnavailableGateway(), payments_mode(current))
    from app.adapters.payments.stripe_gateway import StripeGateway

    gateway = StripeGateway(current.stripe_secret_key, api_base=current.stripe_api_base)
    return build_payments(gateway, current)

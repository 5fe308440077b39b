"""Payments: the gateway interface services use, and its Stripe / localstripe implementation.

`gateway` is importable without the Stripe SDK; import `stripe_gateway`, `webhooks` and
`local_server` only where the SDK (and localstripe) are wanted. `payment_gateway()` builds the
app's gateway from the settings (STRIPE_SECRET_KEY, STRIPE_API_BASE) and imports the SDK lazily.
"""

from functools import lru_cache

from app.adapters.payments.gateway import (
    PaymentError,
    PaymentErrorCode,
    PaymentGateway,
    PaymentResult,
    PaymentStatus,
    RefundResult,
    SavedCard,
)

__all__ = [
    "PaymentsNotConfigured",
    "payment_gateway",
    "PaymentError",
    "PaymentErrorCode",
    "PaymentGateway",
    "PaymentResult",
    "PaymentStatus",
    "RefundResult",
    "SavedCard",
]


class PaymentsNotConfigured(RuntimeError):
    """No Stripe key is set: the app runs, but nothing can be paid."""

    user_message = "Payments are not configured"

    def __init__(self) -> None:
        super().__init__(
            "Payments are not configured: set STRIPE_SECRET_KEY (and STRIPE_API_BASE to use the "
            "local test server)"
        )


def payment_gateway() -> PaymentGateway:
    """The app's gateway from the settings; PaymentsNotConfigured when no key is set.

    One gateway per (key, base) per process, so its in-process idempotency memory is shared by
    every caller.
    """
    from app.config import settings

    key = settings().stripe_secret_key
    if not key:
        raise PaymentsNotConfigured()
    return _gateway(key, settings().stripe_api_base)


@lru_cache(maxsize=4)
def _gateway(key: str, api_base: str | None) -> PaymentGateway:
    from app.adapters.payments.stripe_gateway import StripeGateway

    return StripeGateway(key, api_base=api_base)

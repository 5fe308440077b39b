"""Payments: the gateway interface services use, and its Stripe / localstripe implementation.

`gateway` is importable without the Stripe SDK; import `stripe_gateway`, `webhooks` and
`local_server` only where the SDK (and localstripe) are wanted. `payment_gateway()` builds the
app's gateway from the settings (STRIPE_SECRET_KEY, STRIPE_API_BASE) and imports the SDK lazily.
"""

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
    """The app's one gateway (see `configured.app_gateway`); PaymentsNotConfigured when no key
    is set, for callers that must tell the shopper rather than fail a payment."""
    from app.adapters.payments.configured import UnavailableGateway, app_gateway

    gateway = app_gateway()
    if isinstance(gateway, UnavailableGateway):
        raise PaymentsNotConfigured()
    return gateway

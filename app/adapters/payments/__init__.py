"""Payments: the gateway interface services use, and its Stripe / localstripe implementation.

`gateway` is importable without the Stripe SDK; import `stripe_gateway`, `webhooks` and
`local_server` only where the SDK (and localstripe) are wanted. `configured.app_payments()` is the
app's one payments provider (gateway, browser mode, sandbox), built from the settings
(STRIPE_SECRET_KEY, STRIPE_API_BASE); it imports the SDK lazily.
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
    "PaymentError",
    "PaymentErrorCode",
    "PaymentGateway",
    "PaymentResult",
    "PaymentStatus",
    "RefundResult",
    "SavedCard",
]

"""The bank's side of 3-D Secure, for test payments only.

In production the shopper's browser finishes 3-D Secure with Stripe.js. With the local test
server (localstripe) there is no bank page, so the app offers a clearly labelled test dialog
whose answer is sent here: localstripe's own `/_authenticate` endpoint moves the PaymentIntent on
(succeeded, or back to requires_payment_method when the shopper fails the check).
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

from app.adapters.payments.gateway import PaymentError, PaymentErrorCode, PaymentGateway

# localstripe accepts any publishable key in the form body of this endpoint.
_TEST_PUBLISHABLE_KEY = "pk_test_localstripe"


def supports_test_authentication(gateway: PaymentGateway) -> bool:
    """True when the gateway talks to the local test server (where the test dialog works)."""
    return bool(getattr(gateway, "is_local", False)) and bool(getattr(gateway, "api_base", None))


def complete_test_authentication(gateway: PaymentGateway, intent_id: str, success: bool) -> None:
    """Answer the bank's question for a test PaymentIntent waiting in requires_action."""
    if not supports_test_authentication(gateway):
        raise PaymentError(
            PaymentErrorCode.INVALID_REQUEST, "test authentication needs the local test server"
        )
    current = gateway.retrieve(intent_id)
    if not current.needs_action or not current.client_secret:
        return  # already answered (a double click, or another tab)
    base = str(getattr(gateway, "api_base", "")).rstrip("/")
    body = urllib.parse.urlencode(
        {
            "client_secret": current.client_secret,
            "success": "true" if success else "false",
            "key": _TEST_PUBLISHABLE_KEY,
        }
    ).encode()
    url = f"{base}/v1/payment_intents/{urllib.parse.quote(intent_id)}/_authenticate"
    request = urllib.request.Request(url, data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise PaymentError(PaymentErrorCode.INVALID_STATE, f"authenticate: {error}") from error
    except (urllib.error.URLError, OSError) as error:
        raise PaymentError(PaymentErrorCode.PROVIDER_UNAVAILABLE, str(error)) from error

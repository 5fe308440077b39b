"""The local test server's extras: test cards and the bank's side of 3-D Secure.

Only the local test server (localstripe) has them; with Stripe itself the browser collects the
card with Stripe.js and the shopper's bank answers the check. The app's payments provider offers
a `LocalSandbox` only when the gateway talks to the local server.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

from app.adapters.payments.gateway import PaymentError, PaymentErrorCode
from app.adapters.payments.stripe_gateway import TEST_CARDS, StripeGateway
from app.domain.clock import utcnow
from app.domain.payments import SANDBOX_CARDS, SandboxCard


class LocalSandbox:
    """`SandboxPayments` on the local test server behind a `StripeGateway`."""

    def __init__(self, gateway: StripeGateway) -> None:
        if not gateway.is_local:
            raise ValueError("the sandbox needs the local test server (STRIPE_API_BASE)")
        self._gateway = gateway

    def payment_method(self, card: SandboxCard) -> str:
        """A PaymentMethod id for a sandbox card. localstripe knows the plain cards by Stripe's
        canonical ids; the 3-D Secure card is made from its number."""
        if card is not SandboxCard.THREE_DS:
            return TEST_CARDS[card]
        number = next(info.digits for info in SANDBOX_CARDS if info.card is card)
        gateway = self._gateway
        method = gateway.call(
            gateway.client_v1.payment_methods.create,
            {
                "type": "card",
                "card": {
                    "number": number,
                    "exp_month": 12,
                    "exp_year": utcnow().year + 3,
                    "cvc": "123",
                },
            },
        )
        return str(method["id"])

    def answer_bank_check(self, intent_id: str, *, approve: bool) -> None:
        """Answer the 3-D Secure check of a hold or payment (pi_) or a card being saved (seti_)
        as the shopper's bank would. Read the outcome back with the gateway's `retrieve` /
        `retrieve_setup`; an intent no longer waiting for the check is left alone."""
        gateway = self._gateway
        if intent_id.startswith("seti_"):
            # localstripe: confirming again passes the check; cancelling fails it.
            setups = gateway.client_v1.setup_intents
            action = setups.confirm if approve else setups.cancel
            key = f"{intent_id}:test-bank:{'approve' if approve else 'refuse'}"
            gateway.call(action, intent_id, options={"idempotency_key": key})
            return
        current = gateway.retrieve(intent_id)
        if not current.needs_action or not current.client_secret:
            return  # already answered (a double click, or another tab)
        body = urllib.parse.urlencode(
            {"client_secret": current.client_secret, "success": "true" if approve else "false"}
        ).encode()
        request = urllib.request.Request(
            f"{gateway.api_base}/v1/payment_intents/{urllib.parse.quote(intent_id)}/_authenticate",
            data=body,
            method="POST",
            headers={
                "Authorization": f"Bearer {gateway.secret_key}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
        except urllib.error.HTTPError as error:
            # A refused check answers 402 with the failed payment: reading it back tells.
            if error.code != 402:
                raise PaymentError(PaymentErrorCode.INVALID_REQUEST, str(error)) from error
        except OSError as error:
            raise PaymentError(PaymentErrorCode.PROVIDER_UNAVAILABLE, str(error)) from error

"""A deal-closing job that dies (SIGKILL, its own) the moment the payment provider has captured
its `--die-after`-th hold, before the shop records it: the worst moment for a crash.

    python -m tests.support.closing_crash DATABASE_URL STRIPE_URL DEAL_ID NOW_ISO --die-after 2
"""

from __future__ import annotations

import argparse
import os
import signal
from datetime import datetime
from typing import Any

from app.adapters.db.session import make_engine
from app.adapters.payments.gateway import PaymentResult
from app.adapters.payments.stripe_gateway import LOCAL_SECRET_KEY, StripeGateway
from app.services import deals
from tests.factories import make_context


class DyingGateway(StripeGateway):
    def __init__(self, api_base: str, die_after: int) -> None:
        super().__init__(LOCAL_SECRET_KEY, api_base=api_base)
        self.left = die_after

    def capture(self, intent_id: str, *, amount: int, idempotency_key: str) -> PaymentResult:
        result = super().capture(intent_id, amount=amount, idempotency_key=idempotency_key)
        self.left -= 1
        if self.left == 0:  # captured at the provider, not yet written down here
            os.kill(os.getpid(), signal.SIGKILL)
        return result


def main(argv: Any = None) -> None:
    parser = argparse.ArgumentParser()
    for name in ("database_url", "stripe_url", "deal_id", "now"):
        parser.add_argument(name)
    parser.add_argument("--die-after", type=int, default=1)
    args = parser.parse_args(argv)
    now = datetime.fromisoformat(args.now)
    gateway = DyingGateway(args.stripe_url, args.die_after)
    ctx = make_context(make_engine(args.database_url), gateway=gateway, clock=lambda: now)
    deals.close_deal(ctx, int(args.deal_id))


if __name__ == "__main__":
    main()

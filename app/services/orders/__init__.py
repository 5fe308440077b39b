"""Orders after checkout: an order's page, cancelling before capture, refund requests that an
admin approves (refunded through the payments adapter, exactly once), and one plain-language
message per money state (app/domain/refunds.py).

- views.py      the order page's view (lines, who paid what, refunds, deal price history)
- reading.py    the order page, the admins' refund queue, cancelling from the order page
- refunding.py  asking for, approving and declining refunds
"""

from app.services.orders.reading import (
    RefundRow,
    cancel_order,
    order_page,
    public_order_page,
    refund_queue,
)
from app.services.orders.refunding import (
    RefundDone,
    RefundError,
    approve_refund,
    reject_refund,
    request_refund,
)
from app.services.orders.views import LineView, OrderPage, PaymentView

__all__ = [
    "LineView",
    "OrderPage",
    "PaymentView",
    "RefundDone",
    "RefundError",
    "RefundRow",
    "approve_refund",
    "cancel_order",
    "order_page",
    "public_order_page",
    "refund_queue",
    "reject_refund",
    "request_refund",
]

"""Group-buy deals: the use cases the pages, the API and the scheduler call.

Every public use case takes the service context first, then the acting user's id:

- creating.py       open a deal (from terms, or from the host's form)
- joining.py        join (take a seat, hold or save the card); leaving.py: leave
- teams.py          start or join a team; expire teams that did not fill
- closing.py        close deals at their deadline (capture or release), exactly once
- cancelling.py     call a deal off: release every hold, once
- reconciliation.py Stripe webhooks and the bank's 3-D Secure check
- reading.py        what the pages read (views.py composes them)
- ledger.py         a deal's public ledger: who the count includes, and price changes
- from_cart.py      friends' carts toward a deal: a shared cart's lines become holds that count
- seats.py, holding.py, records.py, errors.py, form.py: shared internals

The order of events is safe in any interleaving: see the docstrings of joining.py, seats.py and
closing.py for how (conditional updates, forward-only statuses, idempotency keys, leases).
"""

from app.services.deals.cancelling import cancel_deal
from app.services.deals.cart_panel import (
    CartDeal,
    CartPanel,
    cart_panel,
    open_deal_products,
    room_cart_panel,
)
from app.services.deals.closing import (
    CLOSE_LEASE,
    CloseReport,
    close_deal,
    close_due_deals,
    close_overdue_deals,
)
from app.services.deals.creating import create_deal, create_deal_from_form, deal_row, open_deal_in
from app.services.deals.early_access import early_access_note
from app.services.deals.errors import DealValidationError, JoinError, NotAllowed
from app.services.deals.from_cart import hold_cart_lines_for_deal
from app.services.deals.joining import JoinResult, join_deal
from app.services.deals.leaving import leave_deal
from app.services.deals.ledger import DealLedger, LedgerEntry, deal_ledger
from app.services.deals.reading import (
    DealPageView,
    DealsOverview,
    ProductDeals,
    deal_form,
    deal_page,
    deals_overview,
    live_deal_cards,
    product_deals,
    public_deal_page,
)
from app.services.deals.reconciliation import (
    BankCheckResult,
    WebhookRefused,
    finish_bank_check,
    handle_webhook_event,
    receive_webhook,
)
from app.services.deals.records import CARDS_CHANNEL, deal_counts, outcome_of, terms_of
from app.services.deals.teams import expire_overdue_teams, join_team, start_team

__all__ = [
    "cancel_deal",
    "CARDS_CHANNEL",
    "CLOSE_LEASE",
    "BankCheckResult",
    "CartDeal",
    "CartPanel",
    "cart_panel",
    "open_deal_products",
    "room_cart_panel",
    "hold_cart_lines_for_deal",
    "CloseReport",
    "DealLedger",
    "DealPageView",
    "DealValidationError",
    "DealsOverview",
    "JoinError",
    "JoinResult",
    "LedgerEntry",
    "NotAllowed",
    "ProductDeals",
    "WebhookRefused",
    "close_deal",
    "close_due_deals",
    "close_overdue_deals",
    "create_deal",
    "create_deal_from_form",
    "deal_counts",
    "deal_form",
    "deal_ledger",
    "deal_page",
    "early_access_note",
    "deal_row",
    "deals_overview",
    "expire_overdue_teams",
    "finish_bank_check",
    "handle_webhook_event",
    "join_deal",
    "join_team",
    "leave_deal",
    "live_deal_cards",
    "open_deal_in",
    "outcome_of",
    "product_deals",
    "public_deal_page",
    "receive_webhook",
    "start_team",
    "terms_of",
]

"""Money states and refunds: one plain-language message per state, and who may get money back.

Pure rules, standard library only. Every page that shows where a shopper's money stands (a deal
seat, an order, a refund) takes its words from `MONEY_MESSAGES`, so the same state never reads
two ways. Amounts are integers in the currency's minor unit.
"""

from __future__ import annotations

from enum import StrEnum


class MoneyState(StrEnum):
    """Where one shopper's money stands, whatever they bought it through."""

    WAITING_TO_PAY = "waiting_to_pay"
    WAITING_FOR_BANK = "waiting_for_bank"
    HOLD_PLACED = "hold_placed"
    CAPTURED = "captured"
    RELEASED = "released"
    NOT_CHARGED = "not_charged"
    REFUND_REQUESTED = "refund_requested"
    REFUND_ON_ITS_WAY = "refund_on_its_way"
    REFUNDED = "refunded"
    PARTLY_REFUNDED = "partly_refunded"


MONEY_LABELS: dict[MoneyState, str] = {
    MoneyState.WAITING_TO_PAY: "Waiting to pay",
    MoneyState.WAITING_FOR_BANK: "Waiting for the bank",
    MoneyState.HOLD_PLACED: "Hold placed",
    MoneyState.CAPTURED: "Paid",
    MoneyState.RELEASED: "Hold released",
    MoneyState.NOT_CHARGED: "Not charged",
    MoneyState.REFUND_REQUESTED: "Refund requested",
    MoneyState.REFUND_ON_ITS_WAY: "Refund on its way",
    MoneyState.REFUNDED: "Refunded",
    MoneyState.PARTLY_REFUNDED: "Partly refunded",
}

# {amount}: what was paid or held; {refunded}: what went back.
MONEY_MESSAGES: dict[MoneyState, str] = {
    MoneyState.WAITING_TO_PAY: "Nothing has been charged yet.",
    MoneyState.WAITING_FOR_BANK: "Your bank wants you to confirm the payment. Nothing is "
    "charged until you do.",
    MoneyState.HOLD_PLACED: "Your card has a hold; nothing is charged before the deadline.",
    MoneyState.CAPTURED: "You paid {amount}.",
    MoneyState.RELEASED: "The hold on your card was released. You were not charged.",
    MoneyState.NOT_CHARGED: "You were not charged.",
    MoneyState.REFUND_REQUESTED: "You asked for {refunded} back. The shop will look at it soon.",
    MoneyState.REFUND_ON_ITS_WAY: "{refunded} is on its way back to your card.",
    MoneyState.REFUNDED: (
        "{refunded} was refunded to your card. Banks take 5 to 10 days to show it."
    ),
    MoneyState.PARTLY_REFUNDED: (
        "{refunded} of the {amount} you paid was refunded to your card. "
        "Banks take 5 to 10 days to show it."
    ),
}


def money_message(state: MoneyState, amount: str = "", refunded: str = "") -> str:
    """The one message for `state`, with the formatted amounts filled in."""
    return MONEY_MESSAGES[state].format(amount=amount, refunded=refunded)


def paid_state(paid: int, refunded: int, requested: bool = False) -> MoneyState:
    """The state of money that was taken: paid, refund asked for, partly or wholly refunded."""
    if refunded >= paid > 0:
        return MoneyState.REFUNDED
    if refunded > 0:
        return MoneyState.PARTLY_REFUNDED
    return MoneyState.REFUND_REQUESTED if requested else MoneyState.CAPTURED


class RefundStatus(StrEnum):
    REQUESTED = "requested"  # the shopper asked; the shop has not decided
    REFUNDING = "refunding"  # approved; the provider is being asked (retried until it answers)
    REFUNDED = "refunded"
    REJECTED = "rejected"
    FAILED = "failed"  # the provider refused the refund: someone has to look at it


OPEN_REFUND = (RefundStatus.REQUESTED, RefundStatus.REFUNDING)

REFUND_LABELS: dict[str, str] = {
    RefundStatus.REQUESTED: "Waiting for the shop",
    RefundStatus.REFUNDING: "Refund on its way",
    RefundStatus.REFUNDED: "Refunded",
    RefundStatus.REJECTED: "Refund declined by the shop",
    RefundStatus.FAILED: "Refund failed: the shop will contact you",
}


class RefundRefusal(StrEnum):
    """Why a refund request or decision is refused; `.message` is fit to show the person."""

    NOT_FOUND = "not_found"
    NOT_THE_PAYER = "not_the_payer"
    NOT_PAID = "not_paid"
    NOT_POSITIVE = "not_positive"
    TOO_MUCH = "too_much"
    ALREADY_REQUESTED = "already_requested"
    ADMIN_ONLY = "admin_only"
    ALREADY_DECIDED = "already_decided"

    @property
    def message(self) -> str:
        return _REFUSALS[self]


_REFUSALS: dict[RefundRefusal, str] = {
    RefundRefusal.NOT_FOUND: "We couldn't find that payment.",
    RefundRefusal.NOT_THE_PAYER: "Only the person who paid can ask for this money back.",
    RefundRefusal.NOT_PAID: "This payment was not taken, so there is nothing to refund.",
    RefundRefusal.NOT_POSITIVE: "Enter an amount above zero.",
    RefundRefusal.TOO_MUCH: "That's more than you paid. Enter at most what you paid.",
    RefundRefusal.ALREADY_REQUESTED: "You already asked for a refund of this payment.",
    RefundRefusal.ADMIN_ONLY: "Only the shop's admins can decide refunds.",
    RefundRefusal.ALREADY_DECIDED: "This refund was already decided.",
}


def check_refund_request(
    *, actor_id: int, payer_id: int, paid: int, amount: int, taken: bool, already_asked: bool
) -> RefundRefusal | None:
    """None when `actor_id` may ask for `amount` back from a payment of `paid` by `payer_id`.

    `taken`: the money was actually captured; `already_asked`: a refund of this payment was
    requested before (one request per payment, whatever became of it)."""
    if actor_id != payer_id:
        return RefundRefusal.NOT_THE_PAYER
    if not taken or paid <= 0:
        return RefundRefusal.NOT_PAID
    if already_asked:
        return RefundRefusal.ALREADY_REQUESTED
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        return RefundRefusal.NOT_POSITIVE
    if amount > paid:
        return RefundRefusal.TOO_MUCH
    return None

"""Checkout rules: who pays what, stock to reserve, share moves."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.domain.carts import SplitMode
from app.domain.checkout import (
    EACH_PAYS_TIMEOUT,
    OWNER_PAYS_TIMEOUT,
    SHARE_MOVES_FROM,
    CheckoutError,
    CheckoutErrorCode,
    CheckoutLine,
    ShareStatus,
    charge_key,
    checkout_expires_at,
    compute_shares,
    order_is_paid,
    short_stock_message,
    stock_needed,
)

ALICE, BOB, CAROL = 1, 2, 3


def line(
    line_id: int, product: int, by: int, qty: int, price: int, cur: str = "USD"
) -> CheckoutLine:
    return CheckoutLine(line_id, product, f"P{product}", by, qty, price, cur)


LINES = [line(1, 10, BOB, 2, 1800), line(2, 11, ALICE, 1, 4500), line(3, 10, CAROL, 1, 1800)]


def test_owner_pays_the_whole_total() -> None:
    assert compute_shares(SplitMode.OWNER_PAYS, LINES, ALICE, "USD") == {ALICE: 9900}


def test_each_member_pays_their_own_lines_and_the_shares_add_up() -> None:
    shares = compute_shares(SplitMode.EACH_PAYS_OWN, LINES, ALICE, "USD")
    assert shares == {ALICE: 4500, BOB: 3600, CAROL: 1800}
    assert list(shares) == [ALICE, BOB, CAROL]  # owner first
    assert sum(shares.values()) == sum(ln.total for ln in LINES)


def test_an_owner_without_items_owes_nothing_in_split_mode() -> None:
    shares = compute_shares(SplitMode.EACH_PAYS_OWN, LINES[:1], ALICE, "USD")
    assert shares == {BOB: 3600}


def test_empty_cart_and_mixed_currencies_are_refused() -> None:
    with pytest.raises(CheckoutError) as empty:
        compute_shares(SplitMode.OWNER_PAYS, [], ALICE, "USD")
    assert empty.value.code is CheckoutErrorCode.EMPTY_CART
    with pytest.raises(CheckoutError) as mixed:
        compute_shares(SplitMode.OWNER_PAYS, [line(1, 10, BOB, 1, 100, "EUR")], ALICE, "USD")
    assert mixed.value.code is CheckoutErrorCode.CURRENCY_MISMATCH


def test_stock_is_summed_per_product_in_id_order() -> None:
    assert stock_needed(reversed(LINES)) == [(10, 3), (11, 1)]


def test_short_stock_messages() -> None:
    assert (
        short_stock_message("Mug", 0, 2) == "Mug is sold out. Take it out of the cart to check out."
    )
    assert short_stock_message("Mug", 1, 2).startswith("Only 1 × Mug left")


def test_an_order_is_paid_when_every_share_is() -> None:
    assert order_is_paid(["paid", "paid"])
    assert not order_is_paid(["paid", "pending"])
    assert not order_is_paid([])


def test_shares_only_move_forward() -> None:
    assert ShareStatus.PENDING not in SHARE_MOVES_FROM  # nothing goes back to "not paid"
    assert SHARE_MOVES_FROM[ShareStatus.REFUNDED] == (ShareStatus.REFUND_DUE,)
    for target, sources in SHARE_MOVES_FROM.items():
        assert target not in sources


def test_timeouts_and_keys() -> None:
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert checkout_expires_at(SplitMode.OWNER_PAYS, now) == now + OWNER_PAYS_TIMEOUT
    assert checkout_expires_at(SplitMode.EACH_PAYS_OWN, now) == now + EACH_PAYS_TIMEOUT
    assert charge_key(12, 7) == "order-12-payer-7-charge"


def test_typed_amounts_become_minor_units() -> None:
    from app.domain.checkout import parse_amount

    assert parse_amount("") is None
    assert parse_amount(" 40 ") == 4000
    assert parse_amount("40.5") == 4050
    assert parse_amount("$1,250.00") == 125000
    for bad in ("abc", "-3", "1.234", "0", "1e3"):
        with pytest.raises(ValueError, match="amount|budget"):
            parse_amount(bad)

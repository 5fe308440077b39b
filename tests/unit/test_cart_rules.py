"""Cart rules as pure functions: quantities, locking, roles, budgets, totals, splits, activity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.carts import (
    BudgetVerdict,
    CartAccessDenied,
    CartError,
    CartErrorCode,
    MemberRole,
    PricedLine,
    SplitMode,
    added_text,
    budget_verdict,
    can_change_line,
    can_manage,
    check_budget,
    check_budget_value,
    check_cart_quantity,
    check_new_deadline,
    check_quantity,
    clean_cart_name,
    clean_note,
    compute_totals,
    edit_refusal,
    is_locked,
    note_text,
    quantity_changed_text,
    removed_line_text,
    split_payment,
)

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
ALICE, BOB, CAROL = 1, 2, 3


def _code(error: pytest.ExceptionInfo[CartError]) -> CartErrorCode:
    return error.value.code


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True, None])
def test_quantity_must_be_a_positive_whole_number(bad: object) -> None:
    with pytest.raises(CartError) as error:
        check_quantity(bad, stock=10)
    assert _code(error) is CartErrorCode.INVALID_QUANTITY
    assert error.value.message == "Choose a quantity of at least 1."


def test_quantity_within_stock_is_accepted_and_above_it_refused_with_what_is_left() -> None:
    assert check_quantity(3, stock=3) == 3
    with pytest.raises(CartError) as error:
        check_quantity(4, stock=3)
    assert _code(error) is CartErrorCode.NOT_ENOUGH_STOCK
    assert str(error.value) == "Only 3 left in stock."
    with pytest.raises(CartError) as error:
        check_quantity(1, stock=0)
    assert _code(error) is CartErrorCode.OUT_OF_STOCK


def test_members_share_a_products_stock() -> None:
    check_cart_quantity(line_quantity=2, product_total_in_cart=5, stock=5)
    with pytest.raises(CartError) as error:
        check_cart_quantity(line_quantity=2, product_total_in_cart=6, stock=5)
    assert "the cart already has 4; you can add 1 more" in error.value.message
    with pytest.raises(CartError) as error:
        check_cart_quantity(line_quantity=1, product_total_in_cart=6, stock=5)
    assert "already has them all" in error.value.message


def test_every_error_code_has_a_message_for_people() -> None:
    for code in CartErrorCode:
        assert code.message.endswith((".", "!")), code
    assert CartAccessDenied().code is CartErrorCode.NOT_A_MEMBER
    assert isinstance(CartAccessDenied(), CartError)


def test_locked_and_past_deadline_carts_refuse_edits() -> None:
    args = {"deleted": False, "deadline": None, "now": NOW}
    assert edit_refusal(locked=False, **args) is None
    assert edit_refusal(locked=True, **args) is CartErrorCode.LOCKED
    assert edit_refusal(locked=False, deleted=True, deadline=None, now=NOW) is (
        CartErrorCode.CART_NOT_FOUND
    )
    passed = edit_refusal(locked=False, deleted=False, deadline=NOW, now=NOW)
    assert passed is CartErrorCode.DEADLINE_PASSED
    assert is_locked(False, NOW - timedelta(seconds=1), NOW)
    assert not is_locked(False, NOW + timedelta(seconds=1), NOW)
    assert "can't be changed" in CartErrorCode.LOCKED.message


def test_new_deadline_must_be_in_the_future() -> None:
    assert check_new_deadline(None, NOW) is None
    assert check_new_deadline(NOW + timedelta(days=1), NOW) == NOW + timedelta(days=1)
    with pytest.raises(CartError) as error:
        check_new_deadline(NOW, NOW)
    assert _code(error) is CartErrorCode.DEADLINE_IN_PAST


def test_roles_owner_manages_members_change_their_own_lines() -> None:
    assert can_manage(MemberRole.OWNER) and not can_manage(MemberRole.MEMBER)
    assert can_change_line(actor_id=BOB, added_by=BOB, actor_role=MemberRole.MEMBER)
    assert not can_change_line(actor_id=BOB, added_by=CAROL, actor_role=MemberRole.MEMBER)
    assert can_change_line(actor_id=ALICE, added_by=CAROL, actor_role=MemberRole.OWNER)


def test_names_notes_and_budgets_are_cleaned() -> None:
    assert clean_cart_name("  Beach   weekend ") == "Beach weekend"
    for bad in ("", "   ", "x" * 61, "bad\x00name"):
        with pytest.raises(CartError):
            clean_cart_name(bad)
    assert clean_note("  blue one ") == "blue one" and clean_note(None) == ""
    with pytest.raises(CartError) as error:
        clean_note("x" * 201)
    assert _code(error) is CartErrorCode.NOTE_TOO_LONG
    assert check_budget_value(None) is None and check_budget_value(5000) == 5000
    for bad_budget in (0, -5, True):
        with pytest.raises(CartError):
            check_budget_value(bad_budget)


LINES = [
    PricedLine(added_by=BOB, quantity=2, unit_price=1800, currency="USD"),
    PricedLine(added_by=ALICE, quantity=1, unit_price=4500, currency="USD"),
    PricedLine(added_by=BOB, quantity=1, unit_price=250, currency="USD"),
]


def test_member_subtotals_and_total_come_from_the_lines() -> None:
    totals = compute_totals(LINES)
    assert dict(totals.subtotals) == {BOB: 3850, ALICE: 4500}
    assert totals.total == 8350 and totals.subtotal(CAROL) == 0
    assert compute_totals([]).total == 0


def test_totals_refuse_mixed_currencies() -> None:
    with pytest.raises(CartError) as error:
        compute_totals([*LINES, PricedLine(BOB, 1, 100, "EUR")])
    assert _code(error) is CartErrorCode.CURRENCY_MISMATCH


def test_budget_is_fine_then_warns_then_refuses() -> None:
    assert budget_verdict(10_000, None) is BudgetVerdict.OK
    assert budget_verdict(8_999, 10_000) is BudgetVerdict.OK
    assert budget_verdict(9_000, 10_000) is BudgetVerdict.WARN
    assert budget_verdict(10_000, 10_000) is BudgetVerdict.WARN
    assert budget_verdict(10_001, 10_000) is BudgetVerdict.OVER
    assert check_budget(100, None, "USD") is None
    assert check_budget(9_500, 10_000, "USD") == (
        "Heads up: your share is $95.00 of the $100.00 budget."
    )
    with pytest.raises(CartError) as error:
        check_budget(10_050, 10_000, "USD")
    assert error.value.message == (
        "That would bring your share to $100.50, over this cart's budget of $100.00 per person."
    )


def test_owner_pays_all_or_each_pays_their_own_lines() -> None:
    totals = compute_totals(LINES)
    members = [ALICE, BOB, CAROL]
    assert split_payment(SplitMode.OWNER_PAYS, totals, ALICE, members) == {
        ALICE: 8350,
        BOB: 0,
        CAROL: 0,
    }
    own = split_payment(SplitMode.EACH_PAYS_OWN, totals, ALICE, members)
    assert own == {ALICE: 4500, BOB: 3850, CAROL: 0}
    assert sum(own.values()) == totals.total


def test_activity_reads_like_a_sentence() -> None:
    assert added_text("Bob", 2, "Mug") == "Bob added 2 × Mug"
    assert quantity_changed_text("Bob", "Mug", 2, 3) == "Bob changed Mug from 2 to 3"
    assert removed_line_text("Alice", "Mug", "Bob") == "Alice removed Bob's Mug"
    assert removed_line_text("Bob", "Mug", "Bob") == "Bob removed Mug"
    assert note_text("Bob", "Mug", "") == "Bob cleared the note on Mug"

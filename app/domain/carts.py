"""Cart rules: quantities, roles, locking, budgets, totals, activity text and payment splits.

Pure functions over plain values, standard library only. The services decide what to persist.

Vocabulary:
- a cart is *personal* (one per shopper, never shared) or *shared* (an owner plus members who
  join with the cart's invite code or are invited by a member who is their friend);
- every member owns the lines they added: one line per (cart, product, member);
- a *locked* cart refuses every edit. The owner locks it, or its deadline passes;
- every amount is an integer in the currency's minor unit (cents), never a float.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.domain.money import format_minor
from app.domain.plain_text import has_hidden_characters

MAX_NAME_LENGTH = 60
MAX_NOTE_LENGTH = 200
# Past this share of the budget the member is warned; past the whole budget the change is refused.
BUDGET_WARN_RATIO_PERCENT = 90


class CartKind(StrEnum):
    PERSONAL = "personal"
    SHARED = "shared"


class MemberRole(StrEnum):
    OWNER = "owner"
    MEMBER = "member"


class MemberStatus(StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"  # the owner removed them: only an invitation brings them back
    LEFT = "left"  # they left: the invite code brings them back


class SplitMode(StrEnum):
    """Who pays for what when the cart is checked out."""

    OWNER_PAYS = "owner_pays"  # the owner pays the whole cart
    EACH_PAYS_OWN = "each_pays_own"  # every member pays for the lines they added


class BudgetVerdict(StrEnum):
    OK = "ok"
    WARN = "warn"  # close to the budget: allowed, with a warning
    OVER = "over"  # over the budget: refused


class CartErrorCode(StrEnum):
    """Why a cart action is refused; `.message` is fit to show the person."""

    CART_NOT_FOUND = "cart_not_found"
    NOT_A_MEMBER = "not_a_member"
    OWNER_ONLY = "owner_only"
    LOCKED = "locked"
    DEADLINE_PASSED = "deadline_passed"
    INVALID_QUANTITY = "invalid_quantity"
    OUT_OF_STOCK = "out_of_stock"
    NOT_ENOUGH_STOCK = "not_enough_stock"
    PRODUCT_NOT_FOUND = "product_not_found"
    LINE_NOT_FOUND = "line_not_found"
    NOT_YOUR_LINE = "not_your_line"
    OVER_BUDGET = "over_budget"
    INVALID_NAME = "invalid_name"
    NOTE_TOO_LONG = "note_too_long"
    INVALID_BUDGET = "invalid_budget"
    DEADLINE_IN_PAST = "deadline_in_past"
    INVALID_CODE = "invalid_code"
    UNKNOWN_CODE = "unknown_code"
    PERSONAL_CART = "personal_cart"
    REMOVED_BY_OWNER = "removed_by_owner"
    OWNER_REMOVED_THEM = "owner_removed_them"
    TOO_MANY_CODES = "too_many_codes"
    TOO_FAST = "too_fast"
    NOT_FRIENDS = "not_friends"
    ALREADY_MEMBER = "already_member"
    OWNER_CANNOT_LEAVE = "owner_cannot_leave"
    CANNOT_REMOVE_OWNER = "cannot_remove_owner"
    CURRENCY_MISMATCH = "currency_mismatch"
    PERSONAL_CART_DELETE = "personal_cart_delete"
    PRODUCT_ARCHIVED = "product_archived"

    @property
    def message(self) -> str:
        return _MESSAGES[self]


_MESSAGES: dict[CartErrorCode, str] = {
    CartErrorCode.PRODUCT_ARCHIVED: "This product is no longer sold, so it can't be added.",
    CartErrorCode.CART_NOT_FOUND: "This cart doesn't exist any more.",
    CartErrorCode.NOT_A_MEMBER: "You're not a member of this cart. Ask its owner for the code.",
    CartErrorCode.OWNER_ONLY: "Only the cart's owner can do that.",
    CartErrorCode.LOCKED: (
        "This cart is locked, so it can't be changed. Ask the owner to unlock it."
    ),
    CartErrorCode.DEADLINE_PASSED: "This cart's deadline has passed, so it can't be changed.",
    CartErrorCode.INVALID_QUANTITY: "Choose a quantity of at least 1.",
    CartErrorCode.OUT_OF_STOCK: "Sorry, this item is out of stock.",
    CartErrorCode.NOT_ENOUGH_STOCK: "There aren't that many in stock.",
    CartErrorCode.PRODUCT_NOT_FOUND: "That product isn't in the shop any more.",
    CartErrorCode.LINE_NOT_FOUND: "That item isn't in the cart any more.",
    CartErrorCode.NOT_YOUR_LINE: "Only the person who added an item can change it.",
    CartErrorCode.OVER_BUDGET: "That would take you over this cart's budget per person.",
    CartErrorCode.INVALID_NAME: f"Give the cart a name of at most {MAX_NAME_LENGTH} characters.",
    CartErrorCode.NOTE_TOO_LONG: f"Notes can be at most {MAX_NOTE_LENGTH} characters.",
    CartErrorCode.INVALID_BUDGET: "A budget must be a positive amount.",
    CartErrorCode.DEADLINE_IN_PAST: "Choose a deadline in the future.",
    CartErrorCode.INVALID_CODE: (
        "That doesn't look like a cart code. Codes have 12 letters and digits."
    ),
    CartErrorCode.UNKNOWN_CODE: "We don't know that cart code. Check it with your friend.",
    CartErrorCode.PERSONAL_CART: "Personal carts can't be shared. Start a shared cart instead.",
    CartErrorCode.REMOVED_BY_OWNER: "The owner removed you from this cart.",
    CartErrorCode.TOO_MANY_CODES: "Too many wrong codes in a short time. Please try again later.",
    CartErrorCode.TOO_FAST: "That's a lot in a short time. Please try again later.",
    CartErrorCode.OWNER_REMOVED_THEM: (
        "The owner removed them from this cart; only the owner can add them back."
    ),
    CartErrorCode.NOT_FRIENDS: "You can only invite your friends.",
    CartErrorCode.ALREADY_MEMBER: "They're already in this cart.",
    CartErrorCode.OWNER_CANNOT_LEAVE: "Owners can't leave their cart. Delete it instead.",
    CartErrorCode.CANNOT_REMOVE_OWNER: "The owner can't be removed from their own cart.",
    CartErrorCode.CURRENCY_MISMATCH: "This item is priced in another currency than the cart.",
    CartErrorCode.PERSONAL_CART_DELETE: "Your own cart can't be deleted. Remove its items instead.",
}


class CartError(ValueError):
    """A cart action we refuse. `code` is for programs, `message` for people."""

    def __init__(self, code: CartErrorCode, message: str | None = None) -> None:
        self.code = code
        self.message = message or code.message
        super().__init__(self.message)


class CartAccessDenied(CartError):
    """The person may not see or change this cart (not a member, removed, or not the owner)."""

    def __init__(self, code: CartErrorCode = CartErrorCode.NOT_A_MEMBER) -> None:
        super().__init__(code)


class CartNotFound(CartError):
    def __init__(self) -> None:
        super().__init__(CartErrorCode.CART_NOT_FOUND)


# --------------------------------------------------------------------------- validation


def check_quantity(quantity: object, stock: int) -> int:
    """A quantity for one line: a positive int within the product's stock."""
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise CartError(CartErrorCode.INVALID_QUANTITY)
    if stock <= 0:
        raise CartError(CartErrorCode.OUT_OF_STOCK)
    if quantity > stock:
        raise CartError(
            CartErrorCode.NOT_ENOUGH_STOCK,
            f"Only {stock} left in stock." if stock > 1 else "Only 1 left in stock.",
        )
    return quantity


def check_cart_quantity(line_quantity: int, product_total_in_cart: int, stock: int) -> None:
    """A line's new quantity, and the cart's total of that product (every member), vs stock.

    The whole cart is bought together, so members share the product's stock.
    """
    check_quantity(line_quantity, stock)
    if product_total_in_cart > stock:
        others = product_total_in_cart - line_quantity
        left = max(stock - others, 0)
        raise CartError(
            CartErrorCode.NOT_ENOUGH_STOCK,
            f"Only {stock} in stock and the cart already has {others}; you can add {left} more."
            if left
            else f"Only {stock} in stock and the cart already has them all.",
        )


def check_line_change(
    *,
    before: int,
    after: int,
    product_in_cart: int,
    stock: int,
    price: int,
    subtotal: int,
    budget: int | None,
    currency: str,
    product_currency: str,
) -> str | None:
    """Refuse a line quantity the cart cannot hold; a warning when it nears its adder's budget.

    `product_in_cart` (every member's lines of the product) and `subtotal` (the adder's lines)
    are counted before the change; `before` is 0 for a new line.
    """
    if product_currency != currency:
        raise CartError(CartErrorCode.CURRENCY_MISMATCH)
    check_cart_quantity(after, product_in_cart - before + after, stock)
    if after <= before:
        return None  # taking things out never breaks a budget
    return check_budget(subtotal + (after - before) * price, budget, currency)


def clean_cart_name(raw: str | None) -> str:
    """Trim a cart name; raise CartError when empty, too long or holding control characters."""
    name = " ".join(unicodedata.normalize("NFKC", raw or "").split())
    if not name or len(name) > MAX_NAME_LENGTH:
        raise CartError(CartErrorCode.INVALID_NAME)
    if any(unicodedata.category(ch)[0] == "C" for ch in name):
        raise CartError(CartErrorCode.INVALID_NAME)
    return name


def clean_note(raw: str | None) -> str:
    """A line's note, trimmed; empty clears it."""
    note = (raw or "").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise CartError(CartErrorCode.NOTE_TOO_LONG)
    if has_hidden_characters(note, allow="\n\t"):
        raise CartError(
            CartErrorCode.NOTE_TOO_LONG, "Notes can't contain control or invisible characters."
        )
    return note


def check_budget_value(budget_minor: int | None) -> int | None:
    if budget_minor is None:
        return None
    if not isinstance(budget_minor, int) or isinstance(budget_minor, bool) or budget_minor <= 0:
        raise CartError(CartErrorCode.INVALID_BUDGET)
    return budget_minor


def check_new_deadline(deadline: datetime | None, now: datetime) -> datetime | None:
    """A deadline set by the owner must lie in the future."""
    if deadline is not None and deadline <= now:
        raise CartError(CartErrorCode.DEADLINE_IN_PAST)
    return deadline


# --------------------------------------------------------------------------- locking and roles


def deadline_passed(deadline: datetime | None, now: datetime) -> bool:
    return deadline is not None and deadline <= now


def is_locked(locked: bool, deadline: datetime | None, now: datetime) -> bool:
    """A cart is locked when its owner locked it or its deadline has passed."""
    return locked or deadline_passed(deadline, now)


def edit_refusal(
    *, locked: bool, deleted: bool, deadline: datetime | None, now: datetime
) -> CartErrorCode | None:
    """Why nobody may edit the cart right now, or None when edits are allowed."""
    if deleted:
        return CartErrorCode.CART_NOT_FOUND
    if locked:
        return CartErrorCode.LOCKED
    if deadline_passed(deadline, now):
        return CartErrorCode.DEADLINE_PASSED
    return None


def can_manage(role: str) -> bool:
    """Owner-only actions: lock, unlock, set the deadline, remove members, delete."""
    return role == MemberRole.OWNER


def can_change_line(*, actor_id: int, added_by: int, actor_role: str) -> bool:
    """Members change their own lines; the owner may also remove anyone's line."""
    return actor_id == added_by or can_manage(actor_role)


# --------------------------------------------------------------------------- money


@dataclass(frozen=True)
class PricedLine:
    """One cart line with its unit price: enough to total and split a cart."""

    added_by: int
    quantity: int
    unit_price: int
    currency: str

    @property
    def total(self) -> int:
        return self.quantity * self.unit_price


@dataclass(frozen=True)
class CartTotals:
    currency: str
    subtotals: Mapping[int, int]  # member id -> minor units of the lines they added
    total: int

    def subtotal(self, member_id: int) -> int:
        return self.subtotals.get(member_id, 0)


def compute_totals(lines: Iterable[PricedLine], currency: str = "USD") -> CartTotals:
    """Each member's subtotal and the cart's total. Refuses to add up mixed currencies."""
    subtotals: dict[int, int] = {}
    total = 0
    for line in lines:
        if line.currency != currency:
            raise CartError(CartErrorCode.CURRENCY_MISMATCH)
        subtotals[line.added_by] = subtotals.get(line.added_by, 0) + line.total
        total += line.total
    return CartTotals(currency, subtotals, total)


def budget_verdict(subtotal: int, budget: int | None) -> BudgetVerdict:
    """Where a member's subtotal stands against the cart's per-person budget."""
    if budget is None:
        return BudgetVerdict.OK
    if subtotal > budget:
        return BudgetVerdict.OVER
    if subtotal * 100 >= budget * BUDGET_WARN_RATIO_PERCENT:
        return BudgetVerdict.WARN
    return BudgetVerdict.OK


def check_budget(subtotal_after: int, budget: int | None, currency: str) -> str | None:
    """Refuse a change that takes a member over budget; return a warning when close to it."""
    verdict = budget_verdict(subtotal_after, budget)
    if verdict is BudgetVerdict.OVER:
        assert budget is not None
        raise CartError(
            CartErrorCode.OVER_BUDGET,
            f"That would bring your share to {format_minor(subtotal_after, currency)}, over "
            f"this cart's budget of {format_minor(budget, currency)} per person.",
        )
    if verdict is BudgetVerdict.WARN:
        assert budget is not None
        return (
            f"Heads up: your share is {format_minor(subtotal_after, currency)} of the "
            f"{format_minor(budget, currency)} budget."
        )
    return None


def split_payment(
    mode: SplitMode, totals: CartTotals, owner_id: int, member_ids: Iterable[int] = ()
) -> dict[int, int]:
    """Who pays how much (minor units). Every listed member appears, even with 0.

    The amounts always add up to the cart's total.
    """
    shares = {member_id: 0 for member_id in member_ids}
    shares.setdefault(owner_id, 0)
    if mode is SplitMode.OWNER_PAYS:
        shares[owner_id] = totals.total
    else:
        for member_id, subtotal in totals.subtotals.items():
            shares[member_id] = shares.get(member_id, 0) + subtotal
    return shares


# --------------------------------------------------------------------------- activity


def quantity_label(quantity: int, title: str) -> str:
    return f"{quantity} × {title}"


def added_text(actor: str, quantity: int, title: str) -> str:
    """e.g. "Bob added 2 × Mug"."""
    return f"{actor} added {quantity_label(quantity, title)}"


def quantity_changed_text(actor: str, title: str, before: int, after: int) -> str:
    return f"{actor} changed {title} from {before} to {after}"


def removed_line_text(actor: str, title: str, owner_of_line: str | None = None) -> str:
    if owner_of_line and owner_of_line != actor:
        return f"{actor} removed {owner_of_line}'s {title}"
    return f"{actor} removed {title}"


def note_text(actor: str, title: str, note: str) -> str:
    return f"{actor} noted on {title}: “{note}”" if note else f"{actor} cleared the note on {title}"


def created_text(actor: str, name: str) -> str:
    return f"{actor} started “{name}”"


def joined_text(actor: str) -> str:
    return f"{actor} joined the cart"


def invited_text(actor: str, friend: str) -> str:
    return f"{actor} added {friend} to the cart"


def left_text(actor: str) -> str:
    return f"{actor} left the cart"


def member_removed_text(actor: str, member: str) -> str:
    return f"{actor} removed {member} from the cart"


def locked_text(actor: str) -> str:
    return f"{actor} locked the cart"


def unlocked_text(actor: str) -> str:
    return f"{actor} unlocked the cart"


def deadline_text(actor: str, deadline: datetime | None) -> str:
    if deadline is None:
        return f"{actor} removed the deadline"
    return f"{actor} set the deadline to {deadline:%Y-%m-%d %H:%M} UTC"


def deadline_locked_text() -> str:
    return "The deadline passed, so the cart is now locked"


def deleted_text(actor: str) -> str:
    return f"{actor} deleted the cart"

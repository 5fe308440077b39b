"""The cart use cases: one call per thing a shopper does with carts, each in one unit of work.

Reflex states (and later the REST API) call these with the service context and the acting
shopper. A page's edit may name its shopper by the page's sign-in token (`SessionToken`): the
token is then resolved inside the edit's own transaction, so the session check every edit needs
costs no second round trip and no second trip off the event loop (the "+" / "-" path is what
`make bench-carts` measures). The steps these run (`lines`, `membership`, `owner`) take the unit
of work, so another use case can run them inside its own (a live party's cart).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from app.domain.carts import CartError, CartErrorCode, SplitMode
from app.domain.throttle import Rate
from app.services import accounts
from app.services.allowances import spend
from app.services.carts import lines, membership, owner
from app.services.carts.changes import CartChange
from app.services.carts.reading import CartInvitePreview, CartTarget, find_by_code, list_carts
from app.services.code_attempts import code_look_up
from app.services.context import Context
from app.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class SessionToken:
    """The sign-in token of the page making the change (None: no cookie)."""

    value: str | None


Actor = int | SessionToken


class NotSignedIn(Exception):
    """The session token names nobody signed in (ended, expired or missing): nothing changed."""


def _acting(uow: UnitOfWork, actor: Actor) -> tuple[int, accounts.UserView | None]:
    if isinstance(actor, int):
        return actor, None
    user = accounts.resolve_session(uow.session, actor.value)
    if user is None:
        raise NotSignedIn()
    return user.id, user


def _edit(
    ctx: Context, actor: Actor, step: Callable[..., CartChange], cart_id: int, *args: Any
) -> CartChange:
    with ctx.uow() as uow:
        user_id, user = _acting(uow, actor)
        change = step(uow, cart_id, user_id, *args)
    return change if user is None else replace(change, by=user)


# --------------------------------------------------------------------------- lines


def add_to_cart(
    ctx: Context, actor: Actor, cart_id: int | None, product_id: int, quantity: int = 1
) -> CartChange:
    """Add a product to a cart the shopper is in; `cart_id` None: their own cart (made on
    first use). The change may carry a budget warning."""
    with ctx.uow() as uow:
        user_id, user = _acting(uow, actor)
        target = cart_id if cart_id is not None else membership.personal_cart(uow, user_id)
        change = lines.add_item(uow, target, user_id, product_id, quantity)
    return change if user is None else replace(change, by=user)


def change_quantity(
    ctx: Context, actor: Actor, cart_id: int, line_id: int, delta: int
) -> CartChange:
    """ "+" / "-" on one of the shopper's lines (the hot path)."""
    return _edit(ctx, actor, lines.adjust_quantity, cart_id, line_id, delta)


def set_line_quantity(
    ctx: Context, actor: Actor, cart_id: int, line_id: int, quantity: int
) -> CartChange:
    """Type a new quantity for one of the shopper's lines."""
    return _edit(ctx, actor, lines.set_quantity, cart_id, line_id, quantity)


def remove_cart_line(ctx: Context, actor: Actor, cart_id: int, line_id: int) -> CartChange:
    """Take a line out (members their own, the owner any)."""
    return _edit(ctx, actor, lines.remove_line, cart_id, line_id)


def save_note(ctx: Context, actor: Actor, cart_id: int, line_id: int, note: str) -> CartChange:
    """Set or clear the note on one of the shopper's lines."""
    return _edit(ctx, actor, lines.set_note, cart_id, line_id, note)


# --------------------------------------------------------------------------- members

# A shared cart is started for an occasion (a trip, a gift, a party) and its rows stay until the
# owner deletes it: 10 an hour is more than anyone plans, and carts started in a loop would fill
# the database. An address, five people's worth.
STARTS_PER_PERSON = Rate("cart.start.person", limit=10, seconds=3600)
STARTS_PER_ADDRESS = Rate("cart.start.address", limit=5 * STARTS_PER_PERSON.limit, seconds=3600)
# Each friend added is notified and the cart redraws for every member: a class gift brings in 30
# people in an hour; more is a loop. An address, five people's worth.
FRIEND_ADDS_PER_PERSON = Rate("cart.add_friend.person", limit=30, seconds=3600)
FRIEND_ADDS_PER_ADDRESS = Rate(
    "cart.add_friend.address", limit=5 * FRIEND_ADDS_PER_PERSON.limit, seconds=3600
)


def _too_fast(message: str) -> CartError:
    return CartError(CartErrorCode.TOO_FAST, message)


def start_shared_cart(
    ctx: Context,
    actor_id: int,
    name: str,
    *,
    deadline: datetime | None = None,
    budget_minor: int | None = None,
    split_mode: SplitMode = SplitMode.OWNER_PAYS,
    address: str | None = None,
) -> int:
    """Start a shared cart the shopper owns; its id. CartError TOO_FAST (nothing made) when
    they or their address start carts too often."""
    with ctx.uow() as uow:
        cart_id = membership.create_shared_cart(
            uow, actor_id, name, deadline, budget_minor, split_mode=split_mode, now=ctx.now()
        )
        spend(ctx, _too_fast, (STARTS_PER_PERSON, actor_id), (STARTS_PER_ADDRESS, address))
        return cart_id


def _too_many_codes(message: str) -> CartError:
    return CartError(CartErrorCode.TOO_MANY_CODES, message)


def join_cart(ctx: Context, actor_id: int, code: str, address: str | None = None) -> CartChange:
    """Join a shared cart by its invite code (joining twice is harmless). Wrong codes spend the
    person's and the address's attempts (app/services/code_attempts.py)."""
    with code_look_up(ctx, actor_id, address, _too_many_codes, CartError), ctx.uow() as uow:
        return membership.join_by_code(uow, actor_id, code)


def invite_preview(
    ctx: Context, viewer_id: int | None, code: str, address: str | None = None
) -> CartInvitePreview:
    """What the invite link's page shows before joining (the person then confirms)."""
    with code_look_up(ctx, viewer_id, address, _too_many_codes, CartError), ctx.session() as s:
        return find_by_code(s, code, viewer_id)


def add_friend(
    ctx: Context, actor: Actor, cart_id: int, friend_id: int, address: str | None = None
) -> CartChange:
    """A member adds one of their friends to a shared cart. CartError TOO_FAST (nobody added,
    nobody told) when they or their address add friends too often."""
    with ctx.uow() as uow:
        user_id, user = _acting(uow, actor)
        change = membership.invite_friend(uow, cart_id, user_id, friend_id)
        spend(ctx, _too_fast, (FRIEND_ADDS_PER_PERSON, user_id), (FRIEND_ADDS_PER_ADDRESS, address))
    return change if user is None else replace(change, by=user)


def remove_cart_member(ctx: Context, actor: Actor, cart_id: int, member_id: int) -> CartChange:
    """The owner removes a member (their page is told at once)."""
    return _edit(ctx, actor, membership.remove_member, cart_id, member_id)


def leave_cart(ctx: Context, actor: Actor, cart_id: int) -> CartChange:
    """A member leaves the cart; their lines go with them."""
    return _edit(ctx, actor, membership.leave, cart_id)


# --------------------------------------------------------------------------- owner


def rotate_invite_code(ctx: Context, actor: Actor, cart_id: int) -> CartChange:
    """The owner replaces the cart's invite code; links already shared stop working."""
    return _edit(ctx, actor, owner.rotate_code, cart_id)


def lock_cart(ctx: Context, actor: Actor, cart_id: int) -> CartChange:
    """The owner freezes the cart."""
    return _edit(ctx, actor, owner.lock, cart_id)


def unlock_cart(ctx: Context, actor: Actor, cart_id: int) -> CartChange:
    """The owner reopens the cart."""
    return _edit(ctx, actor, owner.unlock, cart_id)


def move_deadline(
    ctx: Context, actor: Actor, cart_id: int, deadline: datetime | None
) -> CartChange:
    """The owner sets, moves or (None) removes the deadline."""
    return _edit(ctx, actor, owner.set_deadline, cart_id, deadline)


def choose_who_pays(ctx: Context, actor: Actor, cart_id: int, mode: str) -> CartChange:
    """The owner chooses the split mode ("owner_pays" or "each_pays_own")."""
    return _edit(ctx, actor, owner.set_split_mode, cart_id, mode)


def delete_shared_cart(ctx: Context, actor: Actor, cart_id: int) -> CartChange:
    """The owner deletes a shared cart."""
    return _edit(ctx, actor, owner.delete_cart, cart_id)


def lock_overdue(ctx: Context) -> list[int]:
    """The deadline job: lock every cart whose deadline passed; the ids locked."""
    with ctx.uow() as uow:
        return owner.lock_overdue_carts(uow, ctx.now())


# --------------------------------------------------------------------------- reading


def carts_to_add_to(ctx: Context, viewer_id: int) -> list[CartTarget]:
    """The product page's menu: the shopper's shared carts that take changes now."""
    with ctx.session() as session:
        summaries = list_carts(session, viewer_id, ctx.now())
    return [CartTarget(c.id, c.name) for c in summaries if not c.locked]

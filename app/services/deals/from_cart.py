"""Friends' carts toward a deal: a shared cart's lines for a product with an open group-buy deal
count toward that deal's tier once the members who added them have placed their holds, so
friends unlock a price together from one cart.

The deal machinery does all of it: a member's lines for the product become their seat in the
deal (`joining.join`, quantity = their lines, within the deal's per-shopper limit), counted by
the deal's one rule (a confirmed hold counts; a seat still waiting for the bank is shown apart).
Once the hold is placed the member's lines leave the cart, so the cart's own checkout never
charges them a second time; if the cart was locked for checkout in the meantime, the seat is
left again (hold released) and nothing changed. The panel that shows it: `cart_panel`.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.adapters.db.models_carts import Cart, CartLine
from app.adapters.db.models_deals import Deal, Participation
from app.domain.carts import CartError
from app.domain.group_buy import DealKind
from app.domain.payments import SandboxCard
from app.services.carts.lines import remove_line
from app.services.context import Context
from app.services.deals.cart_panel import is_active_member
from app.services.deals.errors import JoinError
from app.services.deals.holding import JoinResult
from app.services.deals.joining import join
from app.services.deals.leaving import undo_join
from app.services.deals.records import NO_SYNC


def hold_cart_lines_for_deal(
    ctx: Context,
    actor_id: int,
    cart_id: int,
    deal_id: int,
    payment_method: str | None = None,
    *,
    sandbox_card: SandboxCard | None = None,
    address: str | None = None,
) -> JoinResult:
    """Put the shopper's lines of the deal's product in the deal with a card hold: they count
    toward the tier once the hold is confirmed, and leave the cart. JoinError with a message
    (nothing changed) when they have no such line, the cart is locked, or the deal refuses
    (the allowances are `join_deal`'s)."""
    with ctx.uow() as uow:
        session = uow.session
        cart = session.get(Cart, cart_id)
        deal = session.get(Deal, deal_id)
        if cart is None or cart.deleted or not is_active_member(session, cart_id, actor_id):
            raise JoinError("You're not in this cart.", "not_a_member")
        if deal is None or deal.kind != DealKind.GROUP_BUY:
            raise JoinError("We couldn't find that deal.", "not_found")
        if cart.locked:
            raise JoinError("This cart is locked, so its lines can't move to a deal.", "locked")
        lines = _my_lines(session, cart_id, actor_id, deal.product_id)
        if not lines:
            raise JoinError("You have nothing of this product in the cart.", "no_line")
        quantity = min(sum(q for _, q in lines), deal.max_quantity_per_shopper)
    result = join(
        ctx, actor_id, deal_id, quantity, payment_method, sandbox_card, team=None, address=address
    )
    try:
        with ctx.uow() as uow:
            for line_id, _ in lines:
                remove_line(uow, cart_id, actor_id, line_id)
            uow.session.exec(
                update(Participation)
                .where(col(Participation.id) == result.participation_id)
                .values(cart_id=cart_id),
                execution_options=NO_SYNC,
            )
    except CartError as error:
        # The cart was locked (or the line changed) meanwhile: undo the seat, keep the cart.
        undo_join(ctx, actor_id, deal_id)
        raise JoinError(error.message, "cart_changed") from error
    return result


def _my_lines(
    session: Session, cart_id: int, user_id: int, product_id: int
) -> list[tuple[int, int]]:
    rows = session.exec(
        select(CartLine.id, CartLine.quantity).where(
            CartLine.cart_id == cart_id,
            CartLine.added_by == user_id,
            CartLine.product_id == product_id,
        )
    ).all()
    return [(int(line_id or 0), int(qty)) for line_id, qty in rows]

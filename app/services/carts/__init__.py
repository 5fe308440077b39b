"""Carts: a personal cart per shopper and shared carts that friends fill together.

Modules by concern:

- `actions`: the use cases, one call per thing a shopper does (context first, then the acting
  shopper); the rest are the steps they run inside one unit of work, which other use cases
  (a live party's cart) may run inside theirs;
- `membership`: the personal cart, starting a shared cart, joining by code, adding a friend,
  leaving, removing a member;
- `lines`: adding products, quantities (the "+" / "-" hot path), notes, removing lines;
- `owner`: lock, unlock, deadline, who pays, delete; the deadline job;
- `reading` and `views`: what members see (the room view every change pushes);
- `for_checkout`: what the checkout service does to a cart;
- `changes`: how every change starts (one conditional version bump that authorises it and
  serialises writers) and ends (an activity row and a `cart.changed` event published after
  commit). Its SQL is prebuilt in `app/adapters/db/cart_statements.py`.

An exception raised by these functions must leave the unit of work: the transaction is rolled
back and nothing is announced.
"""

from app.domain.carts import CartAccessDenied, CartError, CartErrorCode, CartNotFound
from app.services.carts.actions import (
    Actor,
    NotSignedIn,
    SessionToken,
    add_friend,
    add_to_cart,
    carts_to_add_to,
    change_quantity,
    choose_who_pays,
    delete_shared_cart,
    invite_preview,
    join_cart,
    leave_cart,
    lock_cart,
    lock_overdue,
    move_deadline,
    remove_cart_line,
    remove_cart_member,
    rotate_invite_code,
    save_note,
    set_line_quantity,
    start_shared_cart,
    unlock_cart,
)
from app.services.carts.changes import CartChange
from app.services.carts.for_checkout import (
    announce,
    claim_for_checkout,
    clear_lines,
    record_activity,
)
from app.services.carts.lines import add_item, adjust_quantity, remove_line, set_note, set_quantity
from app.services.carts.membership import (
    create_shared_cart,
    invite_friend,
    join_by_code,
    leave,
    personal_cart,
    remove_member,
)
from app.services.carts.owner import (
    delete_cart,
    lock,
    lock_overdue_carts,
    set_deadline,
    set_split_mode,
    unlock,
)
from app.services.carts.reading import (
    CartInvitePreview,
    CartSummary,
    CartTarget,
    find_by_code,
    list_carts,
    load_cart,
)
from app.services.carts.views import (
    ACTIVITY_TAIL,
    CartActivityView,
    CartLineView,
    CartMemberView,
    CartView,
    load_room_view,
    plain,
)

__all__ = [
    # use cases
    "Actor",
    "NotSignedIn",
    "SessionToken",
    "add_friend",
    "add_to_cart",
    "carts_to_add_to",
    "change_quantity",
    "choose_who_pays",
    "delete_shared_cart",
    "invite_preview",
    "join_cart",
    "rotate_invite_code",
    "leave_cart",
    "lock_cart",
    "lock_overdue",
    "move_deadline",
    "remove_cart_line",
    "remove_cart_member",
    "save_note",
    "set_line_quantity",
    "start_shared_cart",
    "unlock_cart",
    # views and errors
    "ACTIVITY_TAIL",
    "CartAccessDenied",
    "CartActivityView",
    "CartChange",
    "CartError",
    "CartErrorCode",
    "CartInvitePreview",
    "CartLineView",
    "CartMemberView",
    "CartNotFound",
    "CartSummary",
    "CartTarget",
    "CartView",
    # steps and reads on the caller's unit of work or session
    "add_item",
    "adjust_quantity",
    "announce",
    "claim_for_checkout",
    "clear_lines",
    "create_shared_cart",
    "delete_cart",
    "find_by_code",
    "invite_friend",
    "join_by_code",
    "leave",
    "list_carts",
    "load_cart",
    "load_room_view",
    "lock",
    "lock_overdue_carts",
    "personal_cart",
    "plain",
    "record_activity",
    "remove_line",
    "remove_member",
    "set_deadline",
    "set_note",
    "set_quantity",
    "set_split_mode",
    "unlock",
]

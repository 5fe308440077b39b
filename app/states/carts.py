"""The cart page (/cart and /cart/[cart_id]): loading it and every edit of a cart.

Each handler parses its input and makes ONE call into `app.services.carts` (or
`app.services.cart_page` to load), which checks membership and roles and changes the database
in one transaction. Edits name the shopper by the page's sign-in token, which the service
resolves inside the edit's transaction (see `carts.SessionToken`). Substates hold the other
handlers of the page: `cart_start` (start or open a shared cart), `cart_checkout`.

Live updates use the rooms broadcast path (app/realtime/rooms.py): `load` checks that the
shopper may see the cart, then puts the socket in the room "cart:<id>". Every cart event (any
member's change, the deadline job, checkout news) is rendered ONCE per process (`cart_room`)
and pushed to the whole room as a delta of `view` and `checkout`; the presence renderer pushes
`viewers` / `viewer_count`. Those four vars are only written on the backend by `load`, and
nothing derives from them on the backend: pages compare `view.owner_id` / `line.added_by_id`
with `me_id` in the browser. Handlers therefore change the database and let the room push bring
the result (also to the actor), and answer with a toast only.

Stable names: a benchmark drives `change_quantity(line_id, delta)` over Reflex's websocket
protocol (the state's `get_full_name()` + ".change_quantity") and reads `view`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import reflex as rx

from app.domain.carts import CartError
from app.domain.clock import local_to_utc
from app.domain.numbers import int_or_zero
from app.realtime.rooms import Viewer, rooms
from app.routes import carts_url
from app.services import carts
from app.services.accounts import PersonView
from app.services.cart_page import open_cart
from app.services.carts import CartChange, CartSummary, CartView
from app.services.checkout import CheckoutView
from app.services.context import app_context
from app.states.cart_deals import deal_panels
from app.states.cart_room import PresenceView, cart_renderer, presence_renderer
from app.states.deals.page import LOAD_STRIPE_JS
from app.states.keyed_page import KeyedPage
from app.states.rooms import enter_room, leave_rooms, new_load_id
from app.states.session import SessionState

ROOM_PREFIX = "cart:"
PICK_A_TIME = "Pick a date and time."


class CartState(KeyedPage, SessionState):
    # Pushed to the room; written on the backend only by `load`.
    view: CartView | None = None
    checkout: CheckoutView | None = None
    viewers: list[PresenceView] = []
    viewer_count: int = 0
    # This client's own.
    me_id: int = 0
    cart_id: int = 0
    loaded: bool = False
    access_error: str = ""
    origin: str = ""
    shared_carts: list[CartSummary] = []
    friends: list[PersonView] = []
    tz_offset: int = 0  # minutes to add to the browser's local time to get UTC
    name_error: str = ""
    deadline_error: str = ""
    budget_error: str = ""
    code_error: str = ""
    card: str = "success"  # the chosen sandbox card (see `cart_checkout`)
    paying: bool = False
    payments_ready: bool = False
    # Real Stripe keys (no local test server): payers use Stripe's Payment Element instead of
    # the test-card chooser.
    publishable_key: str = ""
    load_id: str = ""  # which `load` the page shows: see leave_page

    @rx.event
    async def load(self) -> Any:
        user = await self._user_now()
        if user is None:
            self.view = None
            return self.ask_to_sign_in("Sign in to see your cart.")
        self.me_id = user.id
        self.loaded = False
        self.access_error = ""
        self.name_error = self.deadline_error = self.budget_error = self.code_error = ""
        self.paying = False
        self.origin = self.router.url.origin or ""
        raw = self._route_arg("cart_id") or None  # "" on /cart: the personal cart
        await leave_rooms(self, ROOM_PREFIX)
        try:
            page = await asyncio.to_thread(
                open_cart, app_context(), user.id, None if raw is None else str(raw)[:12]
            )
        except CartError as refusal:
            self.view, self.checkout, self.cart_id = None, None, 0
            self.access_error = refusal.message
            self.loaded = True
            self._mark_shown()
            return None
        self.view, self.checkout, self.cart_id = page.view, page.checkout, page.view.id
        self.shared_carts, self.friends = page.shared_carts, page.friends
        self.viewers = [
            PresenceView(user.id, user.name, user.initials, user.avatar_url, user.colour)
        ]
        self.viewer_count = 1
        self.payments_ready = page.payments_ready
        payments = app_context().payments
        real_keys = payments.sandbox is None and payments.mode.enabled
        self.publishable_key = payments.mode.publishable_key if real_keys else ""
        self.loaded = True
        self._mark_shown()
        self.load_id = new_load_id()
        await enter_room(
            self, f"{ROOM_PREFIX}{page.view.id}", Viewer(user.id, user.name, user.avatar_url)
        )
        offset = rx.call_script("new Date().getTimezoneOffset()", callback=CartState.set_tz_offset)
        return [offset, rx.call_script(LOAD_STRIPE_JS)] if self.publishable_key else offset

    @rx.event
    def set_tz_offset(self, minutes: Any) -> None:
        try:
            self.tz_offset = max(-900, min(900, int_or_zero(minutes)))
        except (TypeError, ValueError):
            self.tz_offset = 0

    @rx.event
    async def leave_page(self, cart_id: int, load_id: str = "") -> None:
        """The page of `cart_id` unmounted (navigation inside the app): stop viewing it.

        Only that cart's room: if the next page's `load` already ran, its room stays; nor when
        the unmounted page came from an earlier load (see `new_load_id`)."""
        if load_id != self.load_id:
            return
        await rooms.leave(self.router.session.session_id, f"{ROOM_PREFIX}{int_or_zero(cart_id)}")

    # -- editing ------------------------------------------------------------------------------
    async def _change(self, edit: Callable[..., CartChange], *args: Any, done: str = "") -> Any:
        """Run one cart use case as the page's shopper, off the event loop, and toast."""
        if not self.cart_id:
            if (await self._user_now()) is None:
                return self.ask_to_sign_in()
            return rx.toast.error("Open a cart first.")
        shopper = carts.SessionToken(self._session_token())
        try:
            change = await asyncio.to_thread(edit, app_context(), shopper, self.cart_id, *args)
        except carts.NotSignedIn:
            self._remember(None)
            return self.ask_to_sign_in()
        except CartError as refusal:
            return rx.toast.error(refusal.message)
        self._remember(change.by)
        if change.warning:
            return rx.toast.warning(change.warning)
        return rx.toast.success(done) if done else None

    @rx.event
    async def add_product(self, product_id: int, qty: int = 1) -> Any:
        return await self._change(
            carts.add_to_cart, int_or_zero(product_id), int_or_zero(qty), done="Added"
        )

    @rx.event
    async def change_quantity(self, line_id: int, delta: int) -> Any:
        return await self._change(carts.change_quantity, int_or_zero(line_id), int_or_zero(delta))

    @rx.event
    async def set_quantity(self, line_id: int, qty: Any) -> Any:
        return await self._change(carts.set_line_quantity, int_or_zero(line_id), int_or_zero(qty))

    @rx.event
    async def remove_line(self, line_id: int) -> Any:
        return await self._change(carts.remove_cart_line, int_or_zero(line_id), done="Removed")

    @rx.event
    async def save_note(self, form: dict[str, Any]) -> Any:
        line_id, note = int_or_zero(form.get("line_id")), str(form.get("note", ""))[:400]
        return await self._change(carts.save_note, line_id, note, done="Note saved")

    @rx.event
    async def invite(self, friend_id: int) -> Any:
        friend, address = int_or_zero(friend_id), self.client_address()
        return await self._change(carts.add_friend, friend, address, done="Added to the cart")

    @rx.event
    async def remove_member(self, user_id: int) -> Any:
        done = "Removed from the cart"
        return await self._change(carts.remove_cart_member, int_or_zero(user_id), done=done)

    @rx.event
    async def lock(self) -> Any:
        return await self._change(carts.lock_cart, done="Cart locked")

    @rx.event
    async def new_code(self) -> Any:
        return await self._change(
            carts.rotate_invite_code, done="New code made. The old link no longer works."
        )

    @rx.event
    async def unlock(self) -> Any:
        return await self._change(carts.unlock_cart, done="Cart unlocked")

    @rx.event
    async def set_deadline(self, form: dict[str, Any]) -> Any:
        """Owner: move the deadline (form field `deadline`, the browser's local time)."""
        deadline = local_to_utc(str(form.get("deadline", "")), offset_minutes=self.tz_offset)
        if deadline is None:
            self.deadline_error = PICK_A_TIME
            return rx.toast.error(self.deadline_error)
        self.deadline_error = ""
        return await self._change(carts.move_deadline, deadline, done="Deadline saved")

    @rx.event
    async def clear_deadline(self) -> Any:
        return await self._change(carts.move_deadline, None, done="Deadline removed")

    @rx.event
    async def set_split_mode(self, mode: str) -> Any:
        return await self._change(carts.choose_who_pays, str(mode))

    @rx.event
    async def delete_cart(self) -> Any:
        answer = await self._change(carts.delete_shared_cart)
        if answer is not None:
            return answer
        return [rx.toast.info("Cart deleted"), rx.redirect(carts_url())]

    @rx.event
    async def leave_cart(self) -> Any:
        answer = await self._change(carts.leave_cart)
        if answer is not None:
            return answer
        await leave_rooms(self, ROOM_PREFIX)
        return [rx.toast.info("You left the cart"), rx.redirect(carts_url())]


rooms.register("cart", cart_renderer(CartState, deal_panels))
rooms.register_presence("cart", presence_renderer(CartState))

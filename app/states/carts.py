"""Cart pages: the personal cart, shared carts, joining by link, checkout, orders, "add to cart".

Thin states: every handler checks who is signed in (`signed_in_user()` re-reads the server-side
session) and calls the carts / checkout services, which check membership and roles again.

Live updates use the rooms broadcast path (app/realtime/rooms.py): `CartState.load` checks that
the shopper may see the cart, then puts the socket in the room "cart:<id>". Every cart event
(any member's change, the deadline job, checkout news) is rendered ONCE per process by
`render_cart` (one database read) and pushed to the whole room as a delta of `CartState.view`
and `CartState.checkout`; `render_presence` pushes `viewers` / `viewer_count`. Those four vars
are only written on the backend by `load`, and nothing derives from them on the backend: pages
compare `view.owner_id` / `line.added_by_id` with `me_id` in the browser. Handlers therefore
change the database and let the room push bring the result (also to the actor), and answer
with a toast only.

Stable handler names (a benchmark drives them over Reflex's websocket protocol; the state's
full name is `CartState.get_full_name()`, i.e. "state.session_state.cart_state"):

    CartState.load()                        on_load of /cart and /cart/[cart_id]
    CartState.add_product(product_id, qty)  add to the loaded cart
    CartState.change_quantity(line_id, delta)  +1 / -1 on one of your lines
    CartState.set_quantity(line_id, qty)
    CartState.remove_line(line_id)
    CartState.save_note(form)               form fields: line_id, note
    CartState.create_cart(form)             name, deadline, budget, split_mode
    CartState.open_code(form)               code -> /cart/join/<code>
    CartState.invite(friend_id)
    CartState.remove_member(user_id)        owner
    CartState.lock() / unlock() / delete_cart()   owner
    CartState.set_deadline(form) / clear_deadline()  owner; form field: deadline
    CartState.leave_cart()
    CartState.set_split_mode(mode)          owner: "owner_pays" | "each_pays_own"
    CartState.set_card(kind)                test card: "success" | "decline" | "3ds"
    CartState.pay_all()                     owner pays everything: start checkout and pay
    CartState.start_checkout()              split: owner opens the checkout
    CartState.pay_my_share()
    CartState.confirm_bank(approved)        3-D Secure answer (test bank)
    CartState.cancel_checkout()             owner
    CartState.leave_page(cart_id, load_id)  on unmount: leave that cart's room (presence)
    JoinCartState.load() / JoinCartState.join()
    OrdersState.load()
    AddToCartState.load_targets() / AddToCartState.add(product_id, cart_id)  (0: personal)
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import reflex as rx

from app.adapters.db.session import session_scope
from app.adapters.payments import PaymentGateway, PaymentsNotConfigured, payment_gateway
from app.adapters.payments.configured import app_payments
from app.domain.carts import CartError, CartErrorCode, SplitMode
from app.domain.checkout import CheckoutError, parse_amount
from app.domain.events import DomainEvent
from app.domain.payments import sandbox_card
from app.domain.people import avatar_colour, initials
from app.realtime.rooms import Presence, Push, Viewer, delta, rooms
from app.services import accounts, carts, checkout, friends
from app.services.accounts import UserView
from app.services.carts import CartInvitePreview, CartSummary, CartView
from app.services.checkout import CheckoutView, OrderView
from app.services.unit_of_work import unit_of_work
from app.states.live import enter_room, leave_rooms
from app.states.session import SessionState

ROOM_PREFIX = "cart:"
REMOVED = "The owner removed you from this cart."
DELETED = "The owner deleted this cart."
TEST_CARDS = ("success", "decline", "3ds")


@dataclass(frozen=True)
class PresenceView:
    user_id: int
    name: str
    initials: str
    avatar_url: str
    colour: str


@dataclass(frozen=True)
class CartTarget:
    id: int
    name: str


# --------------------------------------------------------------------------- service calls
# Run in a worker thread: database and payment calls must not stall the event loop.


def _in_uow(action: Callable[..., Any], *args: Any) -> Any:
    with unit_of_work() as uow:
        return action(uow, *args)


def _signed_in_change(
    token: str | None, action: Callable[..., Any], cart_id: int, *args: Any
) -> tuple[UserView | None, Any]:
    """Who is signed in, and their change to the cart, in one transaction: the session check
    every cart edit needs costs no second trip to the database or off the event loop."""
    with unit_of_work() as uow:
        user = accounts.resolve_session(uow.session, token)
        return (user, None) if user is None else (user, action(uow, cart_id, user.id, *args))


def _page_data(
    user_id: int, raw_cart_id: str | None
) -> tuple[CartView, CheckoutView | None, list[CartSummary], list[UserView]]:
    if raw_cart_id is None:
        cart_id = _in_uow(carts.personal_cart, user_id)
    else:
        if not raw_cart_id.isdigit():
            raise CartError(CartErrorCode.CART_NOT_FOUND)
        cart_id = int(raw_cart_id)
    with session_scope() as session:
        view = carts.load_cart(session, cart_id, user_id)
        order = checkout.checkout_view(session, cart_id)
        shared = carts.list_carts(session, user_id) if view.kind == "personal" else []
        mates = friends.list_friends(session, user_id) if view.kind == "shared" else []
    return view, order, shared, mates


def _room_snapshot(cart_id: int) -> tuple[CartView | None, CheckoutView | None]:
    with session_scope() as session:
        view = carts.load_room_view(session, cart_id)
        order = checkout.checkout_view(session, cart_id) if view is not None else None
    return view, order


def _pending_order(cart_id: int) -> int | None:
    with session_scope() as session:
        return checkout.pending_order_id(session, cart_id)


def _gateway_and_card(kind: str) -> tuple[PaymentGateway, str]:
    gateway = payment_gateway()
    if kind not in TEST_CARDS:
        raise CheckoutError(checkout.CheckoutErrorCode.PAYMENT_FAILED, "Choose a test card.")
    sandbox, card = app_payments().sandbox, sandbox_card(kind)
    if sandbox is None or card is None:
        raise PaymentsNotConfigured()
    return gateway, sandbox.payment_method(card)


def _payments_ready() -> bool:
    try:
        payment_gateway()
    except (PaymentsNotConfigured, ValueError):
        return False
    return True


# --------------------------------------------------------------------------- room rendering


async def render_cart(event: DomainEvent) -> Push | None:
    """One database read per cart event, pushed to everyone viewing the cart on this process."""
    removed = event.payload.get("removed_user")
    if removed is not None:
        # Out of the room first, so the removed member gets no further news of the cart.
        await rooms.evict(
            event.channel,
            int(removed),
            delta(CartState, view=None, checkout=None, access_error=REMOVED),
        )
    left = event.payload.get("left_user")
    if left is not None:
        await rooms.evict(event.channel, int(left))
    snapshot = event.payload.get("snapshot")
    if snapshot is not None and not event.payload.get("checkout"):
        return delta(CartState, view=snapshot)  # the writer read it; no database read here
    view, order = await asyncio.to_thread(_room_snapshot, int(event.aggregate_id))
    if view is None:
        return delta(CartState, view=None, checkout=None, access_error=DELETED)
    return delta(CartState, view=view, checkout=order)


def render_presence(_channel: str, presence: Presence) -> Push:
    return delta(
        CartState,
        viewers=[
            PresenceView(
                user_id=v.user_id or 0,
                name=v.name,
                initials=initials(v.name),
                avatar_url=v.avatar_url,
                colour=avatar_colour(v.user_id or 0),
            )
            for v in presence.viewers
        ],
        viewer_count=presence.count,
    )


# --------------------------------------------------------------------------- the cart page


class CartState(SessionState):
    # Pushed to the room; written on the backend only by `load`.
    view: CartView | None = None
    checkout: CheckoutView | None = None
    viewers: list[PresenceView] = []
    viewer_count: int = 0
    # This client's own.
    me_id: int = 0
    cart_id: int = 0
    load_id: str = ""  # which `load` the page shows: see leave_page
    loaded: bool = False
    access_error: str = ""
    origin: str = ""
    shared_carts: list[CartSummary] = []
    friends: list[UserView] = []
    tz_offset: int = 0  # minutes to add to the browser's local time to get UTC
    name_error: str = ""
    deadline_error: str = ""
    budget_error: str = ""
    code_error: str = ""
    card: str = "success"
    paying: bool = False
    payments_ready: bool = False

    @rx.event
    async def load(self) -> Any:
        user = self.signed_in_user()
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
            view, order, shared, mates = await asyncio.to_thread(
                _page_data, user.id, None if raw is None else str(raw)[:12]
            )
        except CartError as refusal:
            self.view, self.checkout, self.cart_id = None, None, 0
            self.access_error = refusal.message
            self.loaded = True
            return None
        self.view, self.checkout, self.cart_id = view, order, view.id
        self.shared_carts, self.friends = shared, mates
        self.viewers = [
            PresenceView(user.id, user.name, user.initials, user.avatar_url, user.colour)
        ]
        self.viewer_count = 1
        self.payments_ready = await asyncio.to_thread(_payments_ready)
        self.loaded = True
        self.load_id = uuid.uuid4().hex[:12]
        await enter_room(
            self, f"{ROOM_PREFIX}{view.id}", Viewer(user.id, user.name, user.avatar_url)
        )
        return rx.call_script("new Date().getTimezoneOffset()", callback=CartState.set_tz_offset)

    @rx.event
    def set_tz_offset(self, minutes: Any) -> None:
        try:
            self.tz_offset = max(-900, min(900, int(minutes)))
        except (TypeError, ValueError):
            self.tz_offset = 0

    @rx.event
    async def leave_page(self, cart_id: int, load_id: str = "") -> None:
        """The page of `cart_id` unmounted (navigation inside the app): stop viewing it.

        Only that cart's room: if the next page's `load` already ran, its room stays. Nor when
        the unmounted page came from an earlier load: a tab that reconnects to another worker
        after its own died gets a fresh state (Reflex hands it a new token), whose first
        render unmounts the cart, and that unmount may arrive after the new load entered."""
        if load_id != self.load_id:
            return
        await rooms.leave(self.router.session.session_id, f"{ROOM_PREFIX}{_int(cart_id)}")

    # -- editing ------------------------------------------------------------------------------
    async def _change(self, action: Callable[..., Any], *args: Any, done: str = "") -> Any:
        if not self.cart_id:
            if self.signed_in_user() is None:
                return self.ask_to_sign_in()
            return rx.toast.error("Open a cart first.")
        try:
            user, change = await asyncio.to_thread(
                _signed_in_change, self._session_token(), action, self.cart_id, *args
            )
        except CartError as refusal:
            return rx.toast.error(refusal.message)
        if self._remember(user) is None:
            return self.ask_to_sign_in()
        warning = getattr(change, "warning", None)
        if warning:
            return rx.toast.warning(warning)
        return rx.toast.success(done) if done else None

    @rx.event
    async def add_product(self, product_id: int, qty: int = 1) -> Any:
        return await self._change(carts.add_item, _int(product_id), _int(qty), done="Added")

    @rx.event
    async def change_quantity(self, line_id: int, delta: int) -> Any:
        return await self._change(carts.adjust_quantity, _int(line_id), _int(delta))

    @rx.event
    async def set_quantity(self, line_id: int, qty: Any) -> Any:
        return await self._change(carts.set_quantity, _int(line_id), _int(qty))

    @rx.event
    async def remove_line(self, line_id: int) -> Any:
        return await self._change(carts.remove_line, _int(line_id), done="Removed")

    @rx.event
    async def save_note(self, form: dict[str, Any]) -> Any:
        return await self._change(
            carts.set_note,
            _int(form.get("line_id")),
            str(form.get("note", ""))[:400],
            done="Note saved",
        )

    @rx.event
    async def invite(self, friend_id: int) -> Any:
        return await self._change(carts.invite_friend, _int(friend_id), done="Added to the cart")

    @rx.event
    async def remove_member(self, user_id: int) -> Any:
        return await self._change(carts.remove_member, _int(user_id), done="Removed from the cart")

    @rx.event
    async def lock(self) -> Any:
        return await self._change(carts.lock, done="Cart locked")

    @rx.event
    async def unlock(self) -> Any:
        return await self._change(carts.unlock, done="Cart unlocked")

    @rx.event
    async def set_deadline(self, form: dict[str, Any]) -> Any:
        """Owner: move the deadline (form field `deadline`, the browser's local time)."""
        deadline, error = _local_deadline(str(form.get("deadline", "")), self.tz_offset)
        if deadline is None:
            self.deadline_error = error or "Pick a date and time."
            return rx.toast.error(self.deadline_error)
        self.deadline_error = ""
        return await self._change(carts.set_deadline, deadline, done="Deadline saved")

    @rx.event
    async def clear_deadline(self) -> Any:
        return await self._change(carts.set_deadline, None, done="Deadline removed")

    @rx.event
    async def set_split_mode(self, mode: str) -> Any:
        return await self._change(carts.set_split_mode, str(mode))

    @rx.event
    async def delete_cart(self) -> Any:
        answer = await self._change(carts.delete_cart)
        return (
            answer if answer is not None else [rx.toast.info("Cart deleted"), rx.redirect("/cart")]
        )

    @rx.event
    async def leave_cart(self) -> Any:
        answer = await self._change(carts.leave)
        if answer is not None:
            return answer
        await leave_rooms(self, ROOM_PREFIX)
        return [rx.toast.info("You left the cart"), rx.redirect("/cart")]

    # -- starting and joining -----------------------------------------------------------------
    @rx.event
    async def create_cart(self, form: dict[str, Any]) -> Any:
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in()
        self.name_error = self.deadline_error = self.budget_error = ""
        try:
            budget = parse_amount(str(form.get("budget", "")))
        except ValueError as bad:
            self.budget_error = str(bad)
        deadline = None
        raw_deadline = str(form.get("deadline", "")).strip()
        if raw_deadline:
            deadline, error = _local_deadline(raw_deadline, self.tz_offset)
            self.deadline_error = error
        if self.budget_error or self.deadline_error:
            return rx.toast.error("Please check the form.")
        mode = (
            SplitMode.EACH_PAYS_OWN
            if form.get("split_mode") == "each_pays_own"
            else (SplitMode.OWNER_PAYS)
        )
        try:
            cart_id = await asyncio.to_thread(
                _in_uow, _create, user.id, str(form.get("name", "")), deadline, budget, mode
            )
        except CartError as refusal:
            field = {
                CartErrorCode.INVALID_NAME: "name_error",
                CartErrorCode.DEADLINE_IN_PAST: "deadline_error",
                CartErrorCode.INVALID_BUDGET: "budget_error",
            }.get(refusal.code, "name_error")
            setattr(self, field, refusal.message)
            return rx.toast.error(refusal.message)
        return [rx.toast.success("Shared cart started"), rx.redirect(f"/cart/{cart_id}")]

    @rx.event
    def open_code(self, form: dict[str, Any]) -> Any:
        code = "".join(ch for ch in str(form.get("code", "")) if ch.isalnum()).upper()[:12]
        if len(code) != 8:
            self.code_error = CartErrorCode.INVALID_CODE.message
            return rx.toast.error(self.code_error)
        self.code_error = ""
        return rx.redirect(f"/cart/join/{code}")

    # -- checkout -----------------------------------------------------------------------------
    @rx.event
    def set_card(self, kind: str) -> None:
        self.card = kind if kind in TEST_CARDS else "success"

    async def _pay(self, work: Callable[[int, int, PaymentGateway, str], Any]) -> Any:
        user = self.signed_in_user()
        if user is None:
            yield self.ask_to_sign_in()
            return
        self.paying = True
        yield
        try:
            gateway, card = await asyncio.to_thread(_gateway_and_card, self.card)
            outcome = await asyncio.to_thread(work, user.id, self.cart_id, gateway, card)
        except PaymentsNotConfigured:
            yield rx.toast.error(PaymentsNotConfigured.user_message)
            return
        except (CheckoutError, CartError) as refusal:
            yield rx.toast.error(refusal.message)
            return
        finally:
            self.paying = False
        if outcome is None:
            return
        if outcome.needs_action:
            yield rx.toast.info(outcome.message)
        elif outcome.paid:
            yield rx.toast.success(outcome.message)
        else:
            yield rx.toast.info(outcome.message)

    @rx.event
    async def pay_all(self) -> Any:
        """Owner pays everything: start the checkout and pay the whole total."""
        async for step in self._pay(_start_and_pay):
            yield step

    @rx.event
    async def start_checkout(self) -> Any:
        """Split checkout: lock the cart and ask every member for their share."""
        user = self.signed_in_user()
        if user is None:
            yield self.ask_to_sign_in()
            return
        try:
            await asyncio.to_thread(_check_payments)
            await asyncio.to_thread(checkout.start_checkout, user.id, self.cart_id)
        except PaymentsNotConfigured:
            yield rx.toast.error(PaymentsNotConfigured.user_message)
            return
        except CheckoutError as refusal:
            yield rx.toast.error(refusal.message)
            return
        yield rx.toast.success("Checkout started: everyone can pay their share now")

    @rx.event
    async def pay_my_share(self) -> Any:
        async for step in self._pay(_pay_pending):
            yield step

    @rx.event
    async def confirm_bank(self, approved: bool) -> Any:
        user = self.signed_in_user()
        if user is None:
            yield self.ask_to_sign_in()
            return
        self.paying = True
        yield
        try:
            outcome = await asyncio.to_thread(_confirm, user.id, self.cart_id, bool(approved))
        except PaymentsNotConfigured:
            yield rx.toast.error(PaymentsNotConfigured.user_message)
            return
        except CheckoutError as refusal:
            yield rx.toast.error(refusal.message)
            return
        finally:
            self.paying = False
        yield rx.toast.success(outcome.message) if outcome.paid else rx.toast.info(outcome.message)

    @rx.event
    async def cancel_checkout(self) -> Any:
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in()
        try:
            await asyncio.to_thread(_cancel, user.id, self.cart_id)
        except CheckoutError as refusal:
            return rx.toast.error(refusal.message)
        return rx.toast.info("Checkout cancelled")


def _local_deadline(raw: str, tz_offset: int) -> tuple[datetime | None, str]:
    """A datetime-local value typed in the browser's zone, as UTC; or an error for the form."""
    try:
        local = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None, "Pick a date and time."
    return (local.replace(tzinfo=None) + timedelta(minutes=tz_offset)).replace(tzinfo=UTC), ""


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _create(
    uow: Any,
    owner_id: int,
    name: str,
    deadline: datetime | None,
    budget: int | None,
    mode: SplitMode,
) -> int:
    return carts.create_shared_cart(uow, owner_id, name, deadline, budget, split_mode=mode)


def _check_payments() -> None:
    payment_gateway()


def _start_and_pay(user_id: int, cart_id: int, gateway: PaymentGateway, card: str) -> Any:
    order_id = checkout.start_checkout(user_id, cart_id)
    return checkout.pay_share(user_id, order_id, card, gateway=gateway)


def _pay_pending(user_id: int, cart_id: int, gateway: PaymentGateway, card: str) -> Any:
    order_id = _pending_order(cart_id)
    if order_id is None:
        raise CheckoutError(checkout.CheckoutErrorCode.ORDER_CLOSED)
    return checkout.pay_share(user_id, order_id, card, gateway=gateway)


def _confirm(user_id: int, cart_id: int, approved: bool) -> Any:
    order_id = _pending_order(cart_id)
    if order_id is None:
        raise CheckoutError(checkout.CheckoutErrorCode.ORDER_CLOSED)
    return checkout.confirm_with_bank(
        user_id, order_id, gateway=payment_gateway(), test_outcome=approved
    )


def _cancel(user_id: int, cart_id: int) -> None:
    order_id = _pending_order(cart_id)
    if order_id is None:
        raise CheckoutError(checkout.CheckoutErrorCode.ORDER_CLOSED)
    try:
        gateway: PaymentGateway | None = payment_gateway()
    except PaymentsNotConfigured:
        gateway = None
    checkout.cancel_checkout(user_id, order_id, gateway=gateway)


rooms.register("cart", render_cart)
rooms.register_presence("cart", render_presence)


# --------------------------------------------------------------------------- joining by link


class JoinCartState(SessionState):
    preview: CartInvitePreview | None = None
    error: str = ""

    def _code(self) -> str:
        return self._route_arg("code")[:20]

    @rx.event
    def load(self) -> None:
        user = self.signed_in_user()
        self.preview, self.error = None, ""
        try:
            with session_scope() as session:
                self.preview = carts.find_by_code(session, self._code(), user.id if user else None)
        except CartError as refusal:
            self.error = refusal.message

    @rx.event
    async def join(self) -> Any:
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in("Sign in to join the cart.")
        try:
            change = await asyncio.to_thread(_in_uow, carts.join_by_code, user.id, self._code())
        except CartError as refusal:
            self.error = refusal.message
            return rx.toast.error(refusal.message)
        return [rx.toast.success("You joined the cart"), rx.redirect(f"/cart/{change.cart_id}")]


# --------------------------------------------------------------------------- orders


class OrdersState(SessionState):
    orders: list[OrderView] = []
    loaded: bool = False

    @rx.event
    def load(self) -> Any:
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in("Sign in to see your orders.")
        with session_scope() as session:
            self.orders = checkout.list_orders(session, user.id)
        self.loaded = True
        return None


# --------------------------------------------------------------------------- product page


class AddToCartState(SessionState):
    targets: list[CartTarget] = []
    quantity: str = "1"
    quantity_error: str = ""

    @rx.event
    def load_targets(self) -> None:
        self.quantity, self.quantity_error = "1", ""
        user = self.signed_in_user()
        if user is None:
            self.targets = []
            return
        with session_scope() as session:
            self.targets = [
                CartTarget(c.id, c.name) for c in carts.list_carts(session, user.id) if not c.locked
            ]

    @rx.event
    def set_quantity(self, value: str) -> None:
        self.quantity = str(value)[:6]

    @rx.event
    async def add(self, product_id: int, cart_id: int) -> Any:
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in("Sign in to add things to a cart.")
        qty = _int(self.quantity.strip()) if self.quantity.strip().isdigit() else 0
        if qty < 1:
            self.quantity_error = CartErrorCode.INVALID_QUANTITY.message
            return rx.toast.error(self.quantity_error)
        try:
            change = await asyncio.to_thread(_add_to, user.id, _int(cart_id), _int(product_id), qty)
        except CartError as refusal:
            if refusal.code in (
                CartErrorCode.NOT_ENOUGH_STOCK,
                CartErrorCode.OUT_OF_STOCK,
                CartErrorCode.INVALID_QUANTITY,
                CartErrorCode.OVER_BUDGET,
            ):
                self.quantity_error = refusal.message
            return rx.toast.error(refusal.message)
        self.quantity_error = ""
        if change.warning:
            return rx.toast.warning(change.warning)
        return rx.toast.success("Added to your cart" if not cart_id else "Added to the shared cart")


def _add_to(user_id: int, cart_id: int, product_id: int, qty: int) -> Any:
    with unit_of_work() as uow:
        target = cart_id or carts.personal_cart(uow, user_id)
        return carts.add_item(uow, target, user_id, product_id, qty)

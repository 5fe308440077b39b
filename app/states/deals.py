"""Group-buy deals in the browser: the deal cards (home, /deals, product pages), one deal's page
(join, leave, teams, the bank's 3-D Secure check) and the host's form.

Thin: every rule lives in app.services.deals and every view in app.services.deal_views. Live
updates go through the rooms broadcast path: a deal page's socket sits in the room "deal:<id>",
a page of cards in "deals:cards"; per event, one renderer per room loads the view once and
pushes it to all of them. `deal` and `cards` are therefore only ever set by load handlers here.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from app.adapters.db.session import session_scope
from app.adapters.payments.configured import app_gateway, app_payments, payments_mode
from app.adapters.payments.gateway import PaymentError, PaymentGateway
from app.domain.events import DomainEvent
from app.domain.payments import sandbox_card
from app.realtime.rooms import Push, Viewer, delta, rooms
from app.services import deal_views, deals
from app.services.deal_form import parse_deal_form
from app.services.deal_views import (
    NO_SEAT,
    DealCard,
    DealPage,
    HostForm,
    MySeat,
)
from app.services.deals import (
    CARDS_CHANNEL,
    DealValidationError,
    JoinError,
    JoinResult,
    NotAllowed,
)
from app.states.rooms import enter_room, leave_rooms
from app.states.session import SessionState

# The local test server's cards ("kind" -> what the chooser says). Real card numbers of Stripe's
# test range: they never move money anywhere.
TEST_CARDS = [
    ("success", "Approved", "4242 4242 4242 4242"),
    ("decline", "Declined by the bank", "4000 0000 0000 0341"),
    ("3ds", "Asks for 3-D Secure", "4000 0025 0000 3155"),
]


# Adds Stripe.js and our small wrapper (assets/stripe-pay.js) to the page once.
LOAD_STRIPE_JS = """
["https://js.stripe.com/v3/", "/stripe-pay.js"].forEach((src) => {
  if (!document.querySelector(`script[src="${src}"]`)) {
    const tag = document.createElement("script");
    tag.src = src;
    document.head.appendChild(tag);
  }
});
"""


def _test_payment_method(gateway: PaymentGateway, kind: str) -> str:
    sandbox, card = app_payments().sandbox, sandbox_card(kind)
    if sandbox is None or card is None:
        raise JoinError("Test cards only work with the local test server.", "not_test_mode")
    try:
        return sandbox.payment_method(card)
    except PaymentError as error:
        raise JoinError(error.user_message, error.code.value) from error


# --------------------------------------------------------------------------- cards


class DealCardsState(SessionState):
    """Deal cards on the home page, the deals page and a product's page (live)."""

    cards: list[DealCard] = []
    ended: list[DealCard] = []
    product_id: int = 0
    can_host: bool = False

    async def _watch_cards(self) -> None:
        await leave_rooms(self, "deal:")
        await enter_room(self, CARDS_CHANNEL, Viewer(None, ""))

    @rx.event
    async def load_home(self) -> None:
        self.cards = await asyncio.to_thread(deal_views.load_active_cards)
        self.product_id = 0
        await self._watch_cards()

    @rx.event
    async def load_list(self) -> None:
        user = self.signed_in_user()
        self.can_host = bool(user and deal_views.may_host(user.role))

        def read() -> tuple[list[DealCard], list[DealCard]]:
            with session_scope() as session:
                return deal_views.active_cards(session), deal_views.recent_closed_cards(session)

        self.cards, self.ended = await asyncio.to_thread(read)
        self.product_id = 0
        await self._watch_cards()

    @rx.event
    async def load_product(self) -> None:
        key = self._route_arg("product_key")[:100]

        def read() -> tuple[int, list[DealCard]]:
            with session_scope() as session:
                found = deal_views.product_id_for(session, key)
                return found or 0, deal_views.active_cards(session)

        self.product_id, self.cards = await asyncio.to_thread(read)
        await self._watch_cards()


async def render_cards(_event: DomainEvent) -> Push | None:
    """Any deal changed: every page of cards gets the fresh list (one read for all of them)."""
    cards = await asyncio.to_thread(deal_views.load_active_cards)
    return delta(DealCardsState, cards=cards)


# --------------------------------------------------------------------------- one deal


class DealState(SessionState):
    """One deal's page. `deal` is public and pushed live; `seat` is this shopper's own."""

    deal: DealPage | None = None
    not_found: bool = False
    seat: MySeat = NO_SEAT
    payments_on: bool = False
    test_cards: bool = False
    publishable_key: str = ""
    card_choice: str = "success"
    quantity: str = "1"
    error: str = ""
    busy: bool = False
    invited_team: int = 0

    def _deal_id(self) -> int:
        raw = self._route_arg("deal_id")
        return int(raw) if raw.isdigit() and len(raw) < 12 else 0

    def _reload_seat(self, user_id: int) -> None:
        self.seat = deal_views.load_my_seat(self._deal_id(), user_id)

    @rx.event
    async def load(self) -> Any:
        user = self.signed_in_user()
        deal_id = self._deal_id()
        page = await asyncio.to_thread(deal_views.load_deal_page, deal_id) if deal_id else None
        self.deal = page
        self.not_found = page is None
        self.seat = (
            await asyncio.to_thread(deal_views.load_my_seat, deal_id, user.id)
            if user and page
            else NO_SEAT
        )
        mode = payments_mode()
        self.payments_on = mode.enabled
        self.test_cards = mode.local_test_server
        self.publishable_key = mode.publishable_key if not mode.local_test_server else ""
        team = str(self.router.url.query_parameters.get("team", ""))
        self.invited_team = int(team) if team.isdigit() and len(team) < 12 else 0
        self.error = ""
        self.busy = False
        self.quantity = "1"
        await leave_rooms(self, "deal:")
        await leave_rooms(self, "deals:")
        if page is not None:
            viewer = Viewer(user.id, user.name, user.avatar_url) if user else Viewer(None, "")
            await enter_room(self, f"deal:{deal_id}", viewer)
        # Real Stripe keys: Stripe.js and the Payment Element (app/components/deal_payment.py).
        return rx.call_script(LOAD_STRIPE_JS) if self.publishable_key and page else None

    @rx.event
    def set_card_choice(self, value: str) -> None:
        if value in {kind for kind, _, _ in TEST_CARDS}:
            self.card_choice = value

    @rx.event
    def set_quantity(self, value: str) -> None:
        if value.isdigit() and 1 <= int(value) <= 99:
            self.quantity = value

    # -- joining ------------------------------------------------------------------------------

    async def _join(
        self, kind: str, team_id: int, payment_method: str | None
    ) -> AsyncIterator[Any]:
        user = self.signed_in_user()
        if user is None:
            yield self.ask_to_sign_in("Sign in to join this deal.")
            return
        deal_id = self._deal_id()
        if self.busy or not deal_id:
            return
        self.busy = True
        self.error = ""
        yield
        gateway = app_gateway()
        quantity = int(self.quantity) if self.quantity.isdigit() else 1
        card = self.card_choice

        def call() -> JoinResult:
            method = payment_method or _test_payment_method(gateway, card)
            common: dict[str, Any] = {"gateway": gateway}
            if kind == "team":
                return deals.start_team(user.id, deal_id, quantity, method, **common)
            if kind == "join_team":
                return deals.join_team(user.id, team_id, quantity, method, **common)
            return deals.join_deal(user.id, deal_id, quantity, method, **common)

        try:
            result = await asyncio.to_thread(call)
        except JoinError as refusal:
            self.error = refusal.message
            self.busy = False
            self._reload_seat(user.id)
            yield rx.toast.error(refusal.message)
            return
        self.busy = False
        self._reload_seat(user.id)
        if result.status == "needs_action":
            if self.test_cards:
                yield rx.toast.info("Your bank wants you to confirm this hold.")
            else:
                secret = json.dumps(result.client_secret or "")
                yield rx.call_script(
                    f"window.bandwagonPay.confirm({secret})", callback=DealState.bank_check_done
                )
            return
        yield rx.toast.success(
            f"You're in! You pay at most {self.seat.locked_price}, less if more people join."
        )

    @rx.event
    async def join(self) -> AsyncIterator[Any]:
        async for step in self._join("join", 0, None):
            yield step

    @rx.event
    async def start_team(self) -> AsyncIterator[Any]:
        async for step in self._join("team", 0, None):
            yield step

    @rx.event
    async def join_team(self, team_id: int) -> AsyncIterator[Any]:
        async for step in self._join("join_team", int(team_id), None):
            yield step

    @rx.event
    def pay_with_card(self, kind: str, team_id: int = 0) -> Any:
        """Real Stripe: the Payment Element makes a PaymentMethod in the browser first."""
        request = json.dumps({"kind": kind, "team": int(team_id)})
        return rx.call_script(
            f"window.bandwagonPay.paymentMethod({request})", callback=DealState.join_with_method
        )

    @rx.event
    async def join_with_method(self, result: dict[str, Any]) -> AsyncIterator[Any]:
        if not isinstance(result, dict) or not str(result.get("id", "")).startswith("pm_"):
            message = str((result or {}).get("error") or "Your card details aren't complete.")
            self.error = message
            yield rx.toast.error(message)
            return
        kind = str(result.get("kind", "join"))
        team = int(result.get("team", 0) or 0)
        async for step in self._join(kind, team, str(result["id"])):
            yield step

    # -- the bank's check (3-D Secure) ---------------------------------------------------------

    async def _finish(self, approve: bool | None) -> AsyncIterator[Any]:
        user = self.signed_in_user()
        if user is None:
            yield self.ask_to_sign_in()
            return
        deal_id = self._deal_id()
        gateway = app_gateway()
        try:
            status = await asyncio.to_thread(
                lambda: deals.finish_authentication(
                    user.id, deal_id, gateway=gateway, approve=approve
                )
            )
        except JoinError as refusal:
            self.error = refusal.message
            self._reload_seat(user.id)
            yield rx.toast.error(refusal.message)
            return
        self.error = ""
        self._reload_seat(user.id)
        if status == "held":
            yield rx.toast.success(
                f"Confirmed. You pay at most {self.seat.locked_price}, less if more people join."
            )

    @rx.event
    async def bank_answer(self, approve: bool) -> AsyncIterator[Any]:
        """Local test server: the shopper plays their bank's answer."""
        async for step in self._finish(bool(approve)):
            yield step

    @rx.event
    async def bank_check_done(self, _result: Any = None) -> AsyncIterator[Any]:
        """Real Stripe: Stripe.js finished the check; read the outcome from Stripe."""
        async for step in self._finish(None):
            yield step

    # -- leaving ------------------------------------------------------------------------------

    @rx.event
    async def leave(self) -> AsyncIterator[Any]:
        user = self.signed_in_user()
        if user is None:
            yield self.ask_to_sign_in()
            return
        deal_id = self._deal_id()
        gateway = app_gateway()
        try:
            await asyncio.to_thread(lambda: deals.leave_deal(user.id, deal_id, gateway=gateway))
        except JoinError as refusal:
            self._reload_seat(user.id)
            yield rx.toast.error(refusal.message)
            return
        self.error = ""
        self._reload_seat(user.id)
        yield rx.toast.info("You left the deal. The hold on your card was released.")

    @rx.var
    def share_path(self) -> str:
        """The link a team leader shares: the deal page, opened on their team."""
        # From the route and the shopper's own seat, never from the pushed `deal`.
        deal_id = self._deal_id()
        if not deal_id or not self.seat.team_id:
            return ""
        return f"/deals/{deal_id}?team={self.seat.team_id}"


async def render_deal(event: DomainEvent) -> Push | None:
    """A deal changed: its page, loaded once, goes to everyone who has it open."""
    if not event.aggregate_id.isdigit():
        return None
    page = await asyncio.to_thread(deal_views.load_deal_page, int(event.aggregate_id))
    return delta(DealState, deal=page) if page is not None else None


rooms.register("deal", render_deal)
rooms.register("deals", render_cards)


# --------------------------------------------------------------------------- hosting


class DealFormState(SessionState):
    """The host's form for a new deal; errors are shown next to their fields."""

    host: HostForm = HostForm(allowed=False)
    errors: dict[str, str] = {}
    tz_offset: int = 0

    @rx.event
    def load(self) -> Any:
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in("Sign in to open a deal.")
        with session_scope() as session:
            self.host = deal_views.host_form(session, user.role)
        self.errors = {}
        # datetime-local fields carry no time zone: learn the browser's.
        return rx.call_script("new Date().getTimezoneOffset()", callback=DealFormState.set_tz)

    @rx.event
    def set_tz(self, offset: Any) -> None:
        try:
            value = int(offset)
        except (TypeError, ValueError):
            return
        if -16 * 60 <= value <= 16 * 60:
            self.tz_offset = value

    @rx.event
    async def submit(self, form: dict[str, Any]) -> Any:
        user = self.signed_in_user()
        if user is None:
            return self.ask_to_sign_in()
        fields = {key: str(value) for key, value in form.items()}
        chosen = fields.get("product_id", "")
        currency = next((p.currency for p in self.host.products if str(p.id) == chosen), "USD")
        parsed = parse_deal_form(fields, currency, self.tz_offset, deals.utcnow())
        if parsed.terms is None:
            self.errors = parsed.errors
            return rx.toast.error("Please fix the fields marked in red.")
        terms = parsed.terms
        try:
            deal_id = await asyncio.to_thread(
                lambda: deals.create_deal(
                    product_id=parsed.product_id, created_by=user.id, terms=terms
                )
            )
        except DealValidationError as invalid:
            self.errors = invalid.field_errors
            return rx.toast.error("Please fix the fields marked in red.")
        except NotAllowed as refusal:
            return rx.toast.error(str(refusal))
        self.errors = {}
        return [rx.toast.success("Your deal is open."), rx.redirect(f"/deals/{deal_id}")]

"""One deal's page: the deal (public, pushed live), the shopper's seat, joining alone or with a
team, the bank's 3-D Secure check and leaving. Each handler makes one service call and shows
what it answers; `deal` is only ever set by the load handler (the room pushes the rest).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from app.domain.group_buy import ParticipationStatus
from app.domain.numbers import id_or_zero, parse_whole
from app.domain.payments import SandboxCard, sandbox_card
from app.realtime.rooms import Viewer
from app.routes import deal_url
from app.services import deals, rewards
from app.services.context import app_context
from app.services.deals import JoinError, JoinResult
from app.services.deals.views import NO_SEAT, DealPage, MySeat
from app.states.keyed_page import KeyedPage
from app.states.rooms import enter_room, leave_rooms
from app.states.session import SessionState

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


def _id(raw: str) -> int:
    return id_or_zero(raw)


class DealState(KeyedPage, SessionState):
    """One deal's page. `deal` is public and pushed live; `seat` is this shopper's own."""

    deal: DealPage | None = None
    not_found: bool = False
    seat: MySeat = NO_SEAT
    payments_on: bool = False
    test_cards: bool = False
    publishable_key: str = ""
    card_choice: str = SandboxCard.SUCCESS.value
    quantity: str = "1"
    error: str = ""
    busy: bool = False
    invited_team: int = 0
    referrer: int = 0  # the friend whose `?ref=` link brought this shopper here
    early_note: str = ""  # a voted-for deal's first 24 hours: who may join, and from when
    ref_path: str = ""  # the shopper's own link here: a friend joining through it earns points

    def _deal_id(self) -> int:
        return _id(self._route_arg("deal_id"))

    @rx.event
    async def load(self) -> Any:
        user = await self._user_now()
        deal_id = self._deal_id()
        ctx = app_context()
        view = await asyncio.to_thread(deals.deal_page, ctx, user.id if user else None, deal_id)
        self.deal, self.seat, self.not_found = view.page, view.seat, view.page is None
        self._mark_shown()
        mode = ctx.payments.mode
        self.test_cards = ctx.payments.sandbox is not None
        self.payments_on = mode.enabled
        self.publishable_key = mode.publishable_key if not self.test_cards else ""
        self.invited_team = _id(str(self.router.url.query_parameters.get("team", "")))
        self.referrer = _id(str(self.router.url.query_parameters.get("ref", "")))
        self.ref_path = f"{deal_url(deal_id)}?ref={user.id}" if user and view.page else ""
        self.early_note = await asyncio.to_thread(
            deals.early_access_note, ctx, user.id if user else None, deal_id
        )
        self.error = ""
        self.busy = False
        self.quantity = "1"
        await leave_rooms(self, "deal:")
        await leave_rooms(self, "deals:")
        if view.page is not None:
            viewer = Viewer(user.id, user.name, user.avatar_url) if user else Viewer(None, "")
            await enter_room(self, f"deal:{deal_id}", viewer)
        # Real Stripe keys: Stripe.js and the Payment Element (app/components/deal_payment.py).
        return rx.call_script(LOAD_STRIPE_JS) if self.publishable_key and view.page else None

    @rx.event
    def set_card_choice(self, value: str) -> None:
        if sandbox_card(value) is not None:
            self.card_choice = value

    @rx.event
    def set_quantity(self, value: str) -> None:
        if parse_whole(value, 1, 99) is not None:
            self.quantity = value

    def _refused(self, refusal: JoinError) -> Any:
        self.error = refusal.message
        if refusal.seat is not None:  # None: the refusal changed nothing the page shows
            self.seat = refusal.seat
        return rx.toast.error(refusal.message)

    # -- joining ------------------------------------------------------------------------------

    async def _join(
        self, kind: str, team_id: int, payment_method: str | None
    ) -> AsyncIterator[Any]:
        user = await self._user_now()
        if user is None:
            yield self.ask_to_sign_in("Sign in to join this deal.")
            return
        deal_id = self._deal_id()
        if self.busy or not deal_id:
            return
        self.busy = True
        self.error = ""
        yield
        quantity = parse_whole(self.quantity, 1, 99) or 1
        card = None if payment_method else sandbox_card(self.card_choice)
        address = self.client_address()
        action, target = {
            "team": (deals.start_team, deal_id),
            "join_team": (deals.join_team, team_id),
        }.get(kind, (deals.join_deal, deal_id))
        try:
            result: JoinResult = await asyncio.to_thread(
                lambda: action(
                    app_context(),
                    user.id,
                    target,
                    quantity,
                    payment_method,
                    sandbox_card=card,
                    address=address,
                )
            )
        except JoinError as refusal:
            self.busy = False
            yield self._refused(refusal)
            return
        self.busy = False
        self.seat = result.seat
        if self.referrer and result.status == ParticipationStatus.HELD:
            # The friend who shared the link gets points, once (the service checks it all).
            await asyncio.to_thread(
                rewards.credit_referral, app_context(), user.id, deal_id, self.referrer
            )
        if result.status == ParticipationStatus.NEEDS_ACTION:
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
        async for step in self._join("join_team", id_or_zero(team_id), None):
            yield step

    @rx.event
    def pay_with_card(self, kind: str, team_id: int = 0) -> Any:
        """Real Stripe: the Payment Element makes a PaymentMethod in the browser first."""
        request = json.dumps({"kind": kind, "team": id_or_zero(team_id)})
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
        team = id_or_zero(result.get("team"))
        async for step in self._join(kind, team, str(result["id"])):
            yield step

    # -- the bank's check (3-D Secure) ---------------------------------------------------------

    async def _finish(self, approve: bool | None) -> AsyncIterator[Any]:
        user = await self._user_now()
        if user is None:
            yield self.ask_to_sign_in()
            return
        deal_id = self._deal_id()
        try:
            checked = await asyncio.to_thread(
                deals.finish_bank_check, app_context(), user.id, deal_id, approve
            )
        except JoinError as refusal:
            yield self._refused(refusal)
            return
        self.error = ""
        self.seat = checked.seat
        if checked.status == ParticipationStatus.HELD:
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
        user = await self._user_now()
        if user is None:
            yield self.ask_to_sign_in()
            return
        try:
            seat = await asyncio.to_thread(
                deals.leave_deal, app_context(), user.id, self._deal_id(), self.client_address()
            )
        except JoinError as refusal:
            if refusal.seat is not None:
                self.seat = refusal.seat
            yield rx.toast.error(refusal.message)
            return
        self.error = ""
        self.seat = seat
        yield rx.toast.info("You left the deal. The hold on your card was released.")

    @rx.var
    def title(self) -> str:
        """The page's name in the browser's tab: the deal's product."""
        return self.deal.card.title if self.deal else ""

    @rx.var
    def share_path(self) -> str:
        """The link a team leader shares: the deal page, opened on their team."""
        # From the route and the shopper's own seat, never from the pushed `deal`.
        deal_id = self._deal_id()
        if not deal_id or not self.seat.team_id:
            return ""
        return str(deal_url(deal_id, team_id=self.seat.team_id))

"""The /cart page's forms to start a shared cart and to open one by its code.

A substate of `CartState`: the form errors and the browser's time zone offset (for the
deadline typed in local time) are the page's vars. Handlers: create_cart(form: name, deadline,
budget, split_mode), open_code(form: code).
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.domain.carts import CartError, CartErrorCode, SplitMode
from app.domain.checkout import parse_amount
from app.domain.clock import local_to_utc
from app.routes import cart_join_url, cart_url
from app.services import carts
from app.services.context import app_context
from app.states.carts import PICK_A_TIME, CartState


class CartStartState(CartState):
    @rx.event
    async def create_cart(self, form: dict[str, Any]) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in()
        self.name_error = self.deadline_error = self.budget_error = ""
        budget = None
        try:
            budget = parse_amount(str(form.get("budget", "")))
        except ValueError as bad:
            self.budget_error = str(bad)
        raw_deadline = str(form.get("deadline", "")).strip()
        deadline = local_to_utc(raw_deadline, offset_minutes=self.tz_offset)
        if raw_deadline and deadline is None:
            self.deadline_error = PICK_A_TIME
        if self.budget_error or self.deadline_error:
            return rx.toast.error("Please check the form.")
        each_pays = form.get("split_mode") == SplitMode.EACH_PAYS_OWN.value
        mode = SplitMode.EACH_PAYS_OWN if each_pays else SplitMode.OWNER_PAYS
        name = str(form.get("name", ""))
        try:
            cart_id = await asyncio.to_thread(
                carts.start_shared_cart,
                app_context(),
                user.id,
                name,
                deadline=deadline,
                budget_minor=budget,
                split_mode=mode,
                address=self.client_address(),
            )
        except CartError as refusal:
            field = {
                CartErrorCode.INVALID_NAME: "name_error",
                CartErrorCode.DEADLINE_IN_PAST: "deadline_error",
                CartErrorCode.INVALID_BUDGET: "budget_error",
            }.get(refusal.code, "name_error")
            setattr(self, field, refusal.message)
            return rx.toast.error(refusal.message)
        return [rx.toast.success("Shared cart started"), rx.redirect(cart_url(cart_id))]

    @rx.event
    def open_code(self, form: dict[str, Any]) -> Any:
        code = "".join(ch for ch in str(form.get("code", "")) if ch.isalnum()).upper()[:12]
        if len(code) != 8:
            self.code_error = CartErrorCode.INVALID_CODE.message
            return rx.toast.error(self.code_error)
        self.code_error = ""
        return rx.redirect(cart_join_url(code))

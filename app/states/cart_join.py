"""/cart/join/[code]: what the invite link leads to, and joining the cart."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.domain.carts import CartError
from app.routes import cart_url
from app.services import carts
from app.services.carts import CartInvitePreview
from app.services.context import app_context
from app.states.keyed_page import KeyedPage
from app.states.session import SessionState


class JoinCartState(KeyedPage, SessionState):
    preview: CartInvitePreview | None = None
    error: str = ""

    def _code(self) -> str:
        return self._route_arg("code")[:20]

    @rx.event
    async def load(self) -> None:
        user = await self._user_now()
        self.preview, self.error = None, ""
        try:
            self.preview = await asyncio.to_thread(
                carts.invite_preview,
                app_context(),
                user.id if user else None,
                self._code(),
                self.client_address(),
            )
        except CartError as refusal:
            self.error = refusal.message
        self._mark_shown()

    @rx.event
    async def join(self) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to join the cart.")
        try:
            change = await asyncio.to_thread(
                carts.join_cart, app_context(), user.id, self._code(), self.client_address()
            )
        except CartError as refusal:
            self.error = refusal.message
            return rx.toast.error(refusal.message)
        return [rx.toast.success("You joined the cart"), rx.redirect(cart_url(change.cart_id))]

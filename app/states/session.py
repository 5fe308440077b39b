"""Who is signed in. Every protected handler asks `await self._user_now()`, which re-checks the
server-side session behind the HttpOnly cookie, so a revoked session stops working at once."""

from __future__ import annotations

import asyncio
from http.cookies import CookieError, SimpleCookie

import reflex as rx
from reflex.event import EventSpec
from reflex.state import BaseState

from app import routes
from app.services import accounts
from app.services.accounts import UserView
from app.services.context import app_context
from app.services.sign_in import SESSION_COOKIE


def cookie_value(cookie_header: str, name: str) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header or "")
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def route_arg(state: BaseState, name: str) -> str:
    """The current page's dynamic route segment `name` (cart_id of /cart/[cart_id]); "" if absent.

    Reflex keeps each segment as a var of the root state. Read it there: a substate may have
    a var of the same name (CartState.cart_id is the loaded cart's id).
    """
    root = state
    while root.parent_state is not None:
        root = root.parent_state
    return str(getattr(root, name, ""))


class SessionState(rx.State):
    user: UserView | None = None

    def _session_token(self) -> str | None:
        return cookie_value(self.router.headers.cookie, SESSION_COOKIE)

    def _route_arg(self, name: str) -> str:
        return route_arg(self, name)

    def client_address(self) -> str | None:
        """The browser's address: the socket's peer, or the address a trusted proxy forwarded
        (TRUSTED_PROXY_HOPS), never a header a browser could set itself."""
        return self.router.session.client_ip or None

    async def _user_now(self) -> UserView | None:
        """The user of this connection according to the database, right now, asked off the
        event loop: handlers run on the loop that serves every tab of this process, and a
        database round trip there would stall them all while it waits."""
        token = self._session_token()
        return self._remember(await asyncio.to_thread(accounts.signed_in, app_context(), token))

    def _remember(self, user: UserView | None) -> UserView | None:
        """Keep who is signed in; only a change is sent back to the browser."""
        if user != self.user:
            self.user = user
        return user

    def ask_to_sign_in(self, message: str = "Please sign in first.") -> list[EventSpec]:
        """Send a guest to sign in, then back to where they were."""
        here = self.router.url.path or "/"
        query = self.router.url.query
        target = here + (f"?{query}" if query else "")
        return [
            rx.toast.info(message),
            rx.redirect(routes.sign_in_url(target)),
        ]

    @rx.event
    async def load_user(self) -> None:
        await self._user_now()

    @rx.var
    def signed_in(self) -> bool:
        return self.user is not None

    @rx.var
    def is_staff(self) -> bool:
        """Hosts, moderators and admins get a link to the console (which checks again)."""
        return self.user is not None and self.user.role in ("host", "moderator", "admin")

    @rx.var
    def user_name(self) -> str:
        return self.user.name if self.user else ""

    @rx.var
    def user_initials(self) -> str:
        return self.user.initials if self.user else ""

    @rx.var
    def user_avatar(self) -> str:
        return self.user.avatar_url if self.user else ""

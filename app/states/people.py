"""Sign-in page, profile and friends: thin states over the accounts and friends services."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import reflex as rx
from reflex.event import EventSpec

from app import routes
from app.domain.numbers import id_or_zero
from app.domain.people import DisplayNameError
from app.services import accounts, friends
from app.services.accounts import PersonView
from app.services.context import app_context
from app.services.sign_in import sign_in_choices
from app.states.keyed_page import KeyedPage
from app.states.rooms import follow
from app.states.session import SessionState

SIGN_IN_ERRORS = {
    "state_mismatch": "The sign-in link expired or was changed on the way. Please start again.",
    "cancelled": "You cancelled signing in at the provider. Nothing was changed.",
    "nonce_mismatch": "The provider's answer didn't belong to this sign-in. Please start again.",
    "invalid_id_token": "The provider's identity token could not be verified. Please try again.",
    "token_exchange_failed": "The provider refused to finish this sign-in (the code was used "
    "or expired). Please start again.",
    "provider_unreachable": "We couldn't reach the sign-in provider. Try again in a moment.",
    "provider_timeout": "The sign-in provider took too long to answer. Try again in a moment.",
    "provider_error": "The sign-in provider reported an error. Please try again.",
    "invalid_response": "The sign-in provider sent an answer we couldn't use. Please try again.",
    "unknown_provider": "That sign-in option isn't available here.",
    "too_many_attempts": "Too many sign-in attempts from your network. Wait a few minutes, "
    "then try again.",
}


@dataclass(frozen=True)
class ProviderButton:
    name: str
    label: str
    href: str
    demo: bool


class SignInState(SessionState):
    providers: list[ProviderButton] = []
    next_path: str = "/"
    error_message: str = ""

    async def _read_params(self) -> None:
        await self._user_now()
        params = self.router.url.query_parameters
        self.next_path = routes.safe_next(params.get("next"))
        code = params.get("code", "")
        self.error_message = SIGN_IN_ERRORS.get(code, "Signing in didn't work. Please try again.")
        self.providers = [
            ProviderButton(
                p.name, p.label, routes.provider_login_url(p.name, self.next_path), p.demo
            )
            for p in sign_in_choices()
        ]

    @rx.event
    async def load(self) -> EventSpec | None:
        """The sign-in page; someone already signed in goes straight on."""
        await self._read_params()
        return rx.redirect(self.next_path) if self.user is not None else None

    @rx.event
    async def load_error(self) -> None:
        """The page a failed sign-in ends on."""
        await self._read_params()

    @rx.var
    def has_demo(self) -> bool:
        return any(p.demo for p in self.providers)


class ProfileState(SessionState):
    name_error: str = ""

    @rx.event
    async def load(self) -> list[EventSpec] | None:
        if await self._user_now() is None:
            return self.ask_to_sign_in("Sign in to see your profile.")
        self.name_error = ""
        return None

    @rx.event
    async def save_name(self, form: dict[str, str]) -> list[EventSpec] | EventSpec:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in()
        try:
            self.user = await asyncio.to_thread(
                accounts.rename, app_context(), user.id, form.get("display_name", "")
            )
        except DisplayNameError as refusal:
            self.name_error = str(refusal)
            return rx.toast.error(str(refusal))
        self.name_error = ""
        return rx.toast.success("Name saved")


class FriendsState(SessionState):
    friends: list[PersonView] = []
    invite_code: str = ""
    code_error: str = ""

    @rx.event
    async def load(self) -> list[EventSpec] | None:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to see your friends.")
        page = await asyncio.to_thread(friends.friends_page, app_context(), user.id)
        self.invite_code, self.friends = page.invite_code, page.friends
        self.code_error = ""
        return FriendsState.watch_friends

    @rx.event(background=True)
    async def watch_friends(self) -> None:
        """Redraw the list when a friend accepts or removes us, without a reload."""
        async with self:
            user = self.user
            token = self.router.session.client_token
        if user is None:
            return

        async def refresh(_event: object) -> bool:
            found = await asyncio.to_thread(friends.friends_of, app_context(), user.id)
            async with self:
                if self.user is None or self.user.id != user.id:
                    return False
                self.friends = found
            return True

        await follow(token, f"friends:{user.id}", refresh)

    @rx.var
    def invite_path(self) -> str:
        # The origin is joined in the browser (app/pages/people.py): a computed var that read
        # self.router would make Reflex load this state from Redis for every event anywhere.
        return routes.invite_url(self.invite_code) if self.invite_code else ""

    @rx.event
    async def new_code(self) -> list[EventSpec] | EventSpec:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in()
        try:
            made = await asyncio.to_thread(
                friends.rotate_invite, app_context(), user.id, self.client_address()
            )
        except friends.FriendError as refusal:
            return rx.toast.error(str(refusal))
        self.invite_code = made.code
        return rx.toast.success("New code made. Links with the old one no longer work.")

    @rx.event
    async def use_code(self, form: dict[str, str]) -> list[EventSpec] | EventSpec:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in()
        try:
            invite = await asyncio.to_thread(
                friends.find_invite,
                app_context(),
                form.get("code", ""),
                user.id,
                self.client_address(),
            )
        except friends.FriendError as refusal:
            self.code_error = str(refusal)
            return rx.toast.error(str(refusal))
        self.code_error = ""
        return rx.redirect(routes.invite_url(invite.code))

    @rx.event
    async def remove(self, friend_id: int) -> list[EventSpec] | EventSpec:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in()
        removed = await asyncio.to_thread(
            friends.remove_friend, app_context(), user.id, id_or_zero(friend_id)
        )
        self.friends = [f for f in self.friends if f.id != id_or_zero(friend_id)]
        return rx.toast.info("Friend removed" if removed else "You weren't friends any more")


class InviteState(KeyedPage, SessionState):
    inviter: PersonView | None = None
    error: str = ""
    outcome: str = ""
    already_friends: bool = False

    def _code(self) -> str:
        return self._route_arg("code")[:20]

    @rx.event
    async def load(self) -> None:
        user = await self._user_now()
        self.outcome = ""
        self.error = ""
        self.inviter = None
        try:
            page = await asyncio.to_thread(
                friends.invite_page,
                app_context(),
                user.id if user else None,
                self._code(),
                self.client_address(),
            )
            self.inviter, self.already_friends = page.invite.inviter, page.already_friends
        except friends.FriendError as refusal:
            self.error = str(refusal)
        self._mark_shown()

    @rx.event
    async def accept(self) -> list[EventSpec] | EventSpec:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to accept the invite.")
        try:
            inviter = await asyncio.to_thread(
                friends.accept_invite, app_context(), user.id, self._code(), self.client_address()
            )
        except friends.FriendError as refusal:
            self.error = str(refusal)
            return rx.toast.error(str(refusal))
        self.outcome = f"You and {inviter.name} are now friends."
        self.already_friends = True
        return rx.toast.success(self.outcome)

    @rx.event
    def decline(self) -> EventSpec:
        name = self.inviter.name if self.inviter else "your friend"
        self.outcome = f"Invite declined. {name} won't be told."
        return rx.toast.info("Invite declined")

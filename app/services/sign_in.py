"""Signing in and out: the OpenID / OAuth round trip, then a server-side session.

The round trip is the identity adapter's (Authlib: state, nonce and PKCE). What follows is one use
case: find or create the user behind the provider account and start a session, in one unit of
work. The browser only ever holds the session's random token, in the cookie named here.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from app.adapters.identity import oauth_client
from app.adapters.identity.oauth_client import SignInError
from app.config import settings
from app.services import accounts
from app.services.accounts import SignedInIdentity
from app.services.console import roles
from app.services.context import Context

SESSION_COOKIE = "bw_session"
# Authlib keeps state, nonce and the PKCE verifier here between login and callback.
SIGN_IN_COOKIE = "bw_signin"
SESSION_MAX_AGE = 30 * 24 * 3600

__all__ = [
    "SESSION_COOKIE",
    "SESSION_MAX_AGE",
    "SIGN_IN_COOKIE",
    "ProviderChoice",
    "SignInError",
    "begin_sign_in",
    "complete_sign_in",
    "sign_in_choices",
    "sign_out",
]


@dataclass(frozen=True)
class ProviderChoice:
    """A button on the sign-in page."""

    name: str
    label: str
    demo: bool


def sign_in_choices() -> list[ProviderChoice]:
    """The configured providers, in display order."""
    return [
        ProviderChoice(p.name, p.label, p.demo) for p in oauth_client.default_client().providers
    ]


async def begin_sign_in(request: Any, provider: str, redirect_uri: str) -> Any:
    """The redirect that sends the browser to the provider (`request` is the HTTP route's
    request, which carries the round trip's cookie); SignInError for an unknown or unreachable
    provider."""
    oauth_client.default_client().provider(provider)
    return await oauth_client.begin(request, provider, redirect_uri)


async def complete_sign_in(ctx: Context, request: Any, provider: str) -> str:
    """Check the provider's answer and start a session; returns the session token.
    SignInError when the answer is refused (state, nonce, signature, audience...)."""
    identity = await oauth_client.complete(request, provider)
    user_agent = request.headers.get("user-agent", "")
    # The database work runs in a thread: the event loop keeps serving the websockets.
    return await asyncio.to_thread(_start_session, ctx, identity, user_agent)


def _start_session(ctx: Context, identity: oauth_client.Identity, user_agent: str) -> str:
    with ctx.uow() as uow:
        user = accounts.user_for_identity(
            uow.session,
            SignedInIdentity(
                provider=identity.provider,
                subject=identity.subject,
                email=identity.email,
                name=identity.name,
                picture=identity.picture,
            ),
        )
        # ADMIN_EMAILS: the first admin, without anyone editing the database by hand.
        roles.promote_if_listed(
            uow,
            user,
            identity.email if identity.email_verified else None,
            settings().admin_emails,
        )
        return accounts.start_session(uow.session, user.id or 0, user_agent)


def sign_out(ctx: Context, token: str | None) -> int:
    """End every session of the token's user, on every device; how many ended."""
    with ctx.uow() as uow:
        return accounts.end_sessions(uow.session, token)

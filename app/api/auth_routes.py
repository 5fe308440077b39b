"""Sign-in routes: start at a provider, come back, sign out.

The provider round trip is Authlib's (state, nonce and PKCE verifier in a short-lived signed
cookie). On success we create a server-side session and hand the browser only a random token in an
HttpOnly, SameSite=Lax cookie. Any failure ends on the sign-in error page with no session.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.api.guards import client_address
from app.api.secrets import session_secret
from app.config import settings
from app.domain.throttle import Rate
from app.routes import safe_next, sign_in_error_url
from app.services.context import app_context
from app.services.sign_in import (
    SESSION_COOKIE,
    SESSION_MAX_AGE,
    SIGN_IN_COOKIE,
    SignInError,
    begin_sign_in,
    complete_sign_in,
    sign_out,
)

log = logging.getLogger(__name__)


def _site(path: str) -> str:
    return settings().site_url.rstrip("/") + path


def _secure() -> bool:
    return settings().site_url.startswith("https://")


def _error_redirect(code: str, provider: str) -> RedirectResponse:
    target = _site(sign_in_error_url(code, provider))
    return RedirectResponse(target, status_code=303)


# Each start of a sign-in makes a provider round trip and a signed cookie: a bounded number
# per address, on every process together.
SIGN_IN_STARTS = Rate("sign_in.address", limit=60, seconds=60)


async def login(request: Request) -> Response:
    provider = request.path_params["provider"]
    # The shared limiter asks Redis synchronously: off the event loop, so a slow Redis stalls
    # this request only, not every websocket of the worker.
    wait = await asyncio.to_thread(
        app_context().limiter.attempt, SIGN_IN_STARTS, client_address(request.scope)
    )
    if wait is not None:
        log.warning("too many sign-in starts from one address")
        return _error_redirect("too_many_attempts", provider)
    request.session.clear()
    request.session["next"] = safe_next(request.query_params.get("next"))
    redirect_uri = settings().api_url.rstrip("/") + f"/auth/callback/{provider}"
    try:
        return await begin_sign_in(request, provider, redirect_uri)
    except SignInError as error:
        log.warning("sign-in with %s could not start: %s", provider, error.code)
        return _error_redirect(error.code, provider)


async def callback(request: Request) -> Response:
    provider = request.path_params["provider"]
    next_path = safe_next(request.session.get("next"))
    try:
        token = await complete_sign_in(app_context(), request, provider)
    except SignInError as error:
        log.warning("sign-in with %s refused: %s", provider, error.code)
        request.session.clear()
        return _error_redirect(error.code, provider)
    finally:
        request.session.pop("next", None)
    request.session.clear()
    response = RedirectResponse(_site(next_path), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=_secure(),
        path="/",
    )
    return response


async def logout(request: Request) -> Response:
    # A sign-out posted from another site's page never gets here (app/api/guards.py).
    await asyncio.to_thread(sign_out, app_context(), request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse(_site("/"), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


def auth_app() -> Starlette:
    """The /auth sub-application; its own session cookie only carries sign-in round trips."""
    return Starlette(
        routes=[
            Route("/login/{provider}", login, methods=["GET"]),
            Route("/callback/{provider}", callback, methods=["GET"]),
            Route("/logout", logout, methods=["POST"]),
        ],
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=session_secret(),
                session_cookie=SIGN_IN_COOKIE,
                max_age=600,
                same_site="lax",
                https_only=_secure(),
            )
        ],
    )

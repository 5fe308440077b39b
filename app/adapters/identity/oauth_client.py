"""Sign-in with OpenID Connect / OAuth 2.0 providers, on top of Authlib's Starlette client.

Two calls make a sign-in:

- ``begin(request, provider_name, redirect_uri)`` returns the redirect to the provider. Authlib
  keeps ``state``, ``nonce`` and the PKCE ``code_verifier`` in ``request.session``, so the routes
  need Starlette's ``SessionMiddleware``.
- ``complete(request, provider_name)`` runs on the callback: checks ``state``, exchanges the code
  (with the PKCE verifier), validates the ID token (signature via the provider's JWKS, ``iss``,
  ``aud``, ``exp``, ``nonce``) and returns an ``Identity``. Every failure is a ``SignInError`` with
  a stable ``code``.

Authlib 1.9 notes, read from its source: ``authorize_access_token`` only validates the ID token
when a nonce is found in the stored state, ``parse_id_token`` only compares the nonce when a
non-empty one is passed, and it checks ``aud`` only indirectly (through ``azp``). So ``complete``
does those steps itself: it refuses a callback without a stored nonce, always validates the ID
token, and passes explicit claim options for ``iss``, ``aud``, ``sub``, ``exp`` and ``nonce``.
"""

from __future__ import annotations

import importlib
import os
import warnings
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Literal

import authlib.deprecate  # noqa: F401 - installs its own warning filter before ours below
import httpx
from starlette.requests import Request
from starlette.responses import RedirectResponse

from app.adapters.identity.providers import ProviderConfig, providers_from_env

with warnings.catch_warnings():
    # Authlib 1.9 prefers the `httpx2` package and warns at import when it falls back to `httpx`
    # (pinned by this project). The fallback is fully supported in 1.9.
    warnings.filterwarnings("ignore", message=".*httpx module is deprecated.*")
    from authlib.integrations.starlette_client import OAuth, OAuthError
from joserfc.errors import ClaimError, JoseError

__all__ = [
    "DEFAULT_TIMEOUT",
    "Identity",
    "SignInClient",
    "SignInError",
    "SignInErrorCode",
    "begin",
    "complete",
    "configure",
    "default_client",
]

#: Seconds allowed for each HTTP call to a provider (discovery, token, JWKS, user info).
DEFAULT_TIMEOUT = 5.0
#: Seconds of clock skew tolerated on ``exp`` / ``iat`` / ``nbf``.
DEFAULT_LEEWAY = 60

SignInErrorCode = Literal[
    "unknown_provider",  # no provider of that name is configured
    "state_mismatch",  # state missing, tampered, replayed, expired, or another browser
    "cancelled",  # the user said no at the provider (error=access_denied)
    "provider_error",  # the provider answered with an error / unexpected response
    "invalid_response",  # callback without code, issuer mix-up, inconsistent user info
    "token_exchange_failed",  # token endpoint refused the code (replayed code: invalid_grant)
    "nonce_mismatch",  # ID token nonce differs from (or lacks) the one we sent
    "invalid_id_token",  # bad signature, wrong iss/aud, expired, missing claims, no id_token
    "provider_unreachable",  # connection refused, DNS failure, TLS failure...
    "provider_timeout",  # the provider did not answer within the timeout
]


class SignInError(Exception):
    """A sign-in that did not succeed. ``code`` is stable; ``message`` is for people."""

    def __init__(self, code: SignInErrorCode, message: str, *, provider: str | None = None):
        self.code: SignInErrorCode = code
        self.message = message
        self.provider = provider
        super().__init__(f"{code}: {message}")


@dataclass(frozen=True)
class Identity:
    """Who signed in, as the provider vouches for it.

    ``(provider, subject)`` is the stable key. Link an existing account by ``email`` only when
    ``email_verified`` is true.
    """

    provider: str
    subject: str
    email: str | None
    name: str | None
    picture: str | None
    email_verified: bool = False


def _http_error_types() -> tuple[tuple[type[Exception], ...], ...]:
    modules: list[Any] = [httpx]
    with suppress(ImportError):  # Authlib uses `httpx2` instead of `httpx` when it is installed.
        modules.append(importlib.import_module("httpx2"))
    timeouts = tuple(m.TimeoutException for m in modules)
    transport = tuple(m.TransportError for m in modules)
    status = tuple(m.HTTPStatusError for m in modules)
    return timeouts, transport, status


_TIMEOUT_ERRORS, _TRANSPORT_ERRORS, _STATUS_ERRORS = _http_error_types()


@contextmanager
def _talking_to(config: ProviderConfig, doing: str) -> Iterator[None]:
    """Turn network and HTTP failures while talking to a provider into SignInError."""
    try:
        yield
    except SignInError:
        raise
    except _TIMEOUT_ERRORS as exc:
        raise SignInError(
            "provider_timeout",
            f"{config.label} did not answer in time while {doing}.",
            provider=config.name,
        ) from exc
    except _TRANSPORT_ERRORS as exc:
        raise SignInError(
            "provider_unreachable",
            f"Could not reach {config.label} while {doing} ({type(exc).__name__}).",
            provider=config.name,
        ) from exc
    except _STATUS_ERRORS as exc:
        status = getattr(getattr(exc, "response", None), "status_code", "?")
        raise SignInError(
            "provider_error",
            f"{config.label} answered HTTP {status} while {doing}.",
            provider=config.name,
        ) from exc
    except ValueError as exc:  # a body that is not the JSON we need
        raise SignInError(
            "provider_error",
            f"{config.label} sent an unreadable answer while {doing}.",
            provider=config.name,
        ) from exc


def _session(request: Request) -> dict[str, Any]:
    if "session" not in request.scope:
        raise RuntimeError(
            "sign-in routes need starlette.middleware.sessions.SessionMiddleware: Authlib keeps "
            "state, nonce and the PKCE verifier in request.session"
        )
    session: dict[str, Any] = request.session
    return session


def _jose_detail(exc: JoseError) -> str:
    return f"{exc.error}: {exc.description}" if exc.description else exc.error


def _verified(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


class SignInClient:
    """The configured providers, registered with Authlib (PKCE S256 everywhere)."""

    def __init__(
        self,
        providers: Iterable[ProviderConfig],
        *,
        timeout: float = DEFAULT_TIMEOUT,
        leeway: int = DEFAULT_LEEWAY,
        transport: Any = None,
    ) -> None:
        self._timeout = timeout
        self._leeway = leeway
        self._configs: dict[str, ProviderConfig] = {}
        self._oauth = OAuth()
        for config in providers:
            if config.name in self._configs:
                raise ValueError(f"provider {config.name!r} is configured twice")
            self._configs[config.name] = config
            self._register(config, transport)

    def _register(self, config: ProviderConfig, transport: Any) -> None:
        client_kwargs: dict[str, Any] = {
            "scope": config.scope,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": config.token_endpoint_auth_method,
            "timeout": self._timeout,
        }
        if transport is not None:
            client_kwargs["transport"] = transport
        if config.kind == "oidc":
            self._oauth.register(
                config.name,
                overwrite=True,
                client_id=config.client_id,
                client_secret=config.client_secret,
                server_metadata_url=config.server_metadata_url,
                client_kwargs=client_kwargs,
            )
        else:
            self._oauth.register(
                config.name,
                overwrite=True,
                client_id=config.client_id,
                client_secret=config.client_secret,
                authorize_url=config.authorize_url,
                access_token_url=config.token_url,
                client_kwargs=client_kwargs,
            )

    @property
    def providers(self) -> list[ProviderConfig]:
        """The providers, in display order."""
        return list(self._configs.values())

    def provider(self, name: str) -> ProviderConfig:
        try:
            return self._configs[name]
        except KeyError:
            raise SignInError(
                "unknown_provider", f"No sign-in provider named {name!r}.", provider=name
            ) from None

    def _app(self, name: str) -> Any:
        return self._oauth.create_client(name)

    async def _metadata(self, config: ProviderConfig, app: Any) -> Mapping[str, Any]:
        with _talking_to(config, "reading its OpenID configuration"):
            metadata: Mapping[str, Any] = await app.load_server_metadata()
        issuer = metadata.get("issuer")
        if not isinstance(issuer, str) or issuer.rstrip("/") != (config.issuer or "").rstrip("/"):
            raise SignInError(
                "provider_error",
                f"{config.label} announces issuer {issuer!r}, expected {config.issuer!r}.",
                provider=config.name,
            )
        return metadata

    async def begin(
        self,
        request: Request,
        provider_name: str,
        redirect_uri: str,
        *,
        login_hint: str | None = None,
        prompt: str | None = None,
    ) -> RedirectResponse:
        """Start a sign-in: remember state/nonce/PKCE in the session, redirect to the provider."""
        config = self.provider(provider_name)
        app = self._app(provider_name)
        _session(request)
        if config.kind == "oidc":
            await self._metadata(config, app)
        extra: dict[str, str] = {}
        if login_hint:
            extra["login_hint"] = login_hint
        if prompt:
            extra["prompt"] = prompt
        with _talking_to(config, "starting the sign-in"):
            response: RedirectResponse = await app.authorize_redirect(
                request, redirect_uri, **extra
            )
        return response

    async def complete(self, request: Request, provider_name: str) -> Identity:
        """Finish a sign-in on the callback request and return who signed in."""
        config = self.provider(provider_name)
        app = self._app(provider_name)
        session = _session(request)
        params = request.query_params

        state = params.get("state")
        state_data: dict[str, Any] | None = None
        if state:
            state_data = await app.framework.get_state_data(session, state)
            await app.framework.clear_state_data(session, state)  # a state works once

        error = params.get("error")
        if error:
            if error == "access_denied":
                raise SignInError(
                    "cancelled",
                    f"Signing in with {config.label} was cancelled.",
                    provider=config.name,
                )
            description = params.get("error_description")
            detail = f"{error}: {description}" if description else error
            raise SignInError(
                "provider_error",
                f"{config.label} refused the sign-in ({detail}).",
                provider=config.name,
            )
        if not state or not state_data:
            raise SignInError(
                "state_mismatch",
                "This sign-in answer does not match a sign-in started here (missing, altered, "
                "reused or expired state). Please start again.",
                provider=config.name,
            )
        code = params.get("code")
        if not code:
            raise SignInError(
                "invalid_response",
                f"{config.label} sent no authorization code.",
                provider=config.name,
            )

        if config.kind == "oidc":
            return await self._complete_oidc(config, app, params, state, state_data, code)
        return await self._complete_github(config, app, state, state_data, code)

    async def _exchange(
        self, config: ProviderConfig, app: Any, state: str, state_data: Mapping[str, Any], code: str
    ) -> dict[str, Any]:
        with _talking_to(config, "exchanging the authorization code"):
            try:
                token: dict[str, Any] = await app.fetch_access_token(
                    code=code,
                    state=state,
                    redirect_uri=state_data.get("redirect_uri"),
                    code_verifier=state_data.get("code_verifier"),
                )
            except OAuthError as exc:
                detail = f"{exc.error}: {exc.description}" if exc.description else str(exc.error)
                raise SignInError(
                    "token_exchange_failed",
                    f"{config.label} refused the authorization code ({detail}).",
                    provider=config.name,
                ) from exc
        if not token.get("access_token"):
            raise SignInError(
                "token_exchange_failed",
                f"{config.label} returned no access token.",
                provider=config.name,
            )
        return token

    async def _complete_oidc(
        self,
        config: ProviderConfig,
        app: Any,
        params: Mapping[str, str],
        state: str,
        state_data: Mapping[str, Any],
        code: str,
    ) -> Identity:
        nonce = state_data.get("nonce")
        if not isinstance(nonce, str) or not nonce:
            raise SignInError(
                "nonce_mismatch",
                "No nonce was stored for this sign-in; start again.",
                provider=config.name,
            )
        metadata = await self._metadata(config, app)
        issuer = metadata["issuer"]
        # RFC 9207: when the provider names itself in the callback, it must be the one we asked.
        returned_iss = params.get("iss")
        if returned_iss is not None and returned_iss != issuer:
            raise SignInError(
                "invalid_response",
                f"The sign-in answer came from {returned_iss!r}, not {issuer!r}.",
                provider=config.name,
            )

        token = await self._exchange(config, app, state, state_data, code)
        if not token.get("id_token"):
            raise SignInError(
                "invalid_id_token", f"{config.label} returned no ID token.", provider=config.name
            )

        claims_options = {
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": config.client_id},
            "sub": {"essential": True},
            "exp": {"essential": True},
            "iat": {"essential": True},
            "nonce": {"essential": True, "value": nonce},
        }
        try:
            with _talking_to(config, "fetching its signing keys"):
                claims: Mapping[str, Any] = await app.parse_id_token(
                    token, nonce=nonce, claims_options=claims_options, leeway=self._leeway
                )
        except ClaimError as exc:
            if exc.claim == "nonce":
                raise SignInError(
                    "nonce_mismatch",
                    "The ID token was not issued for this sign-in (nonce mismatch).",
                    provider=config.name,
                ) from exc
            raise SignInError(
                "invalid_id_token",
                f"The ID token from {config.label} was rejected ({_jose_detail(exc)}).",
                provider=config.name,
            ) from exc
        except JoseError as exc:
            raise SignInError(
                "invalid_id_token",
                f"The ID token from {config.label} was rejected ({_jose_detail(exc)}).",
                provider=config.name,
            ) from exc

        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise SignInError(
                "invalid_id_token", "The ID token has no subject.", provider=config.name
            )
        merged: dict[str, Any] = dict(claims)
        userinfo_url = metadata.get("userinfo_endpoint")
        if _text(merged.get("email")) is None and isinstance(userinfo_url, str):
            with _talking_to(config, "reading the user's profile"):
                info = await app.userinfo(token=token)
            if info.get("sub") != subject:
                raise SignInError(
                    "invalid_response",
                    "The profile returned by the provider is for another user.",
                    provider=config.name,
                )
            for key in ("email", "email_verified", "name", "picture"):
                if merged.get(key) in (None, "") and info.get(key) not in (None, ""):
                    merged[key] = info[key]

        return Identity(
            provider=config.name,
            subject=subject,
            email=_text(merged.get("email")),
            name=_text(merged.get("name")),
            picture=_text(merged.get("picture")),
            email_verified=_verified(merged.get("email_verified")),
        )

    async def _complete_github(
        self,
        config: ProviderConfig,
        app: Any,
        state: str,
        state_data: Mapping[str, Any],
        code: str,
    ) -> Identity:
        token = await self._exchange(config, app, state, state_data, code)
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        with _talking_to(config, "reading the user's profile"):
            response = await app.get(config.userinfo_url, token=token, headers=headers)
            response.raise_for_status()
            user = response.json()
        if not isinstance(user, dict) or user.get("id") in (None, ""):
            raise SignInError(
                "invalid_response", "GitHub returned no user id.", provider=config.name
            )

        email: str | None = None
        if config.emails_url:
            with _talking_to(config, "reading the user's e-mail addresses"):
                response = await app.get(config.emails_url, token=token, headers=headers)
                emails = response.json() if response.status_code == 200 else []
            if isinstance(emails, list):
                for entry in emails:
                    if isinstance(entry, dict) and entry.get("primary") and entry.get("verified"):
                        email = _text(entry.get("email"))
                        break

        return Identity(
            provider=config.name,
            subject=str(user["id"]),
            email=email,
            name=_text(user.get("name")) or _text(user.get("login")),
            picture=_text(user.get("avatar_url")),
            email_verified=email is not None,
        )


_default_client: SignInClient | None = None


def configure(
    providers: Iterable[ProviderConfig] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    leeway: int = DEFAULT_LEEWAY,
) -> SignInClient:
    """Set the process-wide client used by `begin` / `complete` (default: from os.environ)."""
    global _default_client
    chosen = providers_from_env(os.environ) if providers is None else providers
    _default_client = SignInClient(chosen, timeout=timeout, leeway=leeway)
    return _default_client


def default_client() -> SignInClient:
    """The process-wide client, configured from os.environ on first use."""
    return _default_client if _default_client is not None else configure()


async def begin(request: Request, provider_name: str, redirect_uri: str) -> RedirectResponse:
    """Start signing in with `provider_name` using the process-wide client."""
    return await default_client().begin(request, provider_name, redirect_uri)


async def complete(request: Request, provider_name: str) -> Identity:
    """Finish signing in with `provider_name` using the process-wide client."""
    return await default_client().complete(request, provider_name)

"""Which sign-in providers are configured: a pure description read from the environment.

Nothing here talks to the network. `providers_from_env` turns variables into `ProviderConfig`
values and stops with a `ConfigError` naming the variable when a provider is half-configured.

Variables (an empty value counts as unset):

- ``GOOGLE_CLIENT_ID`` + ``GOOGLE_CLIENT_SECRET``: Google (OpenID Connect, accounts.google.com).
- ``GITHUB_CLIENT_ID`` + ``GITHUB_CLIENT_SECRET``: GitHub (plain OAuth 2.0 + REST API).
- ``OIDC_PROVIDERS=name1,name2``: any number of OpenID providers, each with
  ``OIDC_<NAME>_ISSUER``, ``OIDC_<NAME>_CLIENT_ID``, ``OIDC_<NAME>_CLIENT_SECRET`` and optional
  ``OIDC_<NAME>_LABEL``, ``OIDC_<NAME>_SCOPE`` (default ``openid profile email``),
  ``OIDC_<NAME>_TOKEN_AUTH_METHOD`` (``client_secret_basic`` or ``client_secret_post``) and
  ``OIDC_<NAME>_DEMO`` (``1``/``true``: the local demo provider). A provider named ``demo`` is a
  demo provider unless ``OIDC_DEMO_DEMO=0``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from app.config import ConfigError

__all__ = [
    "GITHUB_AUTHORIZE_URL",
    "GITHUB_EMAILS_URL",
    "GITHUB_TOKEN_URL",
    "GITHUB_USERINFO_URL",
    "GOOGLE_ISSUER",
    "OIDC_SCOPE",
    "ConfigError",
    "ProviderConfig",
    "ProviderKind",
    "providers_from_env",
]

ProviderKind = Literal["oidc", "github"]
TokenAuthMethod = Literal["client_secret_basic", "client_secret_post"]

OIDC_SCOPE = "openid profile email"
GOOGLE_ISSUER = "https://accounts.google.com"
GITHUB_AUTHORIZE_URL = "https://github.com/login/oauth/authorize"
GITHUB_TOKEN_URL = "https://github.com/login/oauth/access_token"
GITHUB_USERINFO_URL = "https://api.github.com/user"
GITHUB_EMAILS_URL = "https://api.github.com/user/emails"
GITHUB_SCOPE = "read:user user:email"

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_RESERVED = {"google", "github"}
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
_TOKEN_AUTH_METHODS: tuple[TokenAuthMethod, ...] = ("client_secret_basic", "client_secret_post")


@dataclass(frozen=True)
class ProviderConfig:
    """One sign-in provider the app offers.

    OIDC providers carry ``issuer`` and ``server_metadata_url`` (endpoints and keys come from
    discovery); GitHub carries its endpoints explicitly.
    """

    name: str
    label: str
    kind: ProviderKind
    client_id: str
    client_secret: str
    scope: str
    demo: bool = False
    issuer: str | None = None
    server_metadata_url: str | None = None
    authorize_url: str | None = None
    token_url: str | None = None
    userinfo_url: str | None = None
    emails_url: str | None = None
    token_endpoint_auth_method: TokenAuthMethod = "client_secret_basic"

    def __repr__(self) -> str:  # never print the secret
        return (
            f"ProviderConfig(name={self.name!r}, kind={self.kind!r}, label={self.label!r}, "
            f"client_id={self.client_id!r}, issuer={self.issuer!r}, demo={self.demo!r})"
        )


def _get(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(name)
    if raw is None:
        return None
    raw = raw.strip()
    return raw or None


def _credentials(env: Mapping[str, str], id_var: str, secret_var: str) -> tuple[str, str] | None:
    client_id = _get(env, id_var)
    client_secret = _get(env, secret_var)
    if client_id is None and client_secret is None:
        return None
    if client_id is None:
        raise ConfigError(id_var, f"the OAuth client id that goes with {secret_var}")
    if client_secret is None:
        raise ConfigError(secret_var, f"the OAuth client secret that goes with {id_var}")
    return client_id, client_secret


def _issuer(env: Mapping[str, str], variable: str) -> str:
    raw = _get(env, variable)
    expected = (
        "an issuer URL such as https://login.example.com "
        "(http:// only for 127.0.0.1 or localhost; no query or fragment)"
    )
    if raw is None:
        raise ConfigError(variable, expected)
    try:
        parts = urlsplit(raw)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ConfigError(variable, expected, raw) from None
    if not host or parts.query or parts.fragment or raw.endswith(("?", "#")):
        raise ConfigError(variable, expected, raw)
    if parts.scheme == "http":
        if host not in _LOOPBACK_HOSTS:
            raise ConfigError(variable, expected, raw)
    elif parts.scheme != "https":
        raise ConfigError(variable, expected, raw)
    return raw.rstrip("/")


def _flag(env: Mapping[str, str], variable: str, default: bool) -> bool:
    raw = _get(env, variable)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(variable, "1/true/yes/on or 0/false/no/off", raw)


def _metadata_url(issuer: str) -> str:
    return issuer + "/.well-known/openid-configuration"


def _generic(env: Mapping[str, str], name: str) -> ProviderConfig:
    prefix = f"OIDC_{name.upper()}_"
    issuer = _issuer(env, prefix + "ISSUER")
    creds = _credentials(env, prefix + "CLIENT_ID", prefix + "CLIENT_SECRET")
    if creds is None:
        raise ConfigError(prefix + "CLIENT_ID", f"the OAuth client id for provider {name!r}")
    demo = _flag(env, prefix + "DEMO", default=name == "demo")
    label = _get(env, prefix + "LABEL") or (
        "Demo shopper (local)" if demo else name.replace("_", " ").title()
    )
    scope = _get(env, prefix + "SCOPE") or OIDC_SCOPE
    if "openid" not in scope.split():
        raise ConfigError(prefix + "SCOPE", "a scope list that includes 'openid'", scope)
    method = _get(env, prefix + "TOKEN_AUTH_METHOD") or "client_secret_basic"
    if method not in _TOKEN_AUTH_METHODS:
        raise ConfigError(prefix + "TOKEN_AUTH_METHOD", " or ".join(_TOKEN_AUTH_METHODS), method)
    auth_method: TokenAuthMethod = (
        "client_secret_post" if method == "client_secret_post" else "client_secret_basic"
    )
    return ProviderConfig(
        name=name,
        label=label,
        kind="oidc",
        client_id=creds[0],
        client_secret=creds[1],
        scope=scope,
        demo=demo,
        issuer=issuer,
        server_metadata_url=_metadata_url(issuer),
        token_endpoint_auth_method=auth_method,
    )


def providers_from_env(env: Mapping[str, str]) -> list[ProviderConfig]:
    """The configured providers, in display order: Google, GitHub, then OIDC_PROVIDERS order.

    Raises ConfigError(variable, expected) for a half-configured provider.
    """
    providers: list[ProviderConfig] = []

    google = _credentials(env, "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET")
    if google is not None:
        providers.append(
            ProviderConfig(
                name="google",
                label="Google",
                kind="oidc",
                client_id=google[0],
                client_secret=google[1],
                scope=OIDC_SCOPE,
                issuer=GOOGLE_ISSUER,
                server_metadata_url=_metadata_url(GOOGLE_ISSUER),
            )
        )

    github = _credentials(env, "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET")
    if github is not None:
        providers.append(
            ProviderConfig(
                name="github",
                label="GitHub",
                kind="github",
                client_id=github[0],
                client_secret=github[1],
                scope=GITHUB_SCOPE,
                authorize_url=GITHUB_AUTHORIZE_URL,
                token_url=GITHUB_TOKEN_URL,
                userinfo_url=GITHUB_USERINFO_URL,
                emails_url=GITHUB_EMAILS_URL,
            )
        )

    providers.extend(_generic(env, name) for name in _listed_names(env))
    return providers


def _listed_names(env: Mapping[str, str]) -> list[str]:
    listed = _get(env, "OIDC_PROVIDERS")
    if listed is None:
        return []
    names: list[str] = []
    for raw_name in listed.split(","):
        name = raw_name.strip().lower()
        if not name:
            continue
        if not _NAME.match(name) or name in _RESERVED:
            raise ConfigError(
                "OIDC_PROVIDERS",
                "comma-separated provider names made of a-z, 0-9 and _, starting with a "
                "letter (not google or github, which have their own variables)",
                listed,
            )
        if name in names:
            raise ConfigError("OIDC_PROVIDERS", "each provider name once", listed)
        names.append(name)
    return names

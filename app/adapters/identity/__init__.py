"""Sign-in with outside identity providers (Google, GitHub, any OpenID Connect provider).

`providers` describes what is configured (pure, no network); `oauth_client` runs the
authorization-code + PKCE flow with Authlib and returns an `Identity`.
"""

from app.adapters.identity.oauth_client import (
    Identity,
    SignInClient,
    SignInError,
    begin,
    complete,
    configure,
    default_client,
)
from app.adapters.identity.providers import ConfigError, ProviderConfig, providers_from_env

__all__ = [
    "ConfigError",
    "Identity",
    "ProviderConfig",
    "SignInClient",
    "SignInError",
    "begin",
    "complete",
    "configure",
    "default_client",
    "providers_from_env",
]

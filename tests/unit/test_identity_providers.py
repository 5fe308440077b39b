"""Which sign-in providers the environment configures (pure: no network)."""

from __future__ import annotations

import pytest

from app.adapters.identity.providers import (
    GITHUB_AUTHORIZE_URL,
    GITHUB_EMAILS_URL,
    GITHUB_TOKEN_URL,
    GITHUB_USERINFO_URL,
    ConfigError,
    providers_from_env,
)
from app.config import ConfigError as SettingsConfigError


def test_nothing_configured_means_no_providers() -> None:
    assert providers_from_env({}) == []
    assert providers_from_env({"GOOGLE_CLIENT_ID": "", "OIDC_PROVIDERS": " "}) == []


def test_google() -> None:
    [google] = providers_from_env({"GOOGLE_CLIENT_ID": "gid", "GOOGLE_CLIENT_SECRET": "gsecret"})
    assert google.name == "google"
    assert google.label == "Google"
    assert google.kind == "oidc"
    assert (google.client_id, google.client_secret) == ("gid", "gsecret")
    assert google.issuer == "https://accounts.google.com"
    assert (
        google.server_metadata_url == "https://accounts.google.com/.well-known/openid-configuration"
    )
    assert google.scope == "openid profile email"
    assert google.demo is False


def test_github() -> None:
    [github] = providers_from_env({"GITHUB_CLIENT_ID": "hid", "GITHUB_CLIENT_SECRET": "hsecret"})
    assert github.name == "github"
    assert github.kind == "github"
    assert github.label == "GitHub"
    assert github.server_metadata_url is None
    assert (
        github.authorize_url == GITHUB_AUTHORIZE_URL == "https://github.com/login/oauth/authorize"
    )
    assert github.token_url == GITHUB_TOKEN_URL == "https://github.com/login/oauth/access_token"
    assert github.userinfo_url == GITHUB_USERINFO_URL == "https://api.github.com/user"
    assert github.emails_url == GITHUB_EMAILS_URL == "https://api.github.com/user/emails"
    assert "user:email" in github.scope.split()


def test_generic_oidc_providers_in_listed_order() -> None:
    env = {
        "OIDC_PROVIDERS": "demo, Keycloak",
        "OIDC_DEMO_ISSUER": "http://127.0.0.1:9090/",
        "OIDC_DEMO_CLIENT_ID": "bandwagon-demo",
        "OIDC_DEMO_CLIENT_SECRET": "s1",
        "OIDC_KEYCLOAK_ISSUER": "https://sso.example.com/realms/shop",
        "OIDC_KEYCLOAK_CLIENT_ID": "shop",
        "OIDC_KEYCLOAK_CLIENT_SECRET": "s2",
        "OIDC_KEYCLOAK_LABEL": "Company SSO",
        "OIDC_KEYCLOAK_TOKEN_AUTH_METHOD": "client_secret_post",
        "GOOGLE_CLIENT_ID": "gid",
        "GOOGLE_CLIENT_SECRET": "gs",
    }
    google, demo, keycloak = providers_from_env(env)
    assert google.name == "google"
    assert demo.name == "demo"
    assert demo.demo is True
    assert demo.label == "Demo shopper (local)"
    assert demo.issuer == "http://127.0.0.1:9090"  # trailing slash dropped
    assert demo.server_metadata_url == "http://127.0.0.1:9090/.well-known/openid-configuration"
    assert demo.token_endpoint_auth_method == "client_secret_basic"
    assert keycloak.name == "keycloak"
    assert keycloak.demo is False
    assert keycloak.label == "Company SSO"
    assert keycloak.issuer == "https://sso.example.com/realms/shop"
    assert keycloak.token_endpoint_auth_method == "client_secret_post"
    assert keycloak.scope == "openid profile email"


def test_demo_flag_and_default_label() -> None:
    env = {
        "OIDC_PROVIDERS": "local_op",
        "OIDC_LOCAL_OP_ISSUER": "http://localhost:9090",
        "OIDC_LOCAL_OP_CLIENT_ID": "a",
        "OIDC_LOCAL_OP_CLIENT_SECRET": "b",
        "OIDC_LOCAL_OP_DEMO": "true",
    }
    [provider] = providers_from_env(env)
    assert provider.demo is True
    env["OIDC_LOCAL_OP_DEMO"] = "0"
    [provider] = providers_from_env(env)
    assert provider.demo is False
    assert provider.label == "Local Op"


def test_secret_is_not_in_repr() -> None:
    [google] = providers_from_env({"GOOGLE_CLIENT_ID": "gid", "GOOGLE_CLIENT_SECRET": "topsecret"})
    assert "topsecret" not in repr(google)


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"GOOGLE_CLIENT_ID": "gid"}, "GOOGLE_CLIENT_SECRET"),
        ({"GOOGLE_CLIENT_SECRET": "gs"}, "GOOGLE_CLIENT_ID"),
        ({"GITHUB_CLIENT_ID": "hid", "GITHUB_CLIENT_SECRET": "  "}, "GITHUB_CLIENT_SECRET"),
        ({"GITHUB_CLIENT_SECRET": "hs"}, "GITHUB_CLIENT_ID"),
        ({"OIDC_PROVIDERS": "acme"}, "OIDC_ACME_ISSUER"),
        (
            {"OIDC_PROVIDERS": "acme", "OIDC_ACME_ISSUER": "https://id.acme.test"},
            "OIDC_ACME_CLIENT_ID",
        ),
        (
            {
                "OIDC_PROVIDERS": "acme",
                "OIDC_ACME_ISSUER": "https://id.acme.test",
                "OIDC_ACME_CLIENT_ID": "x",
            },
            "OIDC_ACME_CLIENT_SECRET",
        ),
        ({"OIDC_PROVIDERS": "google"}, "OIDC_PROVIDERS"),
        ({"OIDC_PROVIDERS": "bad-name"}, "OIDC_PROVIDERS"),
        ({"OIDC_PROVIDERS": "acme,acme"}, "OIDC_PROVIDERS"),
    ],
)
def test_half_configured_provider_names_the_variable(env: dict[str, str], variable: str) -> None:
    with pytest.raises(ConfigError) as raised:
        providers_from_env(env)
    assert raised.value.variable == variable
    assert variable in str(raised.value)
    assert raised.value.expected


@pytest.mark.parametrize(
    "issuer",
    [
        "not a url",
        "id.acme.test",
        "ftp://id.acme.test",
        "http://id.acme.test",  # plain http only on loopback
        "https://id.acme.test/?tenant=1",
        "https://id.acme.test/#x",
        "https://",
        "https://id.acme.test:notaport",
    ],
)
def test_bad_issuer_url(issuer: str) -> None:
    env = {
        "OIDC_PROVIDERS": "acme",
        "OIDC_ACME_ISSUER": issuer,
        "OIDC_ACME_CLIENT_ID": "x",
        "OIDC_ACME_CLIENT_SECRET": "y",
    }
    with pytest.raises(ConfigError) as raised:
        providers_from_env(env)
    assert raised.value.variable == "OIDC_ACME_ISSUER"
    assert "https://" in raised.value.expected


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("OIDC_ACME_TOKEN_AUTH_METHOD", "private_key_jwt"),
        ("OIDC_ACME_DEMO", "maybe"),
        ("OIDC_ACME_SCOPE", "profile email"),
    ],
)
def test_bad_optional_settings(variable: str, value: str) -> None:
    env = {
        "OIDC_PROVIDERS": "acme",
        "OIDC_ACME_ISSUER": "https://id.acme.test",
        "OIDC_ACME_CLIENT_ID": "x",
        "OIDC_ACME_CLIENT_SECRET": "y",
        variable: value,
    }
    with pytest.raises(ConfigError) as raised:
        providers_from_env(env)
    assert raised.value.variable == variable


def test_config_error_is_the_settings_config_error() -> None:
    """One ConfigError type for every start-up setting, so one handler reports them all."""
    assert ConfigError is SettingsConfigError

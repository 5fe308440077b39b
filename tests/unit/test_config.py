from pathlib import Path

import pytest

from app.config import ConfigError, load_settings, redact_url


def test_defaults_give_an_embedded_shop_on_sqlite(tmp_path: Path) -> None:
    settings = load_settings({"DATA_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'shop.db'}"
    assert settings.redis_url is None
    assert settings.frontend_port == 3000
    assert settings.bind_host == "127.0.0.1"


def test_postgres_url_uses_the_psycopg_driver() -> None:
    settings = load_settings({"DATABASE_URL": "postgresql://u:p@db:5432/shop"})
    assert settings.database_url == "postgresql+psycopg://u:p@db:5432/shop"
    assert not settings.uses_sqlite


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DATABASE_URL", "mysql://x@y/z", "postgresql://"),
        ("DATABASE_URL", "not a url", "sqlite:///"),
        ("REDIS_URL", "http://127.0.0.1:6379", "redis://"),
        ("FRONTEND_PORT", "eighty", "port number"),
        ("BACKEND_PORT", "70000", "port number"),
        ("APP_ENV", "staging", "one of dev, prod, test"),
        ("STRIPE_SECRET_KEY", "pk_live_oops", "'sk_'"),
    ],
)
def test_a_bad_value_names_the_variable_and_the_expected_form(
    variable: str, value: str, expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({variable: value})
    assert str(caught.value).startswith(f"{variable}: expected")
    assert expected in str(caught.value)


def test_admin_emails_are_a_normalised_set() -> None:
    settings = load_settings({"ADMIN_EMAILS": " Boss@Shop.test, ops@shop.test ,"})
    assert settings.admin_emails == frozenset({"boss@shop.test", "ops@shop.test"})
    assert load_settings({}).admin_emails == frozenset()


@pytest.mark.parametrize("value", ["boss", "boss@shop", "a b@shop.test", "x@y@z.test"])
def test_a_malformed_admin_email_names_the_variable(value: str) -> None:
    with pytest.raises(ConfigError, match="ADMIN_EMAILS: expected comma-separated e-mail"):
        load_settings({"ADMIN_EMAILS": f"ok@shop.test,{value}"})


def test_an_unset_app_env_means_production() -> None:
    assert load_settings({}).is_production
    assert not load_settings({"APP_ENV": "dev"}).is_production


@pytest.mark.parametrize("variable", ["DATABASE_URL", "REDIS_URL"])
def test_a_malformed_url_is_shown_without_its_password(variable: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({variable: "mysql://shop:hunter2-secret@db:5432/shop"})
    assert "hunter2" not in str(caught.value)
    assert "mysql://shop:***@db:5432/shop" in str(caught.value)


def test_redaction_keeps_urls_without_a_password() -> None:
    assert redact_url("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
    assert redact_url("postgresql://u:p@h/d") == "postgresql://u:***@h/d"


def test_a_redis_cluster_url_lists_its_nodes() -> None:
    url = "redis+cluster://10.0.0.1:7000,10.0.0.2:7001"
    assert load_settings({"REDIS_CLUSTER_URL": url}).redis_cluster_url == url
    assert load_settings({}).redis_cluster_url is None


@pytest.mark.parametrize(
    "value",
    [
        "redis://127.0.0.1:7000",
        "redis+cluster://",
        "redis+cluster://a:7000,b",
        "redis+cluster://a:0",
    ],
)
def test_a_malformed_redis_cluster_url_says_the_form(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"REDIS_CLUSTER_URL": value})
    assert str(caught.value).startswith("REDIS_CLUSTER_URL: expected redis+cluster://host:port")

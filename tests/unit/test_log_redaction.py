"""Secrets from the environment never reach a log line: not in a message, not in its arguments,
not in a traceback, whichever handler writes it."""

from __future__ import annotations

import io
import logging

import pytest

from app.api.logs import JsonFormatter, RedactSecrets
from app.config import redact, secret_values

ENV = {
    "STRIPE_SECRET_KEY": "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "SESSION_SECRET": "x" * 40,
    "DATABASE_URL": "postgresql://shop:pg-pass-9876@db:5432/shop",
    "FRONTEND_PORT": "3000",
}


def test_the_secrets_are_the_secret_variables_and_url_passwords() -> None:
    found = secret_values(ENV)
    assert set(found) == {ENV["STRIPE_SECRET_KEY"], ENV["SESSION_SECRET"], "pg-pass-9876"}
    assert "3000" not in found


def _logged(handler: logging.Handler, monkeypatch: pytest.MonkeyPatch) -> str:
    stream = io.StringIO()
    handler.stream = stream  # type: ignore[attr-defined]
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        logger.info("charging with key %s", ENV["STRIPE_SECRET_KEY"])
        try:
            raise ConnectionError(f"could not reach {ENV['DATABASE_URL']}")
        except ConnectionError:
            logger.exception("database down")
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_a_plain_handler_with_the_filter_writes_no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    handler = logging.StreamHandler()
    handler.addFilter(RedactSecrets())
    text = _logged(handler, monkeypatch)
    assert "charging with key ***" in text
    assert "ConnectionError: could not reach postgresql://shop:***@db:5432/shop" in text
    assert ENV["STRIPE_SECRET_KEY"] not in text and "pg-pass-9876" not in text


def test_json_lines_are_redacted_tracebacks_included(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(JsonFormatter, "secrets", None)
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    text = _logged(handler, monkeypatch)
    assert ENV["STRIPE_SECRET_KEY"] not in text and "pg-pass-9876" not in text
    assert "postgresql://shop:***@db:5432/shop" in text


def test_redact_leaves_ordinary_text_alone() -> None:
    assert redact("Bob added 2 × Mug", secret_values(ENV)) == "Bob added 2 × Mug"

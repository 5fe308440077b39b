"""Fixtures shared by every kind of test: databases (SQLite and the real PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.adapters.db.session import make_engine
from app.cli import migrate
from tests.support.databases import ADMIN_URL, fresh_postgres

# Tests run as tests: an unset APP_ENV would mean production (no demo helpers, a required secret).
os.environ.setdefault("APP_ENV", "test")

REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def service_unavailable(what: str, error: Exception) -> None:
    """Skip when a local service is truly absent, but never in CI, where it must be there."""
    message = f"{what} is not reachable: {error}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'shop.db'}"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Engine]:
    engine = make_engine(ADMIN_URL)
    try:
        engine.connect().close()
    except Exception as error:  # noqa: BLE001 - any connection failure means "not here"
        engine.dispose()
        service_unavailable("PostgreSQL", error)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_server: Engine) -> Iterator[str]:
    """A brand-new empty PostgreSQL database, dropped afterwards."""
    with fresh_postgres("bandwagon_test") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Run the test once on SQLite and once on PostgreSQL, both migrated to head."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    migrate(url)
    return url


@pytest.fixture
def db_session(database_url: str) -> Iterator[Session]:
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()

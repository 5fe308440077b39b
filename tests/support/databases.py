"""Throwaway databases on the local PostgreSQL server, for tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

from app.adapters.db.session import make_engine

ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def create_database(prefix: str = "bandwagon_bench") -> str:
    """A new, empty database on the local PostgreSQL server; its URL."""
    admin = make_engine(ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    admin = make_engine(ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    name = url.rsplit("/", 1)[1]
    try:
        with admin.connect() as conn, contextlib.suppress(Exception):
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@contextlib.contextmanager
def fresh_postgres(prefix: str = "bandwagon_bench") -> Iterator[str]:
    """A new, empty database on the local PostgreSQL server, dropped afterwards."""
    url = create_database(prefix)
    try:
        yield url
    finally:
        drop_database(url)

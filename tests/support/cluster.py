"""Backend processes for benchmarks and cross-process tests: N workers sharing Redis and a fresh
PostgreSQL database, plus signed-in shoppers to drive them over the websocket protocol."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from app.adapters.db.models_people import User
from app.adapters.db.session import make_engine
from app.cli import migrate
from app.launcher.cluster import start_workers
from app.launcher.processes import ProcessGroup
from app.services import accounts
from app.services.sign_in import SESSION_COOKIE
from tests.support.databases import fresh_postgres

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class Shopper:
    user_id: int
    name: str
    cookie: str


@dataclass
class Cluster:
    database_url: str
    urls: list[str]
    engine: Engine
    log_dir: Path
    shoppers: list[Shopper] = field(default_factory=list)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def add_shoppers(self, count: int, prefix: str = "Shopper") -> list[Shopper]:
        """Users with a live sign-in session each, as a browser would hold after signing in."""
        with self.session() as session:
            users = [User(display_name=f"{prefix} {i + 1}") for i in range(count)]
            session.add_all(users)
            session.flush()
            made = []
            for user in users:
                assert user.id is not None
                token = accounts.start_session(session, user.id, "bench")
                made.append(Shopper(user.id, user.display_name, f"{SESSION_COOKIE}={token}"))
            session.commit()
        self.shoppers.extend(made)
        return made


@contextlib.contextmanager
def running_cluster(workers: int = 2, log_dir: Path | None = None) -> Iterator[Cluster]:
    """Start `workers` backend processes on free ports; stop them and drop the database after."""
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="bandwagon-cluster-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    with fresh_postgres() as database_url:
        migrate(database_url)
        engine = make_engine(database_url)
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "DATA_DIR": str(log_dir / "data"),
            "APP_ENV": "test",
        }
        try:
            with ProcessGroup(grace_seconds=3) as group:
                ports = start_workers(group, env, workers, pages=False, log_dir=log_dir)
                yield Cluster(
                    database_url, [f"http://127.0.0.1:{port}" for port in ports], engine, log_dir
                )
        finally:
            engine.dispose()

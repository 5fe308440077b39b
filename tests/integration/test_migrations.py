"""Alembic builds the whole schema from nothing, on SQLite and on PostgreSQL, with no drift."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect
from sqlmodel import SQLModel

from app.adapters.db.session import make_engine
from app.config import PROJECT_ROOT


def _alembic_config(url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    return config


def test_upgrade_from_empty_creates_every_table_and_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(SQLModel.metadata.tables) <= tables
    assert "alembic_version" in tables
    # `alembic check` raises when autogenerate would produce a new migration.
    command.check(_alembic_config(database_url))


def test_downgrade_to_base_and_back_up(database_url: str) -> None:
    config = _alembic_config(database_url)
    command.downgrade(config, "base")
    engine = make_engine(database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    command.upgrade(config, "head")
    command.check(config)

"""Set-up commands used by the Makefile: `python -m app.cli setup | check-config`."""

from __future__ import annotations

import argparse
import sys

from app.config import PROJECT_ROOT, ConfigError, load_settings


def migrate(database_url: str | None = None) -> None:
    """Bring the database schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    if database_url:
        config.attributes["database_url"] = database_url
    command.upgrade(config, "head")


def setup() -> None:
    from app.adapters.db.session import session_scope
    from app.services.demo_seed import (
        demo_stream,
        seed_demo_catalog,
        seed_demo_deals,
        seed_demo_live,
    )

    migrate()
    production = load_settings().is_production
    stream = "" if production else demo_stream(PROJECT_ROOT / "assets")
    with session_scope() as session:
        added = seed_demo_catalog(session)
        deals_added = 0
        if not production:  # demo deals would take real card holds in production
            deals_added = seed_demo_deals(session)
            seed_demo_live(session, stream)
    print(f"database ready; demo products added: {added}; demo deals added: {deals_added}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.cli")
    parser.add_argument("command", choices=["setup", "migrate", "check-config"])
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    if args.command == "check-config":
        print(f"configuration ok (database: {settings.database_url.split(':', 1)[0]})")
    elif args.command == "migrate":
        migrate()
    else:
        setup()
    return 0


if __name__ == "__main__":
    sys.exit(main())

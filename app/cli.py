"""Set-up commands used by the Makefile: `python -m app.cli setup | check-config | admin`."""

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
        seed_demo_admin,
        seed_demo_catalog,
        seed_demo_communities,
        seed_demo_deals,
        seed_demo_live,
    )

    migrate()
    production = load_settings().is_production
    added = deals_added = 0
    # Production seeds nothing: demo deals would take real card holds, a demo host and a demo
    # admin would be real accounts, and a real shop's catalog is its own.
    if not production:
        with session_scope() as session:
            added = seed_demo_catalog(session)
            deals_added = seed_demo_deals(session)
            seed_demo_live(session, demo_stream(PROJECT_ROOT / "assets"))
            seed_demo_admin(session)
            seed_demo_communities(session)
    from app.services.console.roles import promote_listed_admins
    from app.services.context import app_context

    promoted = promote_listed_admins(app_context(), load_settings().admin_emails)
    print(f"database ready; demo products added: {added}; demo deals added: {deals_added}")
    if promoted:
        print("admins from ADMIN_EMAILS: " + ", ".join(promoted))


def make_admin(email: str) -> int:
    """`make admin EMAIL=...`: give an existing user the admin role."""
    from app.services.console.roles import RoleError
    from app.services.console.roles import make_admin as promote
    from app.services.context import app_context

    migrate()
    try:
        row = promote(app_context(), email)
    except RoleError as error:
        print(f"{error} Sign in once first, or list the address in ADMIN_EMAILS.", file=sys.stderr)
        return 1
    print(f"{row.name} <{row.email}> is now an admin")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.cli")
    parser.add_argument("command", choices=["setup", "migrate", "check-config", "admin"])
    parser.add_argument("--email", default="", help="for `admin`: the user's e-mail")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    if args.command == "check-config":
        print(f"configuration ok (database: {settings.database_url.split(':', 1)[0]})")
    elif args.command == "admin":
        if not args.email:
            print("Usage: make admin EMAIL=someone@example.com", file=sys.stderr)
            return 2
        return make_admin(args.email)
    elif args.command == "migrate":
        migrate()
    else:
        setup()
    return 0


if __name__ == "__main__":
    sys.exit(main())

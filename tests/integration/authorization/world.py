"""One small shop with a person in every role, built once and copied for each check.

The shop is a migrated SQLite file: a product, a shared cart (its owner, a member and a line),
a group-buy deal with one participant, a live session with its host, a moderator and an admin,
and a signed-in browser session (a cookie) for each of them. `fresh()` copies the file, so a
check that the allowed role may change something starts from the same shop as every other.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from app.adapters.db.models_chat import ChatMessage
from app.adapters.db.models_community import Community
from app.adapters.db.models_social import Notification
from app.adapters.db.session import make_engine
from app.cli import migrate
from app.domain.group_buy import DealTerms, PriceTier
from app.domain.live import SessionDraft
from app.services import accounts, carts, chat, deals, live
from app.services.api_access import keys
from app.services.checkout import start_checkout
from app.services.communities.managing import create_community
from app.services.communities.membership import join_community
from app.services.communities.posting import post as community_post
from app.services.context import Context
from app.services.notifications.inbox import NotificationKind, notify
from app.services.orders.views import CART_PREFIX
from app.services.reviews.writing import write_review
from app.services.sign_in import SESSION_COOKIE
from app.services.unit_of_work import unit_of_work
from app.services.webhooks.endpoints import register_endpoint
from tests.factories import RecordingBus, add_category, add_product, add_user, make_context
from tests.integration.authorization.roles import (
    ADMIN,
    CART_MEMBER,
    CART_OWNER,
    DEAL_PARTICIPANT,
    GUEST,
    MODERATOR,
    OTHER_HOST,
    SESSION_HOST,
    SHOPPER,
)
from tests.integration.deal_world import FakeGateway

# The payment server of the template and (copied) of every copy: it knows the template's holds.
GATEWAY = FakeGateway()
# Rows that any signed-in request touches (when the session was last seen): not a change.
# Bookkeeping that any page visit writes: the sign-in session, and the analytics of the visit
# (its page.viewed event and the rollups folded from it).
NOT_A_CHANGE = frozenset(
    {
        "authsession",
        "event_consumer",
        "event_rollup_hourly",
        "event_rollup_daily",
        "analytics_rollup",
        "analytics_visitor",
        "analytics_shopper_month",
    }
)
VISIT_EVENTS = "SELECT * FROM event_log WHERE kind <> 'page.viewed'"


@dataclass
class Shop:
    """A copy of the shop: its engine, the bus its context publishes to, the ids of its things."""

    engine: Engine
    ids: dict[str, Any]
    cookies: dict[str, str]
    bus: RecordingBus = field(default_factory=RecordingBus)
    gateway: FakeGateway = field(default_factory=lambda: GATEWAY)

    def ctx(self) -> Context:
        # The holds the template placed, as the payment server would remember them.
        return make_context(self.engine, bus=self.bus, gateway=self.gateway)

    def fingerprint(self, also_ignore: frozenset[str] | set[str] = frozenset()) -> dict[str, str]:
        """A digest of each table's rows (sign-in bookkeeping, and `also_ignore`, aside):
        two fingerprints differ exactly in the tables whose rows changed."""
        digests = {}
        with self.engine.connect() as conn:
            for table in SQLModel.metadata.sorted_tables:
                if table.name in NOT_A_CHANGE or table.name in also_ignore:
                    continue
                query = (
                    VISIT_EVENTS if table.name == "event_log" else f'SELECT * FROM "{table.name}"'
                )
                rows = conn.execute(text(query)).all()
                digests[table.name] = hashlib.sha256(repr(sorted(map(repr, rows))).encode())
        return {name: digest.hexdigest() for name, digest in digests.items()}


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The tables whose rows differ between two fingerprints."""
    return sorted(name for name in after if before.get(name) != after[name])


@dataclass
class Template:
    """The built shop on disk, and what every copy of it holds."""

    path: Path
    ids: dict[str, Any]
    cookies: dict[str, str]
    keys: dict[str, str] = field(default_factory=dict)  # API tokens by role (test_routes)

    @contextmanager
    def fresh(self, into: Path) -> Iterator[Shop]:
        shutil.copyfile(self.path, into)
        engine = make_engine(f"sqlite:///{into}")
        try:
            yield Shop(engine, dict(self.ids), dict(self.cookies))
        finally:
            engine.dispose()


def build(path: Path) -> Template:
    """The shop in a migrated SQLite file at `path`."""
    url = f"sqlite:///{path}"
    migrate(url)
    engine = make_engine(url)
    try:
        ids, cookies = populate(engine)
    finally:
        engine.dispose()
    return Template(path, ids, cookies)


def populate(engine: Engine) -> tuple[dict[str, Any], dict[str, str]]:
    """Fill a migrated, empty database: the ids of its things and each role's cookie."""
    ids: dict[str, Any] = {}
    cookies: dict[str, str] = {GUEST: ""}
    with Session(engine, expire_on_commit=False) as session:
        shelf = add_category(session, "home", "Home")
        ids["product"] = add_product(session, shelf, "harbor-mug", price=1800).id or 0
        ids["other_product"] = add_product(session, shelf, "desk-lamp", price=4500).id or 0
        roles = {
            SHOPPER: "shopper",
            CART_MEMBER: "shopper",
            CART_OWNER: "shopper",
            DEAL_PARTICIPANT: "shopper",
            SESSION_HOST: "host",
            OTHER_HOST: "host",
            MODERATOR: "moderator",
            ADMIN: "admin",
        }
        for person, role in roles.items():
            ids[person] = add_user(session, person.replace("_", " ").title(), role).id or 0
        # Wrote the chat message the matrix reports and deletes: none of the roles above.
        ids["author"] = add_user(session, "Chatty Author").id or 0
        session.commit()
        for person in roles:
            token = accounts.start_session(session, ids[person])
            cookies[person] = f"{SESSION_COOKIE}={token}"
        session.commit()
    ctx = make_context(engine, gateway=GATEWAY)
    with unit_of_work(lambda: Session(engine, expire_on_commit=False), ctx.bus) as uow:
        ids["cart"] = carts.create_shared_cart(uow, ids[CART_OWNER], "Beach weekend")
    with Session(engine) as session:
        code = carts.load_cart(session, ids["cart"], ids[CART_OWNER]).invite_code
    with unit_of_work(lambda: Session(engine, expire_on_commit=False), ctx.bus) as uow:
        carts.join_by_code(uow, ids[CART_MEMBER], code)
    with unit_of_work(lambda: Session(engine, expire_on_commit=False), ctx.bus) as uow:
        carts.add_item(uow, ids["cart"], ids[CART_MEMBER], ids["product"], 1)
    with Session(engine) as session:
        view = carts.load_cart(session, ids["cart"], ids[CART_OWNER])
        ids["cart_line"] = view.lines[0].id
    now = datetime.now(UTC).replace(microsecond=0)
    terms = DealTerms(
        tiers=(PriceTier(1, 10000), PriceTier(3, 8000)),
        currency="USD",
        min_to_unlock=3,
        max_participants=10,
        starts_at=now - timedelta(minutes=5),
        deadline=now + timedelta(days=2),
    )
    ids["deal"] = deals.create_deal(ctx, ids[SESSION_HOST], ids["product"], terms)
    deals.join_deal(ctx, ids[DEAL_PARTICIPANT], ids["deal"], 1, "pm_card_visa")
    draft = SessionDraft(
        title="Cosy kitchen picks",
        cover_image="/products/mug-0.webp",
        starts_at=now + timedelta(hours=1),
        stream_url="/live/demo-stream.mp4",
        product_ids=(ids["product"],),
    )
    ids["live"] = live.schedule_session(ctx, ids[SESSION_HOST], draft)
    live.go_live(ctx, ids[SESSION_HOST], ids["live"])
    ids["upcoming"] = live.schedule_session(ctx, ids[SESSION_HOST], draft)
    chat.post_message(ctx, ids["author"], f"live:{ids['live']}", "Is the mug blue?", None)
    with Session(engine) as session:
        ids["message"] = session.exec(select(ChatMessage.id)).one() or 0
    _more(ctx, engine, ids)
    return ids, cookies


def _more(ctx: Context, engine: Engine, ids: dict[str, Any]) -> None:
    """Things of one role's that the others must not touch: the cart owner's order, API key,
    review and notification; the admin's webhook endpoint; the host's community."""
    # The order is of a second cart (checking out locks a cart), which the member joined too.
    with unit_of_work(lambda: Session(engine, expire_on_commit=False), ctx.bus) as uow:
        ids["order_cart"] = carts.create_shared_cart(uow, ids[CART_OWNER], "Paid together")
        carts.add_item(uow, ids["order_cart"], ids[CART_OWNER], ids["product"], 1)
    with Session(engine) as session:
        code = carts.load_cart(session, ids["order_cart"], ids[CART_OWNER]).invite_code
    with unit_of_work(lambda: Session(engine, expire_on_commit=False), ctx.bus) as uow:
        carts.join_by_code(uow, ids[CART_MEMBER], code)
    ids["order"] = start_checkout(ctx, ids[CART_OWNER], ids["order_cart"])
    ids["order_key"] = f"{CART_PREFIX}{ids['order']}"
    ids["api_key"] = keys.create_key(ctx, ids[CART_OWNER], "ERP", ["read_products"]).key.id
    ids["review"] = write_review(ctx, ids[CART_OWNER], ids["product"], 5, "Lovely", "A fine mug.")
    with ctx.uow() as uow:
        notify(uow, ids[CART_OWNER], NotificationKind.DEAL_OUTCOME, "Your deal closed")
    with Session(engine) as session:
        ids["notification"] = session.exec(select(Notification.id)).one() or 0
    ids["endpoint"] = register_endpoint(
        ctx, ids[ADMIN], "https://hooks.example.com/in", ["cart.changed"]
    ).endpoint.id
    slug = create_community(ctx, ids[SESSION_HOST], {"name": "Mug lovers", "description": "Mugs"})
    ids["community_slug"] = slug
    with Session(engine) as session:
        community = session.exec(select(Community).where(Community.slug == slug)).one()
        ids["community"] = community.id or 0
    join_community(ctx, ids[SHOPPER], ids["community"])
    ids["post"] = community_post(ctx, ids[SHOPPER], ids["community"], "My blue mug")

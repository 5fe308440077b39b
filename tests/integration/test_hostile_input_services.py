"""The bad-input suite at the use cases, on SQLite and PostgreSQL: every service that takes
people's text or a key from a URL gets the hostile corpus (tests/hostile_inputs.py). Each call
either works (with harmless text stored) or raises the use case's own refusal with a message;
never IntegrityError, DataError (PostgreSQL refuses NUL in text), OverflowError or ValueError
from inside. One migrated database per engine for the whole module keeps it fast."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlmodel import select

from app.adapters.db.models_carts import CartLine
from app.cli import migrate
from app.domain.api_keys import KeyRefused
from app.domain.carts import CartError
from app.domain.catalog import SearchQueryError
from app.domain.chat import ChatRefused
from app.domain.communities import CommunityRefused
from app.domain.live import SessionDraft
from app.domain.numbers import MAX_ID
from app.domain.people import DisplayNameError
from app.services import accounts, carts, catalog, chat, communities, friends, live, reviews
from app.services.api_access import keys
from app.services.communities.managing import CommunityFormError
from app.services.console.products import ProductFormError, create_product
from app.services.console.roles import RoleError, list_users, set_role
from app.services.context import Context
from app.services.deals.creating import create_deal_from_form
from app.services.deals.errors import DealValidationError, JoinError, NotAllowed, Refused
from app.services.deals.reading import deal_page, product_deals
from app.services.experiments.results import ExperimentError, set_experiment
from app.services.live.errors import LiveError, LiveValidationError
from app.services.live.scheduling import schedule_session
from app.services.notifications.inbox import mark_read
from app.services.orders.reading import order_page
from app.services.questions.asking import (
    QuestionRefused,
    answer_question,
    ask_question,
    vote_answer,
)
from app.services.trips.booking import open_booking
from app.services.trips.errors import BookingError
from app.services.trips.experiences import experience_view
from app.services.trips.views import booking_page
from app.services.webhooks.endpoints import WebhookError, register_endpoint
from tests.factories import ShopWorld, memory_limiter
from tests.hostile_inputs import NUMBERS, TEXTS, harmless_text
from tests.support.databases import fresh_postgres

START = datetime(2026, 6, 1, 9, tzinfo=UTC)


@dataclass
class World(ShopWorld):
    """One shop per engine; every call runs an hour after the previous one, so per-person
    rate limits never stand between a value and the database, and code look-ups get a fresh
    allowance (the code-guessing limit has its own tests)."""

    media: Path = Path()
    cart_id: int = 0
    line_id: int = 0
    community_id: int = 0
    post_id: int = 0
    question_id: int = 0
    message_id: int = 0
    _hours: Iterator[int] = field(default_factory=itertools.count)

    def at(self) -> Context:
        self.limiter = memory_limiter()
        ctx = self.ctx(now=START + timedelta(hours=next(self._hours)))
        return dataclasses.replace(ctx, data_dir=lambda: self.media)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'shop.db'}"
        yield from _world(url, tmp_path_factory.mktemp("media"))
        return
    request.getfixturevalue("postgres_server")
    with fresh_postgres("bandwagon_test") as url:
        yield from _world(url, tmp_path_factory.mktemp("media"))


def _world(url: str, media: Path) -> Iterator[World]:
    migrate(url)
    with World.open(url, media=media) as world:
        world.product("Harbor Mug", 1800, category="mugs")
        world.user("Alice Archer", key="alice")
        world.user("Hana Host", "host", key="host")
        world.user("Ada Admin", "admin", key="admin")
        alice, mug = world.users["alice"], world.products["harbor-mug"]
        world.cart_id = carts.start_shared_cart(world.at(), alice, "Picnic")
        carts.add_to_cart(world.at(), alice, world.cart_id, mug, 1)
        with world.session() as session:
            line = session.exec(select(CartLine).where(CartLine.cart_id == world.cart_id)).one()
            world.line_id = line.id or 0
        slug = communities.create_community(
            world.at(), world.users["host"], {"name": "Home baristas", "description": "Coffee"}
        )
        world.community_id = communities.community_page(world.at(), None, slug).header.id
        world.post_id = communities.post(world.at(), world.users["host"], world.community_id, "Hi")
        world.message_id = chat.post_message(world.at(), alice, f"product:{mug}", "Hello")
        world.question_id = ask_question(world.at(), alice, mug, "Does it stack?")
        yield world


REFUSALS: tuple[type[BaseException], ...] = (
    CartError,
    ChatRefused,
    CommunityFormError,
    CommunityRefused,
    DealValidationError,
    DisplayNameError,
    ExperimentError,
    KeyRefused,
    LiveError,
    LiveValidationError,
    ProductFormError,
    QuestionRefused,
    SearchQueryError,
    WebhookError,
    friends.FriendError,
    reviews.ReviewRefused,
)


NOT_FOUND = (catalog.ProductNotFound, catalog.UnknownCategory)


def _uses(w: World) -> dict[str, Callable[[Any], object]]:
    """Each use case with one field taken from the corpus; the other fields are sound."""
    alice, host, admin = w.users["alice"], w.users["host"], w.users["admin"]
    mug = w.products["harbor-mug"]
    product = {"title": "Cup", "price": "4.00", "stock": "2", "currency": "USD", "category": "mugs"}
    return {
        "display_name": lambda v: accounts.rename(w.at(), alice, v),
        "cart_name": lambda v: carts.start_shared_cart(w.at(), alice, v),
        "cart_note": lambda v: carts.save_note(w.at(), alice, w.cart_id, w.line_id, v),
        "cart_join_code": lambda v: carts.join_cart(w.at(), alice, v),
        "cart_invite_link": lambda v: carts.invite_preview(w.at(), None, v),
        "friend_invite_link": lambda v: friends.invite_page(w.at(), None, v),
        "chat_message": lambda v: chat.post_message(w.at(), alice, f"product:{mug}", v),
        "chat_report_reason": lambda v: chat.report_message(
            w.at(), host, f"product:{mug}", w.message_id, v
        ),
        "chat_room": lambda v: chat.post_message(w.at(), alice, v, "hello"),
        "review_title": lambda v: reviews.write_review(w.at(), alice, mug, 4, v, "Solid."),
        "review_body": lambda v: reviews.write_review(w.at(), alice, mug, 4, "Good", v),
        "review_stars": lambda v: reviews.write_review(w.at(), alice, mug, v, "Good", "Solid."),
        "question": lambda v: ask_question(w.at(), alice, mug, v),
        "community_name": lambda v: communities.create_community(
            w.at(), host, {"name": v, "description": "x"}
        ),
        "community_description": lambda v: communities.create_community(
            w.at(), host, {"name": f"Club {next(w._hours)}", "description": v}
        ),
        "community_post": lambda v: communities.post(w.at(), host, w.community_id, v),
        "api_key_name": lambda v: keys.create_key(w.at(), alice, v, ["read_products"]),
        "api_key_scope": lambda v: keys.create_key(w.at(), alice, "CI", [v]),
        "webhook_url": lambda v: register_endpoint(
            w.at(), admin, v, ["cart.changed"], shop_urls=["http://localhost:3000"]
        ),
        "webhook_description": lambda v: register_endpoint(
            w.at(), admin, "https://example.com/hook", ["cart.changed"], v, shop_urls=[]
        ),
        "product_title": lambda v: create_product(w.at(), admin, {**product, "title": v}),
        "product_description": lambda v: create_product(
            w.at(), admin, {**product, "description": v}
        ),
        "product_price": lambda v: create_product(w.at(), admin, {**product, "price": v}),
        "product_category": lambda v: create_product(w.at(), admin, {**product, "category": v}),
        "deal_form": lambda v: create_deal_from_form(
            w.at(), host, {"product_id": v, "min_to_unlock": v, "deadline": v}, 0
        ),
        "live_session": lambda v: schedule_session(
            w.at(),
            host,
            SessionDraft(v, "", START + timedelta(days=1), v, (mug,), v),
        ),
        "experiment": lambda v: set_experiment(w.at(), admin, v, v, v, v),
        "console_user_search": lambda v: list_users(w.at(), admin, v),
        "community_reply": lambda v: communities.reply(w.at(), host, w.community_id, w.post_id, v),
        "answer": lambda v: answer_question(w.at(), host, w.question_id, v),
        "search": lambda v: catalog.catalog_page(w.at(), v, None),
        "category_link": lambda v: catalog.catalog_page(w.at(), None, v),
        "product_link": lambda v: catalog.get_product(w.at(), v),
        "product_deals_link": lambda v: product_deals(w.at(), v),
        "experience_link": lambda v: experience_view(w.at(), v),
        "community_link": lambda v: communities.community_page(w.at(), None, v),
        "order_link": lambda v: order_page(w.at(), alice, v),
        "trip_booking_link": lambda v: booking_page(w.at(), None, v),
    }


VALUES = {**TEXTS, **{f"n_{k}": v for k, v in NUMBERS.items() if isinstance(v, str)}}
USE_NAMES = [
    "display_name",
    "cart_name",
    "cart_note",
    "cart_join_code",
    "cart_invite_link",
    "friend_invite_link",
    "chat_message",
    "chat_report_reason",
    "chat_room",
    "review_title",
    "review_body",
    "review_stars",
    "question",
    "community_name",
    "community_description",
    "community_post",
    "api_key_name",
    "api_key_scope",
    "webhook_url",
    "webhook_description",
    "product_title",
    "product_description",
    "product_price",
    "product_category",
    "deal_form",
    "live_session",
    "experiment",
    "console_user_search",
    "community_reply",
    "answer",
    "search",
    "category_link",
    "product_link",
    "product_deals_link",
    "experience_link",
    "community_link",
    "order_link",
    "trip_booking_link",
]


@pytest.mark.parametrize("use", USE_NAMES)
def test_every_use_case_refuses_hostile_input_with_a_message(world: World, use: str) -> None:
    call = _uses(world)[use]
    unexpected = []
    for name, value in VALUES.items():
        try:
            call(value)
        except NOT_FOUND:
            pass  # the page shows its own "not found"
        except REFUSALS as refused:
            message = str(getattr(refused, "message", "") or refused)
            if not message.strip() or "Traceback" in message:
                unexpected.append(f"{name}: refusal without a message: {refused!r}")
        except Exception as error:  # noqa: BLE001 - the point is to catch anything else
            unexpected.append(f"{name}: {type(error).__name__}: {str(error)[:200]}")
    assert unexpected == [], "\n".join(unexpected)


def test_what_was_stored_holds_no_hidden_characters(world: World) -> None:
    """After the corpus went through every use case, no text column holds NUL, other control
    characters or bidi overrides."""
    engine = world.engine
    found = []
    with engine.connect() as conn:
        inspector = inspect(conn)
        for table in inspector.get_table_names():
            for column in inspector.get_columns(table):
                if (
                    "CHAR" not in str(column["type"]).upper()
                    and "TEXT" not in str(column["type"]).upper()
                ):
                    continue
                name = column["name"]
                for (value,) in conn.execute(text(f'SELECT "{name}" FROM "{table}"')):
                    if isinstance(value, str) and not harmless_text(value):
                        found.append(f"{table}.{name}: {value[:60]!r}")
    assert found == []


# What the number rule lets through to a use case: any whole number within a database id
# (app/domain/numbers.py), so each use case must answer for the widest and the odd ones.
WHOLE_NUMBERS = [0, -1, MAX_ID, -MAX_ID, MAX_ID // 2]
NUMBER_REFUSALS = (*REFUSALS, BookingError, JoinError, NotAllowed, Refused, RoleError)


def _number_uses(w: World) -> dict[str, Callable[[int], object]]:
    alice, admin = w.users["alice"], w.users["admin"]
    mug, cart = w.products["harbor-mug"], w.cart_id
    later = START + timedelta(days=3)
    return {
        "cart_quantity": lambda n: carts.add_to_cart(w.at(), alice, cart, mug, n),
        "cart_set_quantity": lambda n: carts.set_line_quantity(w.at(), alice, cart, w.line_id, n),
        "cart_step": lambda n: carts.change_quantity(w.at(), alice, cart, w.line_id, n),
        "cart_id": lambda n: carts.add_to_cart(w.at(), alice, n, mug, 1),
        "cart_product_id": lambda n: carts.add_to_cart(w.at(), alice, cart, n, 1),
        "cart_line_id": lambda n: carts.remove_cart_line(w.at(), alice, cart, n),
        "cart_friend_id": lambda n: carts.add_friend(w.at(), alice, cart, n),
        "cart_budget": lambda n: carts.start_shared_cart(w.at(), alice, "Budget", budget_minor=n),
        "deal_page": lambda n: deal_page(w.at(), alice, n),
        "live_page": lambda n: live.session_page(w.at(), alice, n),
        "flash_deal_join": lambda n: live.join_flash_deal(w.at(), alice, n),
        "review_vote": lambda n: reviews.vote_helpful(w.at(), alice, n),
        "answer_vote": lambda n: vote_answer(w.at(), alice, n),
        "notification": lambda n: mark_read(w.at(), alice, n),
        "community_join": lambda n: communities.join_community(w.at(), alice, n),
        "api_key_revoke": lambda n: keys.revoke_key(w.at(), alice, n),
        "chat_reply_to": lambda n: chat.post_message(w.at(), alice, f"product:{mug}", "hi", n),
        "trip_group": lambda n: open_booking(w.at(), alice, n, n, n, later),
        "role_user": lambda n: set_role(w.at(), admin, n, "host"),
        "experiment_traffic": lambda n: set_experiment(w.at(), admin, "x", "split", n, n),
    }


@pytest.mark.parametrize("use", [
    "cart_quantity", "cart_set_quantity", "cart_step", "cart_id", "cart_product_id",
    "cart_line_id", "cart_friend_id", "cart_budget", "deal_page", "live_page", "flash_deal_join",
    "review_vote", "answer_vote", "notification", "community_join", "api_key_revoke",
    "chat_reply_to", "trip_group", "role_user", "experiment_traffic",
])  # fmt: skip
def test_every_use_case_answers_any_whole_number_with_a_refusal_or_a_result(
    world: World, use: str
) -> None:
    call = _number_uses(world)[use]
    unexpected = []
    for number in WHOLE_NUMBERS:
        try:
            call(number)
        except NOT_FOUND:
            pass
        except NUMBER_REFUSALS:
            pass
        except Exception as error:  # noqa: BLE001 - the point is to catch anything else
            unexpected.append(f"{number}: {type(error).__name__}: {str(error)[:200]}")
    assert unexpected == [], "\n".join(unexpected)

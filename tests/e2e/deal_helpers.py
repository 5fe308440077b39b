"""What the deal browser tests share: the app's database, a deal opened in it, three shoppers,
and joining with a test card."""

# The fixtures are imported by the test modules, so test parameters "redefine" them.

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from app.adapters.db.models import Product
from app.adapters.db.models_people import User
from app.adapters.db.session import make_engine
from app.domain.group_buy import DealTerms, PriceTier
from app.services import deals
from app.services.demo_seed import DEMO_HOST_EMAIL
from tests.e2e.conftest import UNNAMED_CONTROLS_JS, OpenShopper
from tests.factories import SilentBus, make_context

# Pages that saw the unlock without a reload still carry this marker.
MARK = "window.__sameDocument = true"
SAME_DOCUMENT = "() => window.__sameDocument === true"


@pytest.fixture(scope="module")
def app_db(app_url: str, app_database: str) -> Iterator[Session]:
    engine = make_engine(app_database)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


def open_deal_in_app(app_db: Session, app_database: str, slug: str, **changes: object) -> int:
    """A deal created through the service, in the database the app under test uses."""
    engine = make_engine(app_database)
    product = app_db.exec(select(Product).where(Product.slug == slug)).one()
    host = app_db.exec(select(User).where(User.email == DEMO_HOST_EMAIL)).one()
    now = datetime.now(UTC)
    terms: dict[str, object] = {
        "tiers": (PriceTier(1, 3000), PriceTier(3, 2400), PriceTier(5, 1950)),
        "currency": "USD",
        "min_to_unlock": 3,
        "max_participants": 10,
        "starts_at": now - timedelta(minutes=1),
        "deadline": now + timedelta(hours=3),
    }
    terms.update(changes)
    try:
        ctx = make_context(engine, bus=SilentBus())
        return deals.create_deal(ctx, host.id or 0, product.id or 0, DealTerms(**terms))  # type: ignore[arg-type]
    finally:
        engine.dispose()


@pytest.fixture
def three_shoppers(open_shopper: OpenShopper) -> tuple[Page, Page, Page]:
    """Alice and Carol on desktops, Bob on a phone: three separate browser contexts."""
    alice, bob, carol = (
        open_shopper(size, timezone_id="UTC") for size in ("desktop", "phone", "desktop")
    )
    return alice, bob, carol


def controls_are_named(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    assert page.evaluate(UNNAMED_CONTROLS_JS) == []


def choose_card(page: Page, title: str) -> None:
    chooser = page.get_by_test_id("test-card-chooser")
    expect(chooser).to_contain_text("Test mode")
    card = chooser.get_by_label(re.compile(title))
    card.click()
    expect(card).to_be_checked()


def join(page: Page, card: str = "Payment succeeds") -> None:
    choose_card(page, card)
    page.get_by_test_id("join-deal").click()

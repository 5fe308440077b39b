"""The deal-card-layout experiment in real browsers: two shoppers whose visitor ids land in
different arms see different deal card layouts, one keeps hers when she signs in, and the
admin sees the arms' exposures in the console's Experiments section; then registers a webhook
endpoint there (a URL pointing at the shop is refused next to the field)."""

# ruff: noqa: F811

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, delete, select

from app.adapters.db.models_experiments import Experiment, VisitorLink
from app.adapters.db.models_people import User
from app.domain.experiments import DEAL_CARD_LAYOUT, Mode, Rule, assign
from tests.e2e.conftest import UNNAMED_CONTROLS_JS, OpenShopper, screenshot
from tests.e2e.deal_helpers import app_db, open_deal_in_app  # noqa: F401
from tests.e2e.people_helpers import sign_in

VISITORS = ("e2e-visitor-ann", "e2e-visitor-ben")


def _seeds_that_split(a: str, b: str) -> tuple[str, str]:
    """Seeds under which visitor a sees the classic card and visitor b the compact one."""
    for n in range(1000):
        rule = Rule(Mode.SPLIT, 100, 50, f"e2e-{n}", f"e2e-arm-{n}")
        arms = (
            assign(DEAL_CARD_LAYOUT, rule, a).variant,
            assign(DEAL_CARD_LAYOUT, rule, b).variant,
        )
        if arms == ("classic", "compact"):
            return rule.seed, rule.variant_seed
    raise AssertionError("no seed splits the two visitors")


@pytest.fixture
def split_experiment(app_db: Session) -> Iterator[None]:
    seed, variant_seed = _seeds_that_split(*VISITORS)
    app_db.merge(
        Experiment(
            key=DEAL_CARD_LAYOUT.key,
            mode="split",
            traffic=100,
            percent=50,
            seed=seed,
            variant_seed=variant_seed,
        )
    )
    app_db.commit()
    yield
    row = app_db.get(Experiment, DEAL_CARD_LAYOUT.key)
    if row is not None:
        row.mode = "off"
        app_db.add(row)
        app_db.commit()


def _as_visitor(open_shopper: OpenShopper, app_url: str, visitor: str, viewport: str) -> Page:
    page = open_shopper(viewport)
    page.context.add_cookies([{"name": "bw_visitor", "value": visitor, "url": app_url}])
    return page


def _tick(page: Page, label: str) -> None:
    """Tick a checkbox whose state lives on the server: it shows ticked once the answer is
    back."""
    box = page.get_by_label(label)
    box.click()
    expect(box).to_have_attribute("aria-checked", "true")


def _layout(page: Page) -> str:
    card = page.get_by_test_id("deal-card").first
    expect(card).to_be_visible()
    return card.get_attribute("data-layout") or ""


def test_two_shoppers_in_different_arms_see_different_deal_cards(
    open_shopper: OpenShopper,
    app_url: str,
    app_db: Session,
    app_database: str,
    split_experiment: None,
    request: pytest.FixtureRequest,
) -> None:
    open_deal_in_app(app_db, app_database, "arc-desk-lamp")
    ann = _as_visitor(open_shopper, app_url, VISITORS[0], "desktop")
    ben = _as_visitor(open_shopper, app_url, VISITORS[1], "phone")
    ann.goto("/deals")
    ben.goto("/deals")
    assert _layout(ann) == "classic"
    assert _layout(ben) == "compact"
    screenshot(ann, request, "classic-card")
    screenshot(ben, request, "compact-card")
    assert ben.evaluate(UNNAMED_CONTROLS_JS) == []
    ben.reload()
    assert _layout(ben) == "compact"  # the same arm on every visit

    # Ben signs in (as Bob): his anonymous id goes with him, and so does his arm.
    bob = app_db.exec(select(User).where(User.display_name.startswith("Bob"))).first()  # type: ignore[attr-defined]
    if bob is not None:
        app_db.exec(delete(VisitorLink).where(VisitorLink.user_id == bob.id))  # type: ignore[arg-type]
        app_db.commit()
    sign_in(ben, "Bob", "/deals")
    assert _layout(ben) == "compact"

    admin = open_shopper("desktop", timezone_id="UTC")
    sign_in(admin, "Demo Admin", "/console")
    admin.get_by_role("tab", name="Experiments").click()
    experiment = admin.get_by_test_id("experiment").filter(has_text="Deal card layout")
    expect(experiment).to_be_visible()
    arms = experiment.get_by_test_id("experiment-arm")
    expect(arms).to_have_count(2)
    for row in (arms.nth(0), arms.nth(1)):
        exposures = int(row.locator("td").nth(2).inner_text())
        assert exposures >= 1
    screenshot(admin, request, "console-experiments")
    assert admin.evaluate(UNNAMED_CONTROLS_JS) == []

    admin.get_by_role("tab", name="Webhooks").click()
    admin.get_by_label("URL", exact=True).fill(f"{app_url}/stripe/webhook")
    _tick(admin, "Send deal.joined events")
    admin.get_by_role("button", name="Add endpoint").click()
    expect(admin.locator("#webhook-url-error")).to_contain_text("this shop")
    # Nothing listens on port 9: every delivery fails at once, and the attempts say so.
    admin.get_by_label("URL", exact=True).fill("http://127.0.0.1:9/bandwagon")
    _tick(admin, "Send experiment.exposed events")
    admin.get_by_role("button", name="Add endpoint").click()
    endpoint = admin.get_by_test_id("webhook-endpoint").filter(has_text="127.0.0.1:9")
    expect(endpoint).to_be_visible()
    expect(endpoint.get_by_test_id("webhook-secret")).to_contain_text("whsec_")
    endpoint.get_by_role("button", name=re.compile("Show the attempts")).click()
    expect(admin.get_by_text("No attempts yet.")).to_be_visible()

    # A new visitor is exposed to the experiment: the event goes out, and its failed attempt
    # appears in the open console without a click.
    _as_visitor(open_shopper, app_url, "e2e-visitor-cy", "phone").goto("/deals")
    attempt = admin.get_by_test_id("webhook-attempt").first
    expect(attempt).to_contain_text("no answer", timeout=20_000)
    expect(attempt).to_contain_text("experiment.exposed")
    screenshot(admin, request, "console-webhooks")
    assert admin.evaluate(UNNAMED_CONTROLS_JS) == []

"""Experiments through OpenFeature: arms kept across sign-in, exposures and conversions from
the event log, the confidence and the sample-ratio warning in the console's view; on SQLite
and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from openfeature import api
from openfeature.provider.in_memory_provider import InMemoryFlag, InMemoryProvider

from app.domain.events import DomainEvent, EventKind
from app.domain.experiments import DEAL_CARD_LAYOUT
from app.services import experiments
from app.services.context import Context
from tests.factories import ShopWorld

KEY = DEAL_CARD_LAYOUT.key


@pytest.fixture
def world(database_url: str) -> Iterator[tuple[ShopWorld, Context, int]]:
    with ShopWorld.open(database_url) as shop:
        admin = shop.user("Ada Admin", "admin")
        ctx = shop.ctx()
        yield shop, ctx, admin
    experiments.forget_rules()


def _join(ctx: Context, user_id: int) -> None:
    """What the deal service logs when a shopper joins (the conversion)."""
    with ctx.uow() as uow:
        uow.record(DomainEvent("deal", "1", 1, EventKind.DEAL_JOINED, {"user_id": user_id}))


def test_a_shopper_keeps_their_arm_across_sign_in_and_devices(
    world: tuple[ShopWorld, Context, int],
) -> None:
    shop, ctx, admin = world
    experiments.set_experiment(ctx, admin, KEY, "split", 100, 50)
    anonymous = [f"anon-{i}" for i in range(40)]
    before = {a: experiments.deal_card_layout(ctx, None, a) for a in anonymous}
    assert set(before.values()) == {"classic", "compact"}  # both arms are in use
    for i, anon in enumerate(anonymous[:10]):
        user = shop.user(f"Shopper {i}")
        assert experiments.deal_card_layout(ctx, user, anon) == before[anon]  # signs in
        # Later, on a phone with another anonymous id: still the same arm.
        assert experiments.deal_card_layout(ctx, user, f"phone-{i}") == before[anon]


def test_off_and_on_show_everyone_one_layout_and_count_no_exposure(
    world: tuple[ShopWorld, Context, int],
) -> None:
    shop, ctx, admin = world
    assert {experiments.deal_card_layout(ctx, None, f"v{i}") for i in range(20)} == {"classic"}
    experiments.set_experiment(ctx, admin, KEY, "on")
    assert {experiments.deal_card_layout(ctx, None, f"v{i}") for i in range(20)} == {"compact"}
    [view] = experiments.experiments(ctx, admin)
    assert [arm.exposures for arm in view.arms] == [0, 0]


def test_the_console_counts_exposures_and_conversions_per_arm(
    world: tuple[ShopWorld, Context, int],
) -> None:
    shop, ctx, admin = world
    experiments.set_experiment(ctx, admin, KEY, "split", 100, 50)
    arms: dict[str, list[int]] = {"classic": [], "compact": []}
    for i in range(60):
        user = shop.user(f"Shopper {i}")
        arm = experiments.deal_card_layout(ctx, user, f"visitor-{i}")
        experiments.deal_card_layout(ctx, user, f"visitor-{i}")  # a second view: one exposure
        arms[arm].append(user)
    for user in arms["compact"]:
        _join(ctx, user)  # every compact shopper joins, no classic one
    [view] = experiments.experiments(ctx, admin)
    by_arm = {arm.variant: arm for arm in view.arms}
    assert by_arm["classic"].exposures == len(arms["classic"])
    assert by_arm["compact"].exposures == len(arms["compact"])
    assert by_arm["compact"].conversions == len(arms["compact"])
    assert by_arm["classic"].conversions == 0
    assert view.confidence.endswith("%") and float(view.confidence.split()[0]) > 99
    assert "compact" in view.verdict
    assert view.ratio_warning == ""


def test_a_split_that_does_not_match_its_setting_is_flagged(
    world: tuple[ShopWorld, Context, int],
) -> None:
    shop, ctx, admin = world
    experiments.set_experiment(ctx, admin, KEY, "split", 100, 50)
    for i in range(400):
        experiments.deal_card_layout(ctx, None, f"visitor-{i}")
    # The setting now says 10 % but the visitors were split 50/50.
    experiments.set_experiment(ctx, admin, KEY, "split", 100, 10)
    [view] = experiments.experiments(ctx, admin)
    assert "Sample ratio mismatch" in view.ratio_warning


def test_bad_settings_are_refused_by_field(world: tuple[ShopWorld, Context, int]) -> None:
    shop, ctx, admin = world
    with pytest.raises(experiments.ExperimentError) as refused:
        experiments.set_experiment(ctx, admin, KEY, "sometimes", 120, "x")
    assert set(refused.value.field_errors) == {"mode", "traffic", "percent"}


def test_another_openfeature_provider_can_be_plugged_in(
    world: tuple[ShopWorld, Context, int],
) -> None:
    shop, ctx, admin = world
    experiments.flag_client(ctx)
    flag = InMemoryFlag("b", {"a": "classic", "b": "compact"})
    experiments.use_flag_provider(InMemoryProvider({KEY: flag}))
    try:
        assert experiments.deal_card_layout(ctx, None, "anyone") == "compact"
    finally:
        api.clear_providers()
    assert experiments.deal_card_layout(ctx, None, "anyone") == "classic"  # ours again

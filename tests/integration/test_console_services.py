"""The console's use cases on SQLite and PostgreSQL: products (with field errors and
re-encoded pictures), deals (opened with the shop's form, cancelled with one release), the
moderation queue; each refuses the wrong role and writes the audit log."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select

from app.adapters.db.models import Product, ProductImage
from app.adapters.db.models_people import User
from app.domain.carts import CartError
from app.domain.chat import ChatRefused
from app.domain.group_buy import DealStatus, ParticipationStatus
from app.services import carts, catalog, chat, deals, reviews
from app.services.console import audit, moderation, products
from app.services.console import deals as console_deals
from app.services.console.access import ConsoleRefused
from app.services.console.products import ProductFormError
from app.services.reviews import reporting
from tests.integration.deal_world import FakeGateway, World, make_world, open_deal


@pytest.fixture
def world(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setattr("app.adapters.media.images.media_dir", lambda: tmp_path / "media")
    yield from make_world(database_url)


def _person(world: World, name: str, role: str) -> int:
    with world.session() as session:
        user = User(display_name=name, role=role)
        session.add(user)
        session.commit()
        assert user.id is not None
        return user.id


def _png(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 60, 20)).save(out, format="PNG")
    return out.getvalue()


FORM = {
    "title": "  Walnut   Cutting Board ",
    "description": "Oiled walnut.",
    "price": "45.50",
    "stock": "12",
    "currency": "USD",
    "category": "gadgets",
}


def test_an_admin_creates_edits_and_archives_a_product(world: World, tmp_path: Path) -> None:
    boss = _person(world, "Boss", "admin")
    ctx = world.ctx()
    product_id = products.create_product(ctx, boss, FORM, _png((3000, 1500)))
    listed, categories = products.console_products(ctx, boss)
    mine = next(p for p in listed if p.id == product_id)
    assert (mine.title, mine.price, mine.stock, mine.slug) == (
        "Walnut Cutting Board",
        "$45.50",
        12,
        "walnut-cutting-board",
    )
    assert [c.slug for c in categories] == ["gadgets"]
    # The picture was re-encoded: a WebP no wider than 1600 pixels, under a random name.
    stored = tmp_path / "media" / mine.image.removeprefix("/media/")
    with Image.open(stored) as picture:
        assert (picture.format, picture.size) == ("WEBP", (1600, 800))
    # And a small WebP beside it, which product cards offer to small screens (srcset).
    with Image.open(stored.with_name(stored.stem + ".w400.webp")) as small:
        assert (small.format, small.size) == ("WEBP", (400, 200))
    (card,) = [c for c in catalog.search_products(ctx, "walnut").products if c.id == product_id]
    assert card.srcset == f"{mine.image.removesuffix('.webp')}.w400.webp 400w, {mine.image} 800w"

    products.update_product(ctx, boss, product_id, {**FORM, "stock": "0", "price": "40"})
    assert products.archive_product(ctx, boss, product_id)
    assert not products.archive_product(ctx, boss, product_id)  # already archived
    assert catalog.search_products(ctx, "walnut").products == []
    actions = [(line.action, line.detail) for line in audit.audit_log(ctx, boss)]
    assert actions == [
        ("product.archive", ""),
        ("product.edit", "price: 4550 → 4000; stock: 12 → 0"),
        ("product.create", ""),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"price": "-3"}, "price", "more than zero"),
        ({"price": "abc"}, "price", "like 24.00"),
        ({"stock": "-1"}, "stock", "negative"),
        ({"title": "   "}, "title", "title"),
        ({"category": "nope"}, "category", "from the list"),
    ],
)
def test_bad_fields_are_refused_next_to_the_field(
    world: World, changes: dict[str, str], field: str, message: str
) -> None:
    boss = _person(world, "Boss", "admin")
    with pytest.raises(ProductFormError) as refused:
        products.create_product(world.ctx(), boss, {**FORM, **changes})
    assert message in refused.value.field_errors[field]
    with world.session() as session:
        assert session.exec(select(Product).where(Product.title != "Kettle")).all() == []


@pytest.mark.parametrize("data", [b"GIF89a not really", b"%PDF-1.4 hello", b"\x89PNG\r\n\x1a\n"])
def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_saved(
    world: World, data: bytes
) -> None:
    boss = _person(world, "Boss", "admin")
    with pytest.raises(ProductFormError) as refused:
        products.create_product(world.ctx(), boss, FORM, data)
    assert "picture" in refused.value.field_errors["image"]
    with world.session() as session:
        assert session.exec(select(ProductImage)).all() == []


@pytest.mark.parametrize("role", ["shopper", "host", "moderator"])
def test_only_admins_manage_products(world: World, role: str) -> None:
    who = _person(world, "Who", role)
    with pytest.raises(ConsoleRefused):
        products.create_product(world.ctx(), who, FORM)
    with pytest.raises(ConsoleRefused):
        products.archive_product(world.ctx(), who, world.product_id)
    with pytest.raises(ConsoleRefused):
        products.console_products(world.ctx(), who)


def _deal_form(product_id: int) -> dict[str, str]:
    return {
        "product_id": str(product_id),
        "tier_1_shoppers": "1",
        "tier_1_price": "100",
        "tier_2_shoppers": "3",
        "tier_2_price": "80",
        "min_to_unlock": "3",
        "max_participants": "10",
        "deadline": "2999-01-01T12:00",
    }


def test_a_host_opens_a_deal_with_the_shops_form_and_it_is_audited(world: World) -> None:
    boss = _person(world, "Boss", "admin")
    ctx = world.ctx()
    deal_id = console_deals.open_deal(ctx, world.seller_id, _deal_form(world.product_id), 0)
    assert deals.public_deal_page(ctx, deal_id) is not None
    assert [d.id for d in console_deals.console_deals(ctx, world.seller_id)] == [deal_id]
    with pytest.raises(deals.DealValidationError) as invalid:
        console_deals.open_deal(
            ctx, world.seller_id, {**_deal_form(world.product_id), "min_to_unlock": ""}, 0
        )
    assert "min_to_unlock" in invalid.value.field_errors
    lines = audit.audit_log(ctx, boss)
    assert [(line.actor, line.action, line.target) for line in lines] == [
        ("Seller", "deal.create", f"deal {deal_id}")
    ]
    shopper = _person(world, "Sam", "shopper")
    with pytest.raises(ConsoleRefused):
        console_deals.open_deal(ctx, shopper, _deal_form(world.product_id), 0)


def test_cancelling_a_deal_releases_every_hold_once(world: World) -> None:
    boss = _person(world, "Boss", "admin")
    gateway = FakeGateway()
    cancels: list[str] = []
    original = gateway.cancel

    def counting_cancel(intent_id: str, *, idempotency_key: str) -> object:
        cancels.append(intent_id)
        return original(intent_id, idempotency_key=idempotency_key)

    gateway.cancel = counting_cancel  # type: ignore[method-assign]
    deal_id = open_deal(world)
    shoppers = world.make_users(3)
    for user in shoppers:
        deals.join_deal(world.ctx(gateway), user, deal_id, 1, "pm_card_visa")
    report = console_deals.cancel_deal(world.ctx(gateway), boss, deal_id)
    assert report is not None and sorted(report.released) == sorted(shoppers)
    assert len(cancels) == 3
    assert world.deal(deal_id).status == DealStatus.CANCELLED
    assert {p.status for p in world.participations(deal_id)} == {ParticipationStatus.RELEASED}
    assert console_deals.cancel_deal(world.ctx(gateway), boss, deal_id) is None
    assert len(cancels) == 3  # the second cancel released nothing
    assert [line.action for line in audit.audit_log(world.ctx(), boss)] == ["deal.cancel"]
    assert "deal.cancelled" in world.kinds(deal_id)


def test_a_shopper_or_another_host_cannot_cancel_a_deal(world: World) -> None:
    deal_id = open_deal(world)
    for who in (_person(world, "Sam", "shopper"), _person(world, "Hal", "host")):
        with pytest.raises((ConsoleRefused, deals.NotAllowed)):
            console_deals.cancel_deal(world.ctx(), who, deal_id)
    assert world.deal(deal_id).status == DealStatus.OPEN


def test_the_moderation_queue_keeps_removes_and_mutes(world: World) -> None:
    mod = _person(world, "Mo", "moderator")
    troll, reader = world.make_users(2)
    room = f"product:{world.product_id}"
    ctx = world.ctx()
    rude = chat.post_message(ctx, troll, room, "buy my stuff elsewhere")
    fine = chat.post_message(ctx, troll, room, "nice kettle")
    chat.report_message(ctx, reader, room, rude, "spam")
    chat.report_message(ctx, reader, room, fine, "")
    queue = moderation.moderation_queue(ctx, mod)
    assert {(q.kind, q.key, q.reasons) for q in queue} == {
        ("message", f"{room}|{rude}", "spam"),
        ("message", f"{room}|{fine}", ""),
    }
    assert moderation.keep_message(ctx, mod, room, fine) == 1
    assert moderation.remove_message(ctx, mod, room, rude)
    moderation.mute_author(ctx, mod, room, troll)
    assert moderation.moderation_queue(ctx, mod) == []
    with pytest.raises(ChatRefused):
        chat.post_message(ctx, troll, room, "again")
    with pytest.raises(ConsoleRefused):
        moderation.moderation_queue(ctx, reader)
    boss = _person(world, "Boss", "admin")
    assert [line.action for line in audit.audit_log(ctx, boss)] == [
        "moderation.mute",
        "moderation.remove",
        "moderation.keep",
    ]


def test_reported_reviews_share_the_queue_and_are_kept_removed_or_muted(world: World) -> None:
    mod = _person(world, "Mo", "moderator")
    author, fan, critic = world.make_users(3)
    ctx = world.ctx()
    room = f"product:{world.product_id}"
    spam = reviews.write_review(ctx, author, world.product_id, 5, "Best ever", "Visit my shop")
    honest = reviews.write_review(ctx, fan, world.product_id, 4, "Good kettle", "Boils fast")
    assert reporting.report_review(ctx, critic, spam, "advertising")
    assert reporting.report_review(ctx, fan, spam, "")
    assert not reporting.report_review(ctx, fan, spam, "again")  # once per person
    assert reporting.report_review(ctx, critic, honest, "I disagree")
    with pytest.raises(reviews.ReviewRefused):
        reporting.report_review(ctx, author, spam, "")  # not one's own
    chat.report_message(ctx, critic, room, chat.post_message(ctx, author, room, "hi"), "")

    queue = moderation.moderation_queue(ctx, mod)
    # One list for every kind, most reported first.
    assert [(q.kind, q.key, q.reports) for q in queue][0] == ("review", str(spam), 2)
    assert {q.kind for q in queue} == {"review", "message"}
    assert queue[0].reasons == "advertising" and queue[0].place == "Kettle"

    moderation.keep(ctx, mod, "review", str(honest))
    assert moderation.remove(ctx, mod, "review", str(spam))
    assert not moderation.remove(ctx, mod, "review", str(spam))  # already gone
    moderation.mute(ctx, mod, "review", str(spam), author)
    assert [q.kind for q in moderation.moderation_queue(ctx, mod)] == ["message"]
    with pytest.raises(reviews.ReviewRefused, match="paused your reviews"):
        reviews.write_review(ctx, author, world.product_id, 5, "Again", "Visit my shop")
    with pytest.raises(ConsoleRefused):
        moderation.remove(ctx, fan, "review", str(honest))
    boss = _person(world, "Boss", "admin")
    assert [line.target for line in audit.audit_log(ctx, boss)] == [
        f"user {author} (reviews)",
        f"review {spam}",
        f"review {honest}",
    ]


def test_an_archived_product_cannot_be_added_to_a_cart_nor_its_deal_joined(world: World) -> None:
    boss = _person(world, "Boss", "admin")
    early, shopper = world.make_users(2)
    deal_id = open_deal(world)
    gateway = FakeGateway()
    deals.join_deal(world.ctx(gateway), early, deal_id, 1, "pm_card_visa")
    assert products.archive_product(world.ctx(), boss, world.product_id)
    with pytest.raises(CartError) as refused:
        carts.add_to_cart(world.ctx(), shopper, None, world.product_id, 1)
    assert refused.value.message == "This product is no longer sold, so it can't be added."
    with pytest.raises(deals.JoinError) as declined:
        deals.join_deal(world.ctx(gateway), shopper, deal_id, 1, "pm_card_visa")
    assert "no longer sold" in str(declined.value)
    # Whoever joined before the product was archived keeps their seat.
    assert [p.user_id for p in world.participations(deal_id)] == [early]

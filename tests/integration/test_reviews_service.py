"""Reviews on SQLite and PostgreSQL: one per shopper, verified buyers from our orders, votes,
photos that are checked and re-encoded, the honest order and the rating summary."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from app.services import reviews
from app.services.reviews import ReviewRefused
from tests.integration.social_world import SocialWorld, image_bytes, social_world


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[SocialWorld]:
    yield from social_world(database_url, tmp_path, ["Alice", "Bob", "Carol", "Dave"])


def write(
    world: SocialWorld, who: str, stars: int, title: str = "Nice", body: str = "Good mug"
) -> int:
    return reviews.write_review(
        world.ctx, world.users[who], world.products["mug"], stars, title, body
    )


def test_one_review_per_shopper_editable_and_deletable(world: SocialWorld) -> None:
    first = write(world, "Bob", 4, "Solid", "Keeps coffee warm")
    again = write(world, "Bob", 2, "Changed my mind", "Chipped after a week")
    assert again == first
    page = reviews.product_reviews(world.ctx, world.users["Bob"], "mug")
    assert [r.title for r in page.reviews] == ["Changed my mind"]
    assert page.mine is not None and page.mine.stars == 2
    assert page.summary.count == 1 and page.summary.average == "2.0"
    assert "reviews.changed" in world.bus.kinds(f"reviews:{world.products['mug']}")

    with pytest.raises(ReviewRefused, match="not yours"):
        reviews.delete_review(world.ctx, world.users["Alice"], first)
    reviews.delete_review(world.ctx, world.users["Bob"], first)
    assert reviews.product_reviews(world.ctx, None, "mug").reviews == []


def test_bad_input_is_refused_next_to_its_field(world: SocialWorld) -> None:
    for stars, title, body, field in [
        (0, "t", "b", "stars"),
        ("six", "t", "b", "stars"),
        (5, "   ", "b", "title"),
        (5, "t", "\u200b\u202e", "body"),
        (5, "t", "x" * 2001, "body"),
        (5, "x" * 121, "b", "title"),
    ]:
        with pytest.raises(ReviewRefused) as refused:
            reviews.write_review(
                world.ctx, world.users["Bob"], world.products["mug"], stars, title, body
            )
        assert refused.value.field == field
    # Markup is kept as the plain text it is; control characters are dropped.
    write(world, "Bob", 5, "<b>bold</b>", "<script>alert(1)</script>\x07")
    shown = reviews.product_reviews(world.ctx, None, "mug").reviews[0]
    assert (shown.title, shown.body) == ("<b>bold</b>", "<script>alert(1)</script>")


def test_verified_buyer_comes_from_paid_orders_only(world: SocialWorld) -> None:
    world.buy("Bob", "mug", via="cart")
    world.buy("Carol", "mug", via="deal")
    world.buy("Dave", "lamp", via="cart")  # another product does not count
    for who in ("Bob", "Carol", "Dave", "Alice"):
        write(world, who, 3)
    page = reviews.product_reviews(world.ctx, None, "mug")
    assert {r.author_name: r.verified for r in page.reviews} == {
        "Bob": True,
        "Carol": True,
        "Dave": False,
        "Alice": False,
    }


def test_helpful_votes_once_never_on_ones_own(world: SocialWorld) -> None:
    review = write(world, "Bob", 5)
    assert reviews.vote_helpful(world.ctx, world.users["Alice"], review) == 1
    with pytest.raises(ReviewRefused, match="already"):
        reviews.vote_helpful(world.ctx, world.users["Alice"], review)
    with pytest.raises(ReviewRefused, match="own review"):
        reviews.vote_helpful(world.ctx, world.users["Bob"], review)
    assert reviews.vote_helpful(world.ctx, world.users["Carol"], review) == 2
    stats = reviews.review_stats(world.ctx, world.products["mug"])
    assert stats.helpful == {str(review): 2}
    page = reviews.product_reviews(world.ctx, world.users["Alice"], "mug")
    assert page.reviews[0].voted and not page.reviews[0].mine


def test_friends_first_then_the_chosen_order_and_filters(world: SocialWorld) -> None:
    world.befriend("Alice", "Dave")
    write(world, "Bob", 5)
    write(world, "Carol", 1)
    write(world, "Dave", 3)
    lowest = reviews.product_reviews(world.ctx, world.users["Alice"], "mug", sort="lowest")
    assert [r.author_name for r in lowest.reviews] == ["Dave", "Carol", "Bob"]
    assert lowest.reviews[0].from_friend
    only_friends = reviews.product_reviews(
        world.ctx, world.users["Alice"], "mug", friends_only=True
    )
    assert [r.author_name for r in only_friends.reviews] == ["Dave"]
    ones = reviews.product_reviews(world.ctx, None, "mug", stars=1)
    assert [r.author_name for r in ones.reviews] == ["Carol"]
    assert lowest.summary.average == "3.0"
    assert [(row.stars, row.count) for row in lowest.summary.rows] == [
        (5, 1),
        (4, 0),
        (3, 1),
        (2, 0),
        (1, 1),
    ]
    assert reviews.rating_badges(world.ctx, [world.products["mug"], world.products["lamp"]]) == {
        str(world.products["mug"]): "3.0 ★ (3)"
    }


def test_photos_are_checked_and_re_encoded(world: SocialWorld, tmp_path: Path) -> None:
    review = write(world, "Bob", 4)
    bob = world.users["Bob"]
    assert (
        reviews.add_review_photos(world.ctx, bob, review, [("desk.png", image_bytes("PNG"))]) == 1
    )
    photo = reviews.product_reviews(world.ctx, None, "mug").reviews[0].photos[0]
    name = photo.url.rsplit("/", 1)[1]
    stored = reviews.review_photo_path(world.ctx, name)
    assert stored is not None and stored.parent == tmp_path / "review-photos"
    with Image.open(stored) as image:
        assert image.format == "JPEG" and image.size == (40, 30)

    refusals = [
        ("notes.png", b"<html>not an image</html>", "not a photo"),
        ("fake.png", image_bytes("JPEG"), "named .png but is not a PNG"),
        ("big.jpg", b"\xff" * (5 * 1024 * 1024 + 1), "too big"),
        ("script.svg", b"<svg/>", "only JPEG, PNG or WebP"),
    ]
    for file_name, data, message in refusals:
        with pytest.raises(ReviewRefused, match=message):
            reviews.add_review_photos(world.ctx, bob, review, [(file_name, data)])
    with pytest.raises(ReviewRefused, match="not yours"):
        reviews.add_review_photos(
            world.ctx, world.users["Alice"], review, [("a.png", image_bytes())]
        )
    with pytest.raises(ReviewRefused, match="at most 3"):
        reviews.add_review_photos(world.ctx, bob, review, [("a.png", image_bytes())] * 3)
    assert reviews.review_photo_path(world.ctx, "../shop.db") is None

    reviews.delete_review(world.ctx, bob, review)
    assert not stored.exists()


def test_writes_are_rate_limited_per_person(world: SocialWorld) -> None:
    for stars in [1, 2, 3, 4, 5, 1, 2, 3, 4, 5]:
        write(world, "Bob", stars)
    with pytest.raises(ReviewRefused, match="try again"):
        write(world, "Bob", 5)
    write(world, "Carol", 5)  # someone else is not slowed down

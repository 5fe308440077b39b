"""Communities on SQLite and PostgreSQL: joining and leaving, posts with photos and replies,
moderation through the chat's own tools (mute, delete, reports in the console's queue), pins,
limits and the founding members."""

from __future__ import annotations

import asyncio
import dataclasses
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select

from app.adapters.db.models_deals import Deal
from app.adapters.db.models_events import AuditEntry
from app.adapters.db.models_live import LiveSession, LiveSessionProduct
from app.domain.chat import ChatRefused, Refusal
from app.domain.communities import CommunityRefused
from app.domain.events import EventKind
from app.realtime.rooms import FIELD_MARKER
from app.services import chat, communities
from app.services import context as context_module
from app.services.console import moderation as console_moderation
from app.services.context import Context
from app.services.demo_seed import seed_demo_catalog, seed_demo_communities
from app.states.chat import render_chat
from app.states.community import CommunityState  # noqa: F401  (registers the renderer)
from tests.factories import ShopWorld

START = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


@dataclass
class World(ShopWorld):
    media: Path = Path()
    community_id: int = 0
    clock: datetime = START

    def at(self, moment: datetime | None = None) -> Context:
        ctx = self.ctx(now=moment or self.clock)
        return dataclasses.replace(ctx, data_dir=lambda: self.media)

    def tick(self, seconds: float = 3) -> Context:
        self.clock += timedelta(seconds=seconds)
        return self.at()

    def post(self, who: str, text: str, photos: list[tuple[str, bytes]] | None = None) -> int:
        return communities.post(self.tick(), self.users[who], self.community_id, text, photos)

    def reply(self, who: str, post_id: int, text: str) -> int:
        return communities.reply(self.tick(), self.users[who], self.community_id, post_id, text)

    def join(self, *who: str) -> None:
        for name in who:
            communities.join_community(self.tick(), self.users[name], self.community_id)

    def feed(self) -> communities.CommunityFeed:
        found = communities.feed(self.at(), self.community_id)
        assert found is not None
        return found

    def texts(self) -> list[str]:
        return ["".join(p.text for p in post.message.parts) for post in self.feed().posts]

    @property
    def room(self) -> str:
        return communities.room_key(self.community_id)

    def refused(self, action: Callable[[], object]) -> Exception:
        with pytest.raises((ChatRefused, CommunityRefused)) as refused:
            action()
        return refused.value


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    with World.open(database_url, media=tmp_path) as world:
        world.product("Burr Grinder", 9000, category="kitchen")
        world.user("Alice Archer", "host", key="alice")
        world.user("Bob Baker", key="bob")
        world.user("Carol Chen", key="carol")
        world.user("Dave Dunn", key="dave")
        world.user("Mo Derator", "moderator", key="mod")
        slug = communities.create_community(
            world.at(),
            world.users["alice"],
            {"name": "Home baristas", "description": "Espresso at home", "category": "kitchen"},
        )
        assert slug == "home-baristas"
        page = communities.community_page(world.at(), world.users["alice"], slug)
        world.community_id = page.header.id
        yield world


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "#a0522d").save(out, "PNG")
    return out.getvalue()


# ------------------------------------------------------------------------ joining and leaving
def test_joining_and_leaving_changes_the_members_and_founders_come_first(world: World) -> None:
    world.join("bob", "carol")
    world.join("bob")  # twice is once
    assert world.feed().members == 3
    with world.at().uow() as uow:
        assert communities.founding_member_ids(uow, world.community_id) == [
            world.users["alice"],
            world.users["bob"],
            world.users["carol"],
        ]
    assert communities.leave_community(world.tick(), world.users["bob"], world.community_id)
    assert not communities.leave_community(world.tick(), world.users["bob"], world.community_id)
    world.join("bob")  # back at the end of the line
    with world.at().uow() as uow:
        assert communities.founding_member_ids(uow, world.community_id, 2) == [
            world.users["alice"],
            world.users["carol"],
        ]
    names = {face.name for face in world.feed().faces}
    assert names == {"Alice Archer", "Bob Baker", "Carol Chen"}
    refusal = world.refused(
        lambda: communities.leave_community(world.tick(), world.users["alice"], world.community_id)
    )
    assert "You started this community" in str(refusal)
    kinds = world.bus.kinds(f"chat:{world.room}")
    assert kinds.count(EventKind.COMMUNITY_MEMBERS_CHANGED) >= 4


def test_joining_and_leaving_in_a_loop_is_capped(world: World) -> None:
    for _ in range(20):
        world.join("dave")
        communities.leave_community(world.tick(), world.users["dave"], world.community_id)
    refusal = world.refused(lambda: world.join("dave"))
    assert "try again" in str(refusal).lower()
    world.clock += timedelta(hours=1)
    world.join("dave")
    assert world.feed().members == 2


def test_only_hosts_and_admins_start_communities_and_names_are_checked(world: World) -> None:
    refusal = world.refused(
        lambda: communities.create_community(world.at(), world.users["bob"], {"name": "Tea"})
    )
    assert "Only hosts and admins" in str(refusal)
    with pytest.raises(communities.CommunityFormError) as bad:
        communities.create_community(
            world.at(), world.users["alice"], {"name": "Home  Baristas", "category": "nope"}
        )
    assert bad.value.field_errors == {
        "name": "There is already a community with this name.",
        "category": "Choose a category from the list (or none).",
    }
    listed = communities.list_communities(world.at(), world.users["alice"])
    assert [(c.name, c.members, c.joined, c.category) for c in listed] == [
        ("Home baristas", 1, True, "Kitchen")
    ]


# ------------------------------------------------------------------------- posts and replies
def test_members_post_with_photos_and_reply_and_outsiders_cannot(world: World) -> None:
    world.join("bob", "carol")
    post_id = world.post(
        "bob", "My first flat white https://example.com/x <b>hi</b>", [("latte.png", _png())]
    )
    reply_id = world.reply("carol", post_id, "Looks great!")
    (shown,) = world.feed().posts
    assert shown.message.author_name == "Bob Baker" and shown.reply_count == 1
    assert [(p.text, p.href) for p in shown.message.parts][1] == (
        "https://example.com/x",
        "https://example.com/x",
    )
    assert shown.message.parts[-1].text == " <b>hi</b>"  # plain text, never markup
    (photo,) = shown.photos
    stored = world.media / "media" / photo.removeprefix("/media/")
    with Image.open(stored) as image:
        assert image.format == "WEBP" and image.size == (40, 30)
    assert [r.id for r in shown.replies] == [reply_id]
    refusal = world.refused(lambda: world.post("dave", "Hello"))
    assert str(refusal) == "Join the community to write in it."
    refusal = world.refused(lambda: world.post("bob", "x", [("a.png", b"not a picture")]))
    assert "a.png" in str(refusal) and isinstance(refusal, CommunityRefused)
    refusal = world.refused(lambda: world.post("bob", "x" * 2001))
    assert isinstance(refusal, ChatRefused) and refusal.code == Refusal.TOO_LONG
    refusal = world.refused(lambda: world.reply("bob", post_id, "y" * 501))
    assert isinstance(refusal, ChatRefused) and refusal.code == Refusal.TOO_LONG
    assert len(list((world.media / "media" / "community").iterdir())) == 1


def test_posting_is_rate_limited_like_chat(world: World) -> None:
    world.join("bob")
    ctx = world.at()
    for n in range(5):
        communities.post(ctx, world.users["bob"], world.community_id, f"post {n}")
    refusal = world.refused(
        lambda: communities.post(ctx, world.users["bob"], world.community_id, "one too many")
    )
    assert isinstance(refusal, ChatRefused) and refusal.code == Refusal.RATE_LIMITED
    for n in range(5, 10):
        world.clock += timedelta(seconds=11)  # past the chat's window: the hourly one remains
        world.post("bob", f"post {n}")
    refusal = world.refused(lambda: world.post("bob", "eleventh in an hour"))
    assert isinstance(refusal, ChatRefused) and "try again" in str(refusal).lower()
    assert len(world.feed().posts) == 10


# ---------------------------------------------------------------------------------- moderation
def test_a_host_mutes_a_member_who_then_cannot_post_or_reply(world: World) -> None:
    world.join("bob", "carol")
    post_id = world.post("carol", "Which grinder?")
    chat.mute_user(world.tick(), world.users["alice"], world.room, world.users["bob"], 10)
    refusal = world.refused(lambda: world.post("bob", "hello?"))
    assert isinstance(refusal, ChatRefused) and refusal.code == Refusal.MUTED
    refusal = world.refused(lambda: world.reply("bob", post_id, "hello?"))
    assert isinstance(refusal, ChatRefused) and refusal.code == Refusal.MUTED
    refusal = world.refused(
        lambda: chat.mute_user(
            world.tick(), world.users["carol"], world.room, world.users["bob"], 10
        )
    )
    assert isinstance(refusal, ChatRefused) and refusal.code == Refusal.FORBIDDEN
    world.clock += timedelta(minutes=11)
    world.post("bob", "back again")


def test_an_appointed_host_moderates_and_pins_order_the_feed(world: World) -> None:
    world.join("bob", "carol", "dave")
    first = world.post("bob", "first")
    second = world.post("carol", "second")
    third = world.post("dave", "third")
    assert world.texts() == ["third", "second", "first"]
    refusal = world.refused(
        lambda: communities.pin_post(world.tick(), world.users["bob"], world.community_id, first)
    )
    assert isinstance(refusal, ChatRefused) and refusal.code == Refusal.FORBIDDEN
    communities.set_host(world.tick(), world.users["alice"], world.community_id, world.users["bob"])
    assert communities.pin_post(world.tick(), world.users["bob"], world.community_id, first)
    assert world.texts() == ["first", "third", "second"]
    communities.pin_post(world.tick(), world.users["alice"], world.community_id, second)
    assert world.texts() == ["second", "first", "third"]
    assert [p.pinned for p in world.feed().posts] == [True, True, False]
    communities.pin_post(world.tick(), world.users["bob"], world.community_id, second, False)
    assert world.texts() == ["first", "third", "second"]
    with world.session() as session:
        actions = session.exec(select(AuditEntry.action, AuditEntry.target)).all()
    assert ("community.create", "community home-baristas") in actions
    assert ("community.host", f"user {world.users['bob']} in home-baristas") in actions
    assert EventKind.COMMUNITY_POST_PINNED in world.bus.kinds(f"chat:{world.room}")
    # the new host deletes a post and a reply for everyone: the chat's own delete
    reply_id = world.reply("carol", third, "agreed")
    assert chat.delete_message(world.tick(), world.users["bob"], world.room, reply_id)
    assert chat.delete_message(world.tick(), world.users["bob"], world.room, first)
    assert world.texts() == ["third", "second"]
    assert world.feed().posts[0].reply_count == 0
    refusal = world.refused(lambda: world.reply("dave", first, "too late"))
    assert str(refusal) == "That post was deleted."


def test_a_reported_post_reaches_the_console_queue_with_keep_and_remove(world: World) -> None:
    world.join("bob", "carol")
    kept = world.post("bob", "Buy my grinder cheap")
    removed = world.post("bob", "Something rude")
    for post_id in (kept, removed):
        chat.report_message(world.tick(), world.users["carol"], world.room, post_id, "spam")
    queue = console_moderation.moderation_queue(world.at(), world.users["mod"])
    # Posts are chat messages: the queue's chat source lists them (kind "message").
    assert {(item.kind, item.place, item.key) for item in queue} == {
        ("message", world.room, f"{world.room}|{kept}"),
        ("message", world.room, f"{world.room}|{removed}"),
    }
    console_moderation.keep_message(world.tick(), world.users["mod"], world.room, kept)
    console_moderation.remove_message(world.tick(), world.users["mod"], world.room, removed)
    assert console_moderation.moderation_queue(world.at(), world.users["mod"]) == []
    assert world.texts() == ["Buy my grinder cheap"]


def _deal(world: World, product: str) -> int:
    deal = Deal(
        product_id=world.products[product],
        tiers_json="[[1, 5000]]",
        currency="USD",
        min_to_unlock=2,
        starts_at=START - timedelta(hours=1),
        deadline=START + timedelta(days=2),
        created_by=world.users["alice"],
    )
    with world.session() as session:
        session.add(deal)
        session.commit()
        return deal.id or 0


def _session(world: World, product: str, title: str) -> int:
    with world.session() as session:
        live = LiveSession(
            host_id=world.users["alice"],
            title=title,
            cover_image="/placeholder.svg",
            starts_at=START + timedelta(days=1),
        )
        session.add(live)
        session.flush()
        session.add(LiveSessionProduct(session_id=live.id or 0, product_id=world.products[product]))
        session.commit()
        return live.id or 0


def test_the_page_shows_the_category_deals_and_attached_sessions(world: World) -> None:
    world.product("Trail Tent", 20000, category="outdoor")
    kitchen_deal = _deal(world, "burr-grinder")
    tent_deal = _deal(world, "trail-tent")
    kitchen_live = _session(world, "burr-grinder", "Grinders live")
    tent_live = _session(world, "trail-tent", "Tents live")
    page = communities.community_page(world.at(), world.users["alice"], "home-baristas")
    assert page.moderates and page.appoints and page.member
    assert page.header.category == "Kitchen"
    assert [d.id for d in page.feed.deals] == [kitchen_deal]
    assert [s.title for s in page.feed.sessions] == ["Grinders live"]
    assert {(c.kind, c.ref_id) for c in page.attachable} == {
        ("deal", tent_deal),
        ("live", tent_live),
    }
    world.join("bob")
    refusal = world.refused(
        lambda: communities.feature(
            world.tick(), world.users["bob"], world.community_id, "deal", tent_deal
        )
    )
    assert str(refusal) == "Only the community's hosts can do that."
    for kind, ref in (("deal", tent_deal), ("live", tent_live)):
        assert communities.feature(
            world.tick(), world.users["alice"], world.community_id, kind, ref
        )
    assert not communities.feature(
        world.tick(), world.users["alice"], world.community_id, "deal", tent_deal
    )
    shown = world.feed()
    assert {d.id for d in shown.deals} == {kitchen_deal, tent_deal}
    assert {s.id for s in shown.sessions} == {kitchen_live, tent_live}
    assert EventKind.COMMUNITY_FEATURED in world.bus.kinds(f"chat:{world.room}")
    guest = communities.community_page(world.at(), None, "home-baristas")
    assert not guest.member and not guest.moderates and guest.attachable == []
    with pytest.raises(CommunityRefused):
        communities.community_page(world.at(), None, "nope")


def test_the_demo_seed_adds_two_communities_once(database_url: str) -> None:
    with World.open(database_url) as fresh:
        with fresh.session() as session:
            seed_demo_catalog(session)
            assert seed_demo_communities(session) == 2
            session.commit()
            assert seed_demo_communities(session) == 0
            session.commit()
        listed = communities.list_communities(fresh.ctx(), None)
        assert {(c.slug, c.category, c.members) for c in listed} == {
            ("home-baristas", "Kitchen & Dining", 1),
            ("trail-and-camp", "Outdoor", 1),
        }
        page = communities.community_page(fresh.ctx(), None, "home-baristas")
        (welcome,) = page.feed.posts
        assert welcome.pinned and welcome.message.author_name == "Alice Archer"


def test_each_community_event_pushes_the_feed_a_fresh_read_gives(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page redraws from the chat channel's events: the chat renderer hands a community's
    events to the community's renderer, whose push equals a fresh read after the commit."""
    monkeypatch.setattr(context_module, "_app_context", world.at())
    alice = world.users["alice"]
    world.join("bob")
    first = world.post("bob", "Dialling in a new bean")
    steps: list[Callable[[], object]] = [
        lambda: world.reply("alice", first, "Grind finer"),
        lambda: communities.pin_post(world.tick(), alice, world.community_id, first),
        lambda: world.join("carol"),
        lambda: chat.delete_message(world.tick(), alice, world.room, first),
    ]
    for step in steps:
        seen = len(world.bus.events)
        step()
        [event] = world.bus.events[seen:]
        push = asyncio.run(render_chat(event))
        assert push is not None
        (values,) = push.values()
        fresh = world.feed()
        assert values["posts" + FIELD_MARKER] == [dataclasses.asdict(p) for p in fresh.posts]
        assert values["members" + FIELD_MARKER] == fresh.members

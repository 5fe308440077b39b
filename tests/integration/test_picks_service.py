"""Friends' picks and sharing settings on SQLite and PostgreSQL: nothing private is shown (not
even as a count), friends first, overall popularity for shoppers without friends, and removing a
friend or turning a setting off takes effect at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services import notifications, picks, preferences, questions
from app.services.preferences import UnknownSetting
from tests.integration.social_world import SocialWorld, social_world


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[SocialWorld]:
    w = next(social_world(database_url, tmp_path, ["Alice", "Bob", "Carol", "Dave"]))
    w.befriend("Alice", "Bob")
    w.befriend("Alice", "Carol")
    yield w
    w.engine.dispose()


def titles(view: picks.PicksView) -> list[tuple[str, str]]:
    return [(p.card.slug, p.line) for p in view.picks]


def test_private_activity_is_never_shown_and_overall_popularity_fills_in(
    world: SocialWorld,
) -> None:
    world.buy("Bob", "mug")
    world.join("Carol", "lamp")
    world.buy("Dave", "tent")
    world.buy("Dave", "tent", via="deal")
    view = picks.friends_picks(world.ctx, world.users["Alice"])
    # Friends share nothing by default: no names, no counts, only what is popular overall.
    assert not view.from_friends
    assert titles(view) == [("tent", ""), ("mug", "")]
    assert picks.friends_on_product(world.ctx, world.users["Alice"], "mug") == ""


def test_shared_activity_ranks_friends_picks_and_stops_when_unfriended(world: SocialWorld) -> None:
    world.buy("Bob", "mug")
    world.join("Carol", "lamp")
    world.join("Bob", "lamp")
    world.buy("Dave", "tent")  # not a friend: never named
    preferences.set_preference(world.ctx, world.users["Bob"], "share.purchases", True)
    preferences.set_preference(world.ctx, world.users["Bob"], "share.deal_joins", True)
    preferences.set_preference(world.ctx, world.users["Carol"], "share.deal_joins", True)
    view = picks.friends_picks(world.ctx, world.users["Alice"])
    assert view.from_friends
    # lamp: two friends joined (2 + 2) beats mug: one friend bought (3).
    assert [p.card.slug for p in view.picks] == ["lamp", "mug"]
    assert view.picks[1].line == "Bob bought this"
    assert view.picks[0].line in {
        "Bob and Carol joined a group deal on this",
        "Carol and Bob joined a group deal on this",
    }
    assert picks.friends_on_product(world.ctx, world.users["Alice"], "mug") == "Bob bought this"
    assert picks.friends_on_product(world.ctx, None, "mug") == ""

    world.unfriend("Alice", "Bob")
    assert picks.friends_on_product(world.ctx, world.users["Alice"], "mug") == ""
    assert [p.card.slug for p in picks.friends_picks(world.ctx, world.users["Alice"]).picks] == [
        "lamp"
    ]

    preferences.set_preference(world.ctx, world.users["Carol"], "share.deal_joins", False)
    assert not picks.friends_picks(world.ctx, world.users["Alice"]).from_friends


def test_settings_have_defaults_and_turn_off_notifications(world: SocialWorld) -> None:
    page = preferences.my_settings(world.ctx, world.users["Bob"])
    assert {s.key: s.enabled for s in page.sharing}["share.reviews"] is True
    assert {s.key: s.enabled for s in page.sharing}["share.purchases"] is False
    with pytest.raises(UnknownSetting):
        preferences.set_preference(world.ctx, world.users["Bob"], "share.everything", True)

    world.buy("Bob", "mug")
    world.buy("Carol", "mug")
    preferences.set_preference(world.ctx, world.users["Bob"], "notify.question_to_answer", False)
    questions.ask_question(world.ctx, world.users["Alice"], world.products["mug"], "Heavy?")
    assert questions.route_questions(world.ctx) == 1  # Carol only
    assert notifications.unread_count(world.ctx, world.users["Bob"]) == 0
    assert notifications.unread_count(world.ctx, world.users["Carol"]) == 1


def test_the_activity_feed_shows_only_shared_kinds_of_current_friends(world: SocialWorld) -> None:
    from app.services import activity, reviews

    world.buy("Bob", "mug")
    world.join("Carol", "lamp")
    reviews.write_review(world.ctx, world.users["Bob"], world.products["mug"], 2, "Meh", "Thin")
    reviews.write_review(world.ctx, world.users["Dave"], world.products["mug"], 5, "Yes", "Top")
    feed = activity.friends_activity(world.ctx, world.users["Alice"])
    # Reviews are shared by default; Bob's purchase and Carol's join are private; Dave is no friend.
    assert [(i.friend_name, i.kind) for i in feed] == [("Bob", "review")]
    assert feed[0].text == "reviewed Mug: 2 of 5 stars, “Meh”"
    # Bob's friends with the activity page open get news of it; Dave's review tells nobody.
    told = {e.aggregate_id for e in world.bus.events if e.aggregate == "activity"}
    assert told == {str(world.users["Alice"])}

    preferences.set_preference(world.ctx, world.users["Carol"], "share.deal_joins", True)
    kinds = {
        (i.friend_name, i.kind) for i in activity.friends_activity(world.ctx, world.users["Alice"])
    }
    assert kinds == {("Bob", "review"), ("Carol", "deal_join")}

    world.unfriend("Alice", "Bob")
    kinds = {
        (i.friend_name, i.kind) for i in activity.friends_activity(world.ctx, world.users["Alice"])
    }
    assert kinds == {("Carol", "deal_join")}


def test_friends_watching_a_live_session_show_only_while_shared_and_live(
    world: SocialWorld,
) -> None:
    """Who watches what comes from the live rooms' presence (passed in as `watching`); the feed
    keeps friends who share it, on sessions live now that they do not host."""
    from datetime import UTC, datetime

    from app.adapters.db.models_live import LiveSession
    from app.services import activity

    users = world.users
    with world.session() as s:
        made = [
            LiveSession(host_id=users[host], title=title, cover_image="/c.png", status=status,
                        starts_at=datetime.now(UTC))
            for host, title, status in [
                ("Dave", "Kettle night", "live"), ("Dave", "Next week", "scheduled"),
                ("Bob", "Bob's own show", "live"),
            ]
        ]  # fmt: skip
        s.add_all(made)
        s.commit()
        live, scheduled, own = (m.id or 0 for m in made)
    alice = users["Alice"]
    watching = {users["Bob"]: [live], users["Carol"]: [live], users["Dave"]: [live, own]}

    def feed(now_watching: dict[int, list[int]] = watching) -> list[tuple[str, str, str]]:
        items = activity.friends_activity(world.ctx, alice, now_watching)
        return [(i.friend_name, i.text, i.link) for i in items if i.kind == "watching"]

    assert feed() == []  # private by default: not shown, not counted
    assert activity.feeds_to_redraw(world.ctx, {users["Bob"]}, {alice}) == set()

    world.bus.clear()
    preferences.set_preference(world.ctx, users["Bob"], "share.watching", True)
    told = {e.aggregate_id for e in world.bus.events if e.aggregate == "activity"}
    assert told == {str(alice)}  # Alice's open feed re-reads at once
    assert feed() == [("Bob", "is watching Kettle night", f"/live/{live}")]
    # A scheduled session's page and his own show are not "watching live".
    assert feed({users["Bob"]: [scheduled, own]}) == []
    # Bob arriving or leaving redraws the feeds of readers who are his friends, nobody else's.
    moved = {users["Bob"], users["Carol"], users["Dave"]}
    assert activity.feeds_to_redraw(world.ctx, moved, {alice, users["Dave"]}) == {alice}
    assert activity.feeds_to_redraw(world.ctx, {users["Carol"]}, {alice}) == set()

    preferences.set_preference(world.ctx, users["Bob"], "share.watching", False)
    assert feed() == []
    preferences.set_preference(world.ctx, users["Bob"], "share.watching", True)
    world.unfriend("Alice", "Bob")
    assert feed() == []

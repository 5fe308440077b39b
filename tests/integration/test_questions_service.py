"""Questions routed to past buyers on SQLite and PostgreSQL: friends first, at most five a round,
three asks a week per person, another round after a day unanswered; answers marked from buyers,
the asker notified, helpful votes, and the notification inbox."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.services import notifications, questions
from app.services.deadlines import close_what_is_due
from app.services.questions import QuestionRefused
from tests.integration.social_world import SocialWorld, social_world

NAMES = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan"]


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[SocialWorld]:
    yield from social_world(database_url, tmp_path, NAMES)


def at(world: SocialWorld, moment: datetime) -> SocialWorld:
    return dataclasses.replace(world, ctx=dataclasses.replace(world.ctx, clock=lambda: moment))


def asked(world: SocialWorld, who: str) -> list[str]:
    page = notifications.notifications_page(world.ctx, world.users[who])
    return [n.kind for n in page.items]


def test_friends_who_bought_are_asked_first_then_other_buyers_five_at_a_time(
    world: SocialWorld,
) -> None:
    start = datetime.now(UTC) - timedelta(days=3)
    # Older purchases first: strangers bought more recently than Bob, yet Bob comes first.
    world.buy("Bob", "mug", at=start)
    for i, name in enumerate(["Carol", "Dave", "Erin", "Frank", "Grace", "Heidi"]):
        world.buy(name, "mug", via="deal" if i % 2 else "cart", at=start + timedelta(hours=i + 1))
    world.befriend("Alice", "Bob")
    question = questions.ask_question(
        world.ctx, world.users["Alice"], world.products["mug"], "Is it dishwasher safe?"
    )
    assert questions.route_questions(world.ctx) == 5  # the job, run by the deadlines loop
    assert questions.route_questions(world.ctx) == 0  # nothing due twice
    first = [n for n in NAMES if asked(world, n) == ["question_to_answer"]]
    # Bob (a friend) despite the oldest purchase, then the four most recent other buyers.
    assert first == ["Bob", "Erin", "Frank", "Grace", "Heidi"]
    assert asked(world, "Alice") == [] and asked(world, "Ivan") == []

    # A day later, still unanswered: the rest are asked, nobody twice.
    tomorrow = at(world, datetime.now(UTC) + timedelta(days=1, minutes=1))
    assert questions.route_questions(tomorrow.ctx) == 2
    assert asked(world, "Carol") == asked(world, "Dave") == ["question_to_answer"]
    assert asked(world, "Bob") == ["question_to_answer"]

    # Bob answers from his notification: marked as a buyer's, Alice is told, routing stops.
    questions.answer_question(world.ctx, world.users["Bob"], question, "Yes, top rack.")
    page = questions.product_questions(world.ctx, world.users["Alice"], "mug")
    answer = page.questions[0].answers[0]
    assert (answer.author_name, answer.buyer, answer.body) == ("Bob", True, "Yes, top rack.")
    inbox = notifications.notifications_page(world.ctx, world.users["Alice"])
    assert inbox.unread == 1
    assert inbox.items[0].kind == "answer_to_your_question"
    assert "Bob answered your question (bought it)" in inbox.items[0].title
    later = at(world, datetime.now(UTC) + timedelta(days=5))
    assert questions.route_questions(later.ctx) == 0
    notify_events = [e for e in world.bus.events if e.aggregate == "notify"]
    assert {e.aggregate_id for e in notify_events} >= {str(world.users["Alice"])}


def test_nobody_is_asked_more_than_three_times_a_week(world: SocialWorld) -> None:
    world.buy("Bob", "mug")
    for n in range(4):
        questions.ask_question(world.ctx, world.users["Alice"], world.products["mug"], f"Q{n}?")
    close_what_is_due(world.ctx)
    assert asked(world, "Bob").count("question_to_answer") == 3


def test_answers_and_votes_follow_the_rules(world: SocialWorld) -> None:
    world.buy("Bob", "mug")
    question = questions.ask_question(
        world.ctx, world.users["Alice"], world.products["mug"], "Hot?"
    )
    with pytest.raises(QuestionRefused, match="You asked"):
        questions.answer_question(world.ctx, world.users["Alice"], question, "Me")
    carol = questions.answer_question(world.ctx, world.users["Carol"], question, "Not sure")
    with pytest.raises(QuestionRefused, match="already answered"):
        questions.answer_question(world.ctx, world.users["Carol"], question, "Again")
    bob = questions.answer_question(world.ctx, world.users["Bob"], question, "Very")
    questions.vote_answer(world.ctx, world.users["Alice"], carol)
    with pytest.raises(QuestionRefused, match="already"):
        questions.vote_answer(world.ctx, world.users["Alice"], carol)
    with pytest.raises(QuestionRefused, match="own answer"):
        questions.vote_answer(world.ctx, world.users["Carol"], carol)
    page = questions.product_questions(world.ctx, world.users["Alice"], "mug")
    # A buyer's answer first, even with fewer votes.
    assert [(a.id, a.buyer, a.helpful) for a in page.questions[0].answers] == [
        (bob, True, 0),
        (carol, False, 1),
    ]
    assert page.my_votes == [carol]
    for bad in ("", "   ", "x" * 501):
        with pytest.raises(QuestionRefused):
            questions.ask_question(world.ctx, world.users["Alice"], world.products["mug"], bad)


def test_the_inbox_marks_read_only_ones_own(world: SocialWorld) -> None:
    world.buy("Bob", "mug")
    questions.ask_question(world.ctx, world.users["Alice"], world.products["mug"], "Size?")
    questions.ask_question(world.ctx, world.users["Alice"], world.products["mug"], "Colour?")
    questions.route_questions(world.ctx)
    bob = world.users["Bob"]
    assert notifications.unread_count(world.ctx, bob) == 2
    first = notifications.notifications_page(world.ctx, bob).items[0]
    notifications.mark_read(world.ctx, world.users["Alice"], first.id)  # not hers: no effect
    assert notifications.unread_count(world.ctx, bob) == 2
    notifications.mark_read(world.ctx, bob, first.id)
    assert notifications.unread_count(world.ctx, bob) == 1
    notifications.mark_all_read(world.ctx, bob)
    assert notifications.unread_count(world.ctx, bob) == 0


def test_deal_outcomes_and_hosts_going_live_are_told_once(world: SocialWorld) -> None:
    from app.adapters.db.models_deals import Deal, Participation
    from app.adapters.db.models_live import HostFollow, LiveSession

    now = datetime.now(UTC)
    with world.session() as s:
        deal = Deal(
            product_id=world.products["lamp"],
            tiers_json="[[1, 1500]]",
            currency="USD",
            min_to_unlock=2,
            starts_at=now - timedelta(days=1),
            deadline=now,
            status="failed",
            closed_at=now,
            created_by=world.users["Alice"],
        )
        s.add(deal)
        s.flush()
        s.add(Participation(deal_id=deal.id or 0, user_id=world.users["Bob"], status="released"))
        s.add(Participation(deal_id=deal.id or 0, user_id=world.users["Carol"], status="left"))
        live = LiveSession(
            host_id=world.users["Alice"],
            title="Lamps at dusk",
            cover_image="/x.png",
            starts_at=now,
            status="live",
            went_live_at=now,
        )
        s.add(live)
        s.add(HostFollow(follower_id=world.users["Dave"], host_id=world.users["Alice"]))
        s.commit()
    close_what_is_due(world.ctx)
    close_what_is_due(world.ctx)  # a second tick (or process) tells nobody twice
    bob = notifications.notifications_page(world.ctx, world.users["Bob"]).items
    assert [(n.kind, n.title) for n in bob] == [
        ("deal_outcome", "The group deal on Lamp did not unlock; nobody was charged")
    ]
    assert asked(world, "Carol") == []  # she had left the deal
    dave = notifications.notifications_page(world.ctx, world.users["Dave"]).items
    assert [(n.kind, n.title) for n in dave] == [("host_live", "Alice is live: Lamps at dusk")]


def test_accepted_invites_and_shared_cart_invites_are_notified(world: SocialWorld) -> None:
    from app.services import carts, friends

    alice, bob = world.users["Alice"], world.users["Bob"]
    code = friends.current_invite(world.ctx, alice).code
    friends.accept_invite(world.ctx, bob, code)
    friends.accept_invite(world.ctx, bob, code)  # accepting twice tells her once
    told = notifications.notifications_page(world.ctx, alice).items
    assert [(n.kind, n.title) for n in told] == [
        ("friend_accepted", "Bob accepted your invite: you're friends now")
    ]
    cart = carts.start_shared_cart(world.ctx, alice, "Picnic")
    carts.add_friend(world.ctx, alice, cart, bob)
    told = notifications.notifications_page(world.ctx, bob).items
    assert [(n.kind, n.title, n.link) for n in told] == [
        ("shared_cart", "Alice added you to the shared cart “Picnic”", f"/cart/{cart}")
    ]

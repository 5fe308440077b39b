"""Every write people make spends an allowance of the address it comes from, on the limiter all
backend processes share: accounts from one address use it up together and are then refused with
a message saying when to try again, and the refused write keeps nothing (no row, no seat, no
hold); another address is not held up. Real services on SQLite and PostgreSQL, limits in memory
(one process) and on the real Redis (two processes sharing one count)."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from limits.storage import storage_from_string
from sqlmodel import SQLModel, func, select

from app.adapters.db.models_analytics import ReviewReport
from app.adapters.db.models_api import ApiKey
from app.adapters.db.models_carts import Cart, CartMember
from app.adapters.db.models_chat import ChatMessage, ChatReport
from app.adapters.db.models_community import CommunityMember, CommunityPost
from app.adapters.db.models_live import WatchPartyMember
from app.adapters.db.models_people import FriendInvite, Friendship
from app.adapters.db.models_rewards import CandidateVote
from app.adapters.db.models_social import (
    Answer,
    AnswerVote,
    Notification,
    Question,
    Review,
    ReviewPhoto,
    ReviewVote,
)
from app.adapters.limiter import SharedLimiter
from app.adapters.payments.gateway import PaymentGateway
from app.domain.api_keys import KeyRefused
from app.domain.live import SessionDraft
from app.domain.throttle import Rate
from app.services import (
    candidates,
    carts,
    chat,
    communities,
    deals,
    friends,
    helpful_marks,
    live,
    questions,
    reviews,
    trips,
)
from app.services.api_access import keys
from app.services.candidates import voting
from app.services.carts import actions as cart_actions
from app.services.chat import sending
from app.services.communities import membership as community_membership
from app.services.communities import posting
from app.services.context import Context
from app.services.deals import joining, leaving
from app.services.live import watch_parties
from app.services.questions import asking
from app.services.reviews import reporting, writing
from tests.conftest import REDIS_TEST_URL, service_unavailable
from tests.integration.deal_world import NOW, FakeGateway, open_deal
from tests.integration.social_world import image_bytes
from tests.integration.trip_world import TripWorld

HOME = "203.0.113.7"  # the address the accounts share (a household's router, an office)
ELSEWHERE = "198.51.100.20"
TOO_FAST = "That's a lot in a short time. Please try again in"
Act = Callable[[Context, int, str | None], object]


@dataclass
class Case:
    """One kind of write: its address allowance, how an account does it from an address, what a
    refusal must leave as it was, what an account does first (from no address at all), and the
    person's own allowance where the limiter keeps it."""

    rate: Rate
    act: Act
    kept: Callable[[], object]
    prepare: Callable[[int], object] = lambda _user: None
    per_person: Rate | None = None


@dataclass
class World(TripWorld):
    gateway_in_use: FakeGateway = dataclasses.field(default_factory=FakeGateway)
    media: Path = Path()  # where uploaded photos go
    guest_id: int = 0  # someone to invite (`_befriend_guest`)

    def ctx(self, gateway: PaymentGateway | None = None, now: datetime | None = None) -> Context:
        return dataclasses.replace(super().ctx(gateway, now), data_dir=lambda: self.media)

    def count(self, model: type[SQLModel], *where: Any) -> int:
        with self.session() as session:
            return int(session.exec(select(func.count()).select_from(model).where(*where)).one())

    def pay(self) -> Context:
        return self.ctx(self.gateway_in_use)


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    """The trips' shop (a host, a cooking class with a dated session) selling a kettle too."""
    with World.open(database_url, media=tmp_path) as world:
        world.user("Seller", "host")
        world.product("Kettle", 12000, category="gadgets")
        world.product("Pasta cooking class", 9000, category="classes")
        world.date_id = world.add_date(NOW + timedelta(days=10), seats=8)
        yield world


def _room(world: World) -> str:
    return f"product:{world.product_id}"


def chat_message(world: World) -> Case:
    room = _room(world)
    return Case(
        sending.MESSAGES_PER_ADDRESS,
        lambda ctx, me, at: chat.post_message(ctx, me, room, "Still on sale?", None, at),
        lambda: world.count(ChatMessage),
    )


def chat_report(world: World) -> Case:
    room = _room(world)
    message = chat.post_message(world.ctx(), world.seller_id, room, "Buy now!!!")
    return Case(
        sending.REPORTS_PER_ADDRESS,
        lambda ctx, me, at: chat.report_message(ctx, me, room, message, "spam", at),
        lambda: world.count(ChatReport),
    )


def _community(world: World) -> int:
    form = {"name": "Kettle club", "description": "Tea at home", "category": "gadgets"}
    slug = communities.create_community(world.ctx(), world.seller_id, form)
    return communities.community_page(world.ctx(), world.seller_id, slug).header.id


def community_post(world: World) -> Case:
    club = _community(world)
    return Case(
        posting.POSTS_PER_ADDRESS,
        lambda ctx, me, at: communities.post(ctx, me, club, "My kettle setup", None, at),
        lambda: world.count(CommunityPost),
        prepare=lambda me: communities.join_community(world.ctx(), me, club),
    )


def community_reply(world: World) -> Case:
    club = _community(world)
    post = communities.post(world.ctx(), world.seller_id, club, "Show your kettles")
    return Case(
        sending.MESSAGES_PER_ADDRESS,
        lambda ctx, me, at: communities.reply(ctx, me, club, post, "Here is mine", at),
        lambda: world.count(ChatMessage),
        prepare=lambda me: communities.join_community(world.ctx(), me, club),
    )


def review(world: World) -> Case:
    product = world.product_id
    return Case(
        writing.WRITES_PER_ADDRESS,
        lambda ctx, me, at: reviews.write_review(ctx, me, product, 5, "Good", "Boils fast", at),
        lambda: world.count(Review),
    )


def review_photo(world: World) -> Case:
    product = world.product_id

    def mine(me: int) -> int:
        with world.session() as session:
            found = session.exec(select(Review.id).where(Review.author_id == me)).one()
            return int(found or 0)

    return Case(
        writing.WRITES_PER_ADDRESS,
        lambda ctx, me, at: reviews.add_review_photos(
            ctx, me, mine(me), [("kettle.png", image_bytes())], at
        ),
        lambda: (world.count(ReviewPhoto), sorted(p.name for p in world.media.rglob("*.*"))),
        prepare=lambda me: reviews.write_review(world.ctx(), me, product, 5, "Good", "Shiny"),
    )


def _seller_review(world: World) -> int:
    return reviews.write_review(world.ctx(), world.seller_id, world.product_id, 4, "Ok", "Fine")


def helpful_mark(world: World) -> Case:
    found = _seller_review(world)
    return Case(
        helpful_marks.HELPFUL_PER_ADDRESS,
        lambda ctx, me, at: reviews.vote_helpful(ctx, me, found, at),
        lambda: world.count(ReviewVote),
    )


def helpful_unmark(world: World) -> Case:
    found = _seller_review(world)
    return Case(
        helpful_marks.HELPFUL_PER_ADDRESS,
        lambda ctx, me, at: reviews.withdraw_helpful(ctx, me, found, at),
        lambda: world.count(ReviewVote),
        prepare=lambda me: reviews.vote_helpful(world.ctx(), me, found),
    )


def review_report(world: World) -> Case:
    found = _seller_review(world)
    return Case(
        reporting.REPORTS_PER_ADDRESS,
        lambda ctx, me, at: reporting.report_review(ctx, me, found, "fake", at),
        lambda: world.count(ReviewReport),
    )


def question(world: World) -> Case:
    product = world.product_id
    return Case(
        asking.QUESTIONS_PER_ADDRESS,
        lambda ctx, me, at: questions.ask_question(ctx, me, product, "Does it whistle?", at),
        lambda: world.count(Question),
    )


def _seller_question(world: World) -> int:
    return questions.ask_question(world.ctx(), world.seller_id, world.product_id, "Who uses it?")


def answer(world: World) -> Case:
    asked = _seller_question(world)
    return Case(
        asking.ANSWERS_PER_ADDRESS,
        lambda ctx, me, at: questions.answer_question(ctx, me, asked, "Every morning", at),
        lambda: world.count(Answer),
    )


def _answer(world: World) -> int:
    helper = world.user("Helper")
    return questions.answer_question(world.ctx(), helper, _seller_question(world), "Me")


def answer_mark(world: World) -> Case:
    found = _answer(world)
    return Case(
        helpful_marks.HELPFUL_PER_ADDRESS,
        lambda ctx, me, at: questions.vote_answer(ctx, me, found, at),
        lambda: world.count(AnswerVote),
    )


def answer_unmark(world: World) -> Case:
    found = _answer(world)
    return Case(
        helpful_marks.HELPFUL_PER_ADDRESS,
        lambda ctx, me, at: questions.withdraw_answer_vote(ctx, me, found, at),
        lambda: world.count(AnswerVote),
        prepare=lambda me: questions.vote_answer(world.ctx(), me, found),
    )


def _candidate(world: World) -> int:
    form = {
        "title": "Pour-over kettle",
        "description": "Gooseneck",
        "target_price": "45.00",
        "threshold": "100",
        "closes_at": (NOW + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "category": "gadgets",
    }
    return candidates.post_candidate(world.ctx(), world.seller_id, form, 0)


def candidate_vote(world: World) -> Case:
    found = _candidate(world)
    return Case(
        voting.VOTES_PER_ADDRESS,
        lambda ctx, me, at: candidates.vote(ctx, me, found, at),
        lambda: world.count(CandidateVote),
    )


def candidate_withdrawal(world: World) -> Case:
    found = _candidate(world)
    return Case(
        voting.VOTES_PER_ADDRESS,
        lambda ctx, me, at: candidates.withdraw_vote(ctx, me, found, at),
        lambda: world.count(CandidateVote),
        prepare=lambda me: candidates.vote(world.ctx(), me, found),
    )


def _seats_and_holds(world: World, deal_id: int) -> object:
    holds = sorted((i, r.status) for i, r in world.gateway_in_use.intents.items())
    return world.deal(deal_id).participants, holds


def deal_join(world: World) -> Case:
    found = open_deal(world)
    return Case(
        joining.JOINS_PER_ADDRESS,
        lambda _ctx, me, at: deals.join_deal(world.pay(), me, found, 1, "pm_card_visa", address=at),
        lambda: _seats_and_holds(world, found),
    )


def deal_leave(world: World) -> Case:
    found = open_deal(world)
    return Case(
        leaving.LEAVES_PER_ADDRESS,
        lambda _ctx, me, at: deals.leave_deal(world.pay(), me, found, at),
        lambda: _seats_and_holds(world, found),
        prepare=lambda me: deals.join_deal(world.pay(), me, found, 1, "pm_card_visa"),
    )


def trip_join(world: World) -> Case:
    group = world.open_group(world.user("Organiser"), 2, 8)
    return Case(
        joining.JOINS_PER_ADDRESS,
        lambda ctx, me, at: trips.join_booking(ctx, me, group.code, at),
        world.seats_taken,
    )


def api_key(world: World) -> Case:
    return Case(
        keys.CREATES_PER_ADDRESS,
        lambda ctx, me, at: keys.create_key(ctx, me, "Spreadsheet", ["read_products"], at),
        lambda: world.count(ApiKey),
    )


def new_invite_code(world: World) -> Case:
    return Case(
        friends.NEW_CODES_PER_ADDRESS,
        lambda ctx, me, at: friends.rotate_invite(ctx, me, at),
        lambda: world.count(FriendInvite),
        prepare=lambda me: friends.current_invite(world.ctx(), me),
    )


def friend_accept(world: World) -> Case:
    code = friends.current_invite(world.ctx(), world.seller_id).code
    return Case(
        friends.ACCEPTS_PER_ADDRESS,
        lambda ctx, me, at: friends.accept_invite(ctx, me, code, at),
        lambda: world.count(Friendship),
    )


def _befriend_guest(world: World) -> Callable[[int], None]:
    """Someone every account befriends (by the guest's invite code), to bring into things."""
    world.guest_id = world.user("Guest")
    code = friends.current_invite(world.ctx(), world.guest_id).code
    return lambda me: friends.accept_invite(world.ctx(), me, code)


def cart_start(world: World) -> Case:
    return Case(
        cart_actions.STARTS_PER_ADDRESS,
        lambda ctx, me, at: carts.start_shared_cart(ctx, me, "Picnic", address=at),
        lambda: world.count(Cart),
        per_person=cart_actions.STARTS_PER_PERSON,
    )


def cart_friend_add(world: World) -> Case:
    befriend = _befriend_guest(world)
    started: dict[int, int] = {}

    def prepare(me: int) -> None:
        befriend(me)
        started[me] = carts.start_shared_cart(world.ctx(), me, "Gift for Guest")

    return Case(
        cart_actions.FRIEND_ADDS_PER_ADDRESS,
        lambda ctx, me, at: carts.add_friend(ctx, me, started[me], world.guest_id, at),
        lambda: (world.count(CartMember), world.count(Notification)),  # nobody added or told
        prepare=prepare,
        per_person=cart_actions.FRIEND_ADDS_PER_PERSON,
    )


def watch_party_invite(world: World) -> Case:
    befriend = _befriend_guest(world)
    draft = SessionDraft("Kettle week", "", NOW + timedelta(hours=1), "", (world.product_id,))
    session_id = live.schedule_session(world.ctx(), world.seller_id, draft)
    parties: dict[int, int] = {}

    def prepare(me: int) -> None:
        befriend(me)
        parties[me] = live.start_watch_party(world.ctx(), me, session_id)

    return Case(
        watch_parties.INVITES_PER_ADDRESS,
        lambda ctx, me, at: live.invite_to_party(ctx, me, parties[me], world.guest_id, at),
        lambda: (world.count(WatchPartyMember), world.count(CartMember)),
        prepare=prepare,
        per_person=watch_parties.INVITES_PER_PERSON,
    )


def community_join(world: World) -> Case:
    club = _community(world)
    return Case(
        community_membership.JOINS_PER_ADDRESS,
        lambda ctx, me, at: communities.join_community(ctx, me, club, at),
        lambda: world.count(CommunityMember),
    )


def community_leave(world: World) -> Case:
    club = _community(world)
    return Case(
        community_membership.LEAVES_PER_ADDRESS,
        lambda ctx, me, at: communities.leave_community(ctx, me, club, at),
        lambda: world.count(CommunityMember),
        prepare=lambda me: communities.join_community(world.ctx(), me, club),
    )


CASES = [
    chat_message,
    chat_report,
    community_post,
    community_reply,
    review,
    review_photo,
    helpful_mark,
    helpful_unmark,
    review_report,
    question,
    answer,
    answer_mark,
    answer_unmark,
    candidate_vote,
    candidate_withdrawal,
    deal_join,
    deal_leave,
    trip_join,
    api_key,
    new_invite_code,
    friend_accept,
    cart_start,
    cart_friend_add,
    watch_party_invite,
    community_join,
    community_leave,
]


def leave_only(ctx: Context, rate: Rate, address: str, left: int) -> None:
    """The address has used all but `left` of its allowance (other people behind it, earlier)."""
    for _ in range(rate.limit - left):
        assert ctx.limiter.attempt(rate, address) is None


def refusal(action: Callable[[], object]) -> str:
    with pytest.raises(Exception, match=re.escape(TOO_FAST)) as refused:
        action()
    return str(refused.value)


@pytest.mark.parametrize("make", CASES, ids=lambda make: make.__name__)
def test_accounts_from_one_address_share_its_allowance_and_a_refusal_keeps_nothing(
    world: World, make: Callable[[World], Case]
) -> None:
    case = make(world)
    ada, bob, cy, dee = (world.user(name) for name in ("Ada", "Bob", "Cy", "Dee"))
    for person in (ada, bob, cy, dee):
        case.prepare(person)
    leave_only(world.ctx(), case.rate, HOME, 2)
    case.act(world.ctx(), ada, HOME)
    case.act(world.ctx(), bob, HOME)
    before = case.kept()

    message = refusal(lambda: case.act(world.ctx(), cy, HOME))

    assert message.startswith(TOO_FAST)
    assert case.kept() == before  # no row, no seat, no hold
    case.act(world.ctx(), dee, ELSEWHERE)  # another address is not held up
    assert case.kept() != before


@pytest.mark.parametrize(
    "make", [cart_start, cart_friend_add, watch_party_invite], ids=lambda make: make.__name__
)
def test_an_account_that_used_up_its_own_allowance_is_refused_from_any_address(
    world: World, make: Callable[[World], Case]
) -> None:
    case = make(world)
    assert case.per_person is not None
    ada, bob = world.user("Ada"), world.user("Bob")
    for person in (ada, bob):
        case.prepare(person)
    leave_only(world.ctx(), case.per_person, str(ada), 0)
    before = case.kept()

    assert refusal(lambda: case.act(world.ctx(), ada, HOME)).startswith(TOO_FAST)
    assert refusal(lambda: case.act(world.ctx(), ada, ELSEWHERE)).startswith(TOO_FAST)

    assert case.kept() == before
    case.act(world.ctx(), bob, HOME)  # another account, from the same address, goes on
    assert case.kept() != before


@pytest.fixture
def redis_rate_key() -> str:
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        service_unavailable("Redis", error)
    return f"test-{uuid.uuid4().hex}"  # an address of its own: earlier runs never count


def test_two_workers_on_redis_spend_one_allowance_per_address(
    world: World, redis_rate_key: str
) -> None:
    """Two backend processes (a context each, each with the limiter it builds from REDIS_URL):
    what one spends for an address, the other sees."""
    first, second = (
        dataclasses.replace(world.ctx(), limiter=SharedLimiter(storage_from_string(REDIS_TEST_URL)))
        for _ in range(2)
    )
    room, address = _room(world), redis_rate_key
    ada, bob, cy = (world.user(name) for name in ("Ada", "Bob", "Cy"))
    leave_only(first, sending.MESSAGES_PER_ADDRESS, address, 2)
    chat.post_message(first, ada, room, "Hi from worker one", None, address)
    chat.post_message(second, bob, room, "Hi from worker two", None, address)
    posted = world.count(ChatMessage)

    message = refusal(lambda: chat.post_message(second, cy, room, "And me?", None, address))

    assert message.startswith(TOO_FAST)
    assert world.count(ChatMessage) == posted


def test_staff_make_keys_within_their_own_allowance_too(world: World) -> None:
    """API keys are limited per person as well, admins included: making and revoking keys in a
    loop runs out, with a message on the form's name field, and no key is made."""
    admin, other = world.user("Ada Admin", "admin"), world.user("Al Admin", "admin")
    for _ in range(keys.CREATES_PER_PERSON.limit):
        made = keys.create_key(world.ctx(), admin, "Sync", ["write_products"])
        keys.revoke_key(world.ctx(), admin, made.key.id)
    made_before = world.count(ApiKey)

    with pytest.raises(KeyRefused, match=re.escape(TOO_FAST)) as refused:
        keys.create_key(world.ctx(), admin, "Sync", ["write_products"])

    assert refused.value.field == "name"
    assert world.count(ApiKey) == made_before
    keys.create_key(world.ctx(), other, "Sync", ["write_products"])  # their own allowance

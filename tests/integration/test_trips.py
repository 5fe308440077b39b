"""A group trip's life on SQLite and PostgreSQL with real card holds on the local Stripe server:
a group that fills is confirmed and charged once, one that misses its minimum is released, an
unpaid share goes back after 72 + 24 hours, the organiser covers a share, and bad requests
change nothing."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest

from app.adapters.payments.gateway import PaymentStatus
from app.adapters.payments.sandbox import LocalSandbox
from app.adapters.payments.stripe_gateway import StripeGateway
from app.domain.payments import SandboxCard
from app.domain.trips import BookingRefusal
from app.services import deals, trips
from app.services.deadlines import close_what_is_due
from app.services.deals import JoinResult
from app.services.trips import BookingError
from tests.integration.deal_world import NOW
from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401
from tests.integration.trip_world import CARD, DECLINED, TripWorld, trip_world  # noqa: F401


def pay(world: TripWorld, gateway: StripeGateway, payer: int, code: str, member: int,
        *, card: str = CARD, now: datetime = NOW) -> JoinResult:  # fmt: skip
    return trips.pay_share(world.ctx(gateway, now=now), payer, code, member, card)


def refused(error: pytest.ExceptionInfo[BookingError], refusal: BookingRefusal) -> bool:
    return error.value.code == refusal.value and error.value.message == refusal.message


def test_a_group_that_fills_from_its_link_is_confirmed_at_the_group_price(
    trip_world: TripWorld, stripe_gateway: StripeGateway
) -> None:
    world = trip_world
    olga, ben, cy = world.make_users(3)
    opened = world.open_group(olga, min_size=2, max_size=3)
    for friend in (ben, cy):
        trips.join_booking(world.ctx(now=NOW), friend, opened.code)
    assert world.seats_taken() == 3
    holds = [pay(world, stripe_gateway, u, opened.code, u) for u in (olga, ben, cy)]
    # Each pays today's price with their share counted: the third reaches the 3-person tier.
    assert [h.hold_amount for h in holds] == [9000, 9000, 7000]
    page = trips.booking_page(world.ctx(now=NOW), ben, opened.code)
    assert page is not None and page.paid == 3 and page.status == "unlocked"

    # Full and every share paid: the next due-work run confirms it, at the 3-person price.
    close_what_is_due(world.ctx(stripe_gateway, now=NOW))
    orders = {o.user_id: o.amount for o in world.orders(opened.deal_id)}
    assert orders == {olga: 7000, ben: 7000, cy: 7000}
    for hold in holds:
        assert stripe_gateway.retrieve(hold.intent_id or "").amount_captured == 7000
    page = trips.booking_page(world.ctx(now=NOW), ben, opened.code)
    assert page is not None and page.status == "succeeded" and page.status_label == "Confirmed"
    assert world.seats_taken() == 3  # the seats are sold

    # Closing again (another process, a restart) captures nothing twice.
    close_what_is_due(world.ctx(stripe_gateway, now=NOW + timedelta(days=3)))
    assert deals.close_deal(world.ctx(stripe_gateway, now=NOW + timedelta(days=3)),
                            opened.deal_id) is None  # fmt: skip
    assert len(world.orders(opened.deal_id)) == 3


def test_a_group_that_misses_its_minimum_releases_every_hold_and_its_seats(
    trip_world: TripWorld, stripe_gateway: StripeGateway
) -> None:
    world = trip_world
    olga, ben, cy = world.make_users(3)
    opened = world.open_group(olga, min_size=3, max_size=4)
    trips.join_booking(world.ctx(now=NOW), ben, opened.code)
    trips.join_booking(world.ctx(now=NOW), cy, opened.code)
    holds = [pay(world, stripe_gateway, u, opened.code, u) for u in (olga, ben)]
    after = NOW + timedelta(days=2, seconds=1)
    close_what_is_due(world.ctx(stripe_gateway, now=after))
    for hold in holds:
        assert stripe_gateway.retrieve(hold.intent_id or "").status is PaymentStatus.CANCELED
    assert world.orders(opened.deal_id) == []
    assert world.seats_taken() == 0  # every seat went back to the date
    page = trips.booking_page(world.ctx(now=after), olga, opened.code)
    assert page is not None and page.status == "failed"
    assert "nobody was charged" in page.headline
    assert {m.label for m in page.members} == {"Hold released", "Seat released"}


def test_an_unpaid_share_goes_back_after_72_hours_and_the_organisers_24(
    trip_world: TripWorld, stripe_gateway: StripeGateway
) -> None:
    world = trip_world
    olga, ben = world.make_users(2)
    opened = world.open_group(olga, 2, 4, deadline=NOW + timedelta(days=8))
    trips.join_booking(world.ctx(now=NOW), ben, opened.code)
    assert world.seats_taken() == 2

    late = NOW + timedelta(hours=72, minutes=1)
    with pytest.raises(BookingError) as error:
        pay(world, stripe_gateway, ben, opened.code, ben, now=late)
    assert refused(error, BookingRefusal.SHARE_WINDOW_PASSED)
    assert trips.release_unpaid_seats(world.ctx(now=late)) == []  # the organiser may still cover

    gone = NOW + timedelta(hours=96)
    assert sorted(trips.release_unpaid_seats(world.ctx(now=gone))) == sorted([olga, ben])
    assert trips.release_unpaid_seats(world.ctx(now=gone)) == []  # once
    assert world.seats_taken() == 0
    assert world.deal(opened.deal_id).participants == 0
    with pytest.raises(BookingError) as error:
        pay(world, stripe_gateway, olga, opened.code, ben, now=gone)
    assert refused(error, BookingRefusal.SEAT_RELEASED)
    # A released member may join again from the link, with a fresh 72 hours.
    trips.join_booking(world.ctx(now=gone), ben, opened.code)
    assert world.seats_taken() == 1


def test_the_organiser_covers_a_share_the_member_did_not_pay(
    trip_world: TripWorld, stripe_gateway: StripeGateway
) -> None:
    world = trip_world
    olga, ben = world.make_users(2)
    opened = world.open_group(olga, 2, 2)
    trips.join_booking(world.ctx(now=NOW), ben, opened.code)
    pay(world, stripe_gateway, olga, opened.code, olga)
    covered = pay(world, stripe_gateway, olga, opened.code, ben, now=NOW + timedelta(hours=73))
    assert covered.status == "held"
    page = trips.booking_page(world.ctx(now=NOW), ben, opened.code)
    assert page is not None
    ben_row = next(m for m in page.members if m.user_id == ben)
    assert ben_row.label.startswith("Paid by ") and ben_row.label.endswith("(hold placed)")
    # Paying it again (a double click, or Ben after all) is refused: one hold per share.
    with pytest.raises(BookingError) as error:
        pay(world, stripe_gateway, ben, opened.code, ben)
    assert refused(error, BookingRefusal.ALREADY_PAID)
    close_what_is_due(world.ctx(stripe_gateway, now=NOW + timedelta(hours=74)))
    assert {o.user_id for o in world.orders(opened.deal_id)} == {olga, ben}


def test_bad_requests_are_refused_with_a_message_and_change_nothing(
    trip_world: TripWorld, stripe_gateway: StripeGateway
) -> None:
    world = trip_world
    olga, ben, cy, dee = world.make_users(4)
    opened = world.open_group(olga, 2, 2)
    trips.join_booking(world.ctx(now=NOW), ben, opened.code)

    with pytest.raises(BookingError) as error:  # joining a full trip
        trips.join_booking(world.ctx(now=NOW), cy, opened.code)
    assert refused(error, BookingRefusal.TRIP_FULL)
    with pytest.raises(BookingError) as error:  # joining twice
        trips.join_booking(world.ctx(now=NOW), ben, opened.code)
    assert refused(error, BookingRefusal.ALREADY_MEMBER)
    with pytest.raises(BookingError) as error:  # paying someone else's share, not organiser
        pay(world, stripe_gateway, ben, opened.code, olga)
    assert refused(error, BookingRefusal.NOT_ORGANISER)
    with pytest.raises(BookingError) as error:  # a declined card: the seat stays reserved
        pay(world, stripe_gateway, ben, opened.code, ben, card=DECLINED)
    assert "declined" in error.value.message.lower()
    assert world.seats_taken() == 2 and world.deal(opened.deal_id).participants == 2
    assert {p.status for p in world.participations(opened.deal_id)} == {"reserved"}
    assert pay(world, stripe_gateway, ben, opened.code, ben).status == "held"  # then it pays

    # The date's own seats: a date with 2 seats, one group takes one, the next asks for 2.
    other = world.add_date(NOW + timedelta(days=12), seats=2)
    first = world.open_group(cy, 1, 2, date_id=other)  # takes 1 seat (its organiser's)
    with pytest.raises(BookingError) as error:
        world.open_group(dee, 1, 2, date_id=other)
    assert error.value.field_errors["max_size"] == "Only 1 seat is left on this date."
    second = world.open_group(dee, 1, 1, date_id=other)  # the date's last seat
    with pytest.raises(BookingError) as error:  # room in the first group, none on the date
        trips.join_booking(world.ctx(now=NOW), olga, first.code)
    assert refused(error, BookingRefusal.DATE_FULL)
    with pytest.raises(deals.JoinError) as joined:  # not through the plain deal page either
        deals.join_deal(world.ctx(stripe_gateway), olga, second.deal_id, 1, CARD)
    assert joined.value.code == "booking_only"
    assert world.seats_taken(other) == 2


def test_friends_racing_for_the_last_seats_never_overfill_a_group_or_a_date(
    trip_world: TripWorld,
) -> None:
    world = trip_world
    date_id = world.add_date(NOW + timedelta(days=6), seats=5)
    olga, dee, *friends = world.make_users(10)
    groups = [world.open_group(olga, 2, 4, date_id=date_id)]
    groups.append(world.open_group(dee, 2, 4, date_id=date_id))  # 3 of the date's seats left
    start = threading.Barrier(len(friends))

    def join(args: tuple[int, str]) -> str:
        user, code = args
        start.wait()
        try:
            trips.join_booking(world.ctx(now=NOW), user, code)
        except BookingError as error:
            return error.code
        return "in"

    pairs = [(user, groups[i % 2].code) for i, user in enumerate(friends)]
    with ThreadPoolExecutor(max_workers=len(friends)) as pool:
        results = list(pool.map(join, pairs))
    # Each group has room for 3 more, the date for 3 in all: the date decides.
    assert results.count("in") == 3
    assert set(results) - {"in"} <= {"date_full", "trip_full"}
    assert world.seats_taken(date_id) == 5
    in_groups = sum(world.deal(g.deal_id).participants for g in groups)
    assert in_groups == 5


def test_a_share_the_bank_wants_to_check_is_held_once_the_member_confirms(
    trip_world: TripWorld, stripe_gateway: StripeGateway
) -> None:
    world = trip_world
    olga, ben = world.make_users(2)
    opened = world.open_group(olga, 2, 3)
    trips.join_booking(world.ctx(now=NOW), ben, opened.code)
    card = LocalSandbox(stripe_gateway).payment_method(SandboxCard.THREE_DS)
    asked = pay(world, stripe_gateway, ben, opened.code, ben, card=card)
    assert asked.status == "needs_action" and asked.client_secret
    page = trips.booking_page(world.ctx(now=NOW), ben, opened.code)
    assert page is not None and page.paid == 0 and page.waiting == 2  # shown apart, not counted
    with pytest.raises(BookingError) as error:  # the organiser is told it is being paid
        pay(world, stripe_gateway, olga, opened.code, ben)
    assert refused(error, BookingRefusal.ALREADY_PAID)
    assert trips.confirm_share_with_bank(world.ctx(stripe_gateway), ben, opened.code, True) == (
        "held"
    )
    page = trips.booking_page(world.ctx(now=NOW), ben, opened.code)
    assert page is not None and page.paid == 1

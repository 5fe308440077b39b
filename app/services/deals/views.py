"""What shoppers see of group-buy deals: cards, the deal page, their own seat, the host form.

Read-only. Everything a page shows is computed here from the database, with money already
formatted and times as ISO strings, so the states only hold these values and the components
only lay them out. The public views (`DealCard`, `DealPage`) are the same for every viewer: the
live-update renderer computes them once per event and pushes them to every page that shows the
deal. What concerns one shopper (`MySeat`) is loaded by that shopper's own handlers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from app.adapters.db.models import Product
from app.adapters.db.models_deals import Deal, Participation, Team
from app.adapters.db.models_people import User
from app.domain.clock import as_utc
from app.domain.group_buy import (
    ACTIVE_PARTICIPATION,
    CloseOutcome,
    DealCount,
    DealKind,
    DealStatus,
    DealTerms,
    ParticipationStatus,
    PaymentMode,
    TeamStatus,
    can_join,
    is_full,
    next_tier,
    price_for,
    progress_percent,
    status_at,
    team_status,
)
from app.domain.money import format_minor
from app.domain.numbers import parse_id
from app.domain.people import avatar_colour, initials, may_host
from app.domain.plain_text import could_be_slug
from app.domain.refunds import MoneyState, money_message
from app.services.catalog import first_images
from app.services.deals.records import deal_counts, outcome_of, terms_of

PLACEHOLDER_IMAGE = "/placeholder.svg"
CARD_LIMIT = 24  # live cards pushed per event: every active deal up to this many

STATUS_LABELS = {
    DealStatus.SCHEDULED.value: "Starts soon",
    DealStatus.OPEN.value: "Open",
    DealStatus.UNLOCKED.value: "Unlocked",
    DealStatus.CLOSING.value: "Closing",
    DealStatus.SUCCEEDED.value: "Deal done",
    DealStatus.FAILED.value: "Did not unlock",
    DealStatus.CANCELLED.value: "Cancelled",
}

TEAM_LABELS = {
    TeamStatus.FORMING.value: "Forming",
    TeamStatus.FILLED.value: "Complete",
    TeamStatus.EXPIRED.value: "Ran out of time",
}

# Where the shopper's money stands is worded once, in app/domain/refunds.py (MONEY_MESSAGES).
SEAT_MESSAGES = {
    ParticipationStatus.PENDING.value: "We're placing the hold on your card…",
    ParticipationStatus.NEEDS_ACTION.value: money_message(MoneyState.WAITING_FOR_BANK),
    ParticipationStatus.HELD.value: "You're in. " + money_message(MoneyState.HOLD_PLACED),
    ParticipationStatus.LEFT.value: "You left this deal. " + money_message(MoneyState.RELEASED),
    ParticipationStatus.CAPTURED.value: "You bought this deal.",
    ParticipationStatus.RELEASED.value: money_message(MoneyState.RELEASED),
    ParticipationStatus.FAILED.value: (
        "Your payment didn't go through, so you're not in this deal."
    ),
}


@dataclass(frozen=True)
class TierView:
    min_participants: int
    label: str
    price: str
    reached: bool
    current: bool


@dataclass(frozen=True)
class MemberView:
    user_id: int
    name: str
    initials: str
    colour: str


@dataclass(frozen=True)
class TeamView:
    id: int
    leader_name: str
    size: int
    member_count: int
    spots_left: int
    members: list[MemberView]
    status: str
    status_label: str
    expires_at: str  # ISO 8601 UTC


@dataclass(frozen=True)
class DealCard:
    """A deal as every card, list row and the top of its page show it."""

    id: int
    product_id: int
    product_slug: str
    title: str
    image: str
    status: str
    status_label: str
    participants: int  # joined: confirmed holds only (the ledger lists each of them)
    confirming: int  # seats waiting for the card or the bank: shown apart, never counted
    forming: int  # confirmed holds in teams that have not filled yet: shown apart too
    waiting_text: str  # "1 confirming with their bank · 2 in forming teams", or ""
    min_to_unlock: int
    still_needed: int  # to unlock; 0 once unlocked
    max_participants: int  # 0: no cap
    spots_left: int  # -1: no cap
    current_price: str
    join_price: str  # what the next shopper would hold: the price with them in
    join_price_minor: int
    currency: str  # lower case, as Stripe.js wants it
    first_price: str
    regular_price: str  # empty unless the deal is cheaper than the product's own price
    next_needed: int  # shoppers until the next cheaper tier; 0 at the top tier
    next_price: str
    progress: int  # percent of the way to unlocking
    starts_at: str  # ISO 8601 UTC
    deadline: str  # ISO 8601 UTC
    deadline_text: str
    joinable: bool
    full: bool
    unlocked_text: str  # said as soon as the minimum is met with confirmed holds, else ""


@dataclass(frozen=True)
class DealPage:
    """Everything public about one deal: its card, tiers, teams and outcome."""

    card: DealCard
    tiers: list[TierView]
    has_teams: bool
    team_size: int
    team_price: str
    teams: list[TeamView]
    max_quantity: int
    saves_card: bool
    final_price: str
    version: int
    currency: str
    description: str


@dataclass(frozen=True)
class MySeat:
    """One shopper's place in one deal (status "none" when they never joined)."""

    status: str
    message: str
    quantity: int = 0
    locked_price: str = ""
    hold_amount: str = ""
    charged: str = ""
    team_id: int = 0
    active: bool = False  # holding a seat now (pending, needs_action, held)
    joined_when_closed: bool = False  # was in the deal when it closed


@dataclass(frozen=True)
class ProductChoice:
    id: int
    title: str
    price: str
    currency: str


@dataclass(frozen=True)
class HostForm:
    allowed: bool
    products: list[ProductChoice] = field(default_factory=list)


NO_SEAT = MySeat(status="none", message="")


def _iso(moment: datetime) -> str:
    return as_utc(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _deadline_text(moment: datetime) -> str:
    return as_utc(moment).strftime("%a %d %b %Y, %H:%M UTC")


def shown_status(deal: Deal, terms: DealTerms, joined: int, now: datetime) -> DealStatus:
    """The status shoppers see: derived from the clock, the joined count and the stored
    outcome, except while the closing job is at work."""
    if deal.status == DealStatus.CLOSING:
        return DealStatus.CLOSING
    return status_at(terms, joined, now, outcome_of(deal))


def waiting_text(count: DealCount) -> str:
    """Seats that do not count yet, in words ("" when there are none)."""
    parts = []
    if count.confirming:
        parts.append(f"{count.confirming} confirming with their bank")
    if count.forming:
        noun = "shopper" if count.forming == 1 else "shoppers"
        parts.append(f"{count.forming} {noun} in teams still forming")
    return " · ".join(parts)


def unlocked_text(terms: DealTerms, status: str, joined: int) -> str:
    """What shoppers are told the moment the minimum is met: it goes ahead, and at what price."""
    if status != DealStatus.UNLOCKED.value:
        return ""
    price = format_minor(price_for(terms, joined), terms.currency)
    return (
        f"Unlocked: this deal goes ahead. Everyone in pays {price} each (less if more join, "
        f"never more than their hold), charged at the deadline."
    )


def _card(deal: Deal, product: Product, image: str, now: datetime, seats: DealCount) -> DealCard:
    terms = terms_of(deal)
    count = seats.joined
    status = shown_status(deal, terms, count, now).value
    upcoming = next_tier(terms, count)
    cap = terms.max_participants
    # Spots are seats: a seat waiting for its bank is taken even though it does not count yet.
    full = is_full(terms, deal.participants)
    joinable = (
        status in (DealStatus.OPEN.value, DealStatus.UNLOCKED.value)
        and can_join(terms, deal.participants, now, False) is None
    )
    return DealCard(
        id=deal.id or 0,
        product_id=product.id or 0,
        product_slug=product.slug,
        title=product.title,
        image=image or PLACEHOLDER_IMAGE,
        status=status,
        status_label=(
            "Full" if full and status == DealStatus.UNLOCKED.value else STATUS_LABELS[status]
        ),
        participants=count,
        confirming=seats.confirming,
        forming=seats.forming,
        waiting_text=waiting_text(seats),
        min_to_unlock=terms.min_to_unlock,
        still_needed=max(0, terms.min_to_unlock - count),
        max_participants=cap or 0,
        spots_left=-1 if cap is None else max(0, cap - deal.participants),
        current_price=format_minor(price_for(terms, count), terms.currency),
        join_price=format_minor(price_for(terms, count + 1), terms.currency),
        join_price_minor=price_for(terms, count + 1),
        currency=terms.currency.lower(),
        first_price=format_minor(terms.tiers[0].unit_price, terms.currency),
        # Struck through beside the deal price, so only when the deal is cheaper.
        regular_price=(
            format_minor(product.price_amount, product.currency)
            if product.price_amount > price_for(terms, count)
            else ""
        ),
        next_needed=upcoming[0] if upcoming else 0,
        next_price=format_minor(upcoming[1], terms.currency) if upcoming else "",
        progress=progress_percent(terms, count),
        starts_at=_iso(terms.starts_at),
        deadline=_iso(terms.deadline),
        deadline_text=_deadline_text(terms.deadline),
        joinable=joinable,
        full=full,
        unlocked_text=unlocked_text(terms, status, count),
    )


def _cards_for(session: Session, deals: Sequence[Deal], now: datetime) -> list[DealCard]:
    product_ids = sorted({d.product_id for d in deals})
    products = {
        p.id: p for p in session.exec(select(Product).where(col(Product.id).in_(product_ids)))
    }
    images = first_images(session, product_ids)
    counts = deal_counts(session, [d.id or 0 for d in deals])
    for d in deals:
        if d.final_participants is not None:
            # Closed (or closing): the count the closing job fixed is the one that stands.
            counts[d.id or 0] = DealCount(joined=d.final_participants)
    return [
        _card(d, products[d.product_id], images.get(d.product_id, ""), now, counts[d.id or 0])
        for d in deals
        if d.product_id in products
    ]


def cards_of(session: Session, deals: Sequence[Deal], now: datetime) -> list[DealCard]:
    """Cards for deals another area picked (a community's deals), in the order given."""
    return _cards_for(session, deals, now)


_LIVE = (DealStatus.OPEN, DealStatus.CLOSING)  # stored statuses of deals still on show


def active_cards(session: Session, now: datetime, limit: int = CARD_LIMIT) -> list[DealCard]:
    """Deals shoppers can still act on (open, or closing right now), soonest deadline first."""
    deals = session.exec(
        select(Deal)
        .where(col(Deal.status).in_(_LIVE), col(Deal.kind) == DealKind.GROUP_BUY)
        .order_by(col(Deal.deadline), col(Deal.id))
        .limit(limit)
    ).all()
    return _cards_for(session, deals, now)


def recent_closed_cards(session: Session, now: datetime, limit: int = 6) -> list[DealCard]:
    """Deals that closed lately, newest first (for the deals page's "ended" list)."""
    deals = session.exec(
        select(Deal)
        .where(
            col(Deal.status).in_((DealStatus.SUCCEEDED, DealStatus.FAILED, DealStatus.CANCELLED)),
            col(Deal.kind) == DealKind.GROUP_BUY,
        )
        .order_by(col(Deal.closed_at).desc(), col(Deal.id).desc())
        .limit(limit)
    ).all()
    return _cards_for(session, deals, now)


def _teams(session: Session, deal: Deal, terms: DealTerms, now: datetime) -> list[TeamView]:
    teams = session.exec(
        select(Team)
        .where(Team.deal_id == deal.id, col(Team.status) != TeamStatus.EXPIRED.value)
        .order_by(col(Team.created_at), col(Team.id))
    ).all()
    if not teams:
        return []
    rows = session.exec(
        select(Participation.team_id, User)
        .join(User, col(User.id) == col(Participation.user_id))
        .where(
            col(Participation.team_id).in_([t.id for t in teams]),
            col(Participation.status).in_((*ACTIVE_PARTICIPATION, ParticipationStatus.CAPTURED)),
        )
        .order_by(col(Participation.id))
    ).all()
    members: dict[int, list[MemberView]] = {}
    leaders = {
        u.id: u.display_name
        for u in session.exec(select(User).where(col(User.id).in_([t.leader_id for t in teams])))
    }
    for team_id, user in rows:
        members.setdefault(int(team_id or 0), []).append(
            MemberView(
                user.id or 0,
                user.display_name,
                initials(user.display_name),
                avatar_colour(user.id or 0),
            )
        )
    views = []
    for team in teams:
        status = team.status
        if status == TeamStatus.FORMING:
            status = team_status(
                team.size, team.members, as_utc(team.created_at), now, terms.deadline
            ).value
        views.append(
            TeamView(
                id=team.id or 0,
                leader_name=leaders.get(team.leader_id, "A shopper"),
                size=team.size,
                member_count=team.members,
                spots_left=max(0, team.size - team.members),
                members=members.get(team.id or 0, []),
                status=status,
                status_label=TEAM_LABELS[status],
                expires_at=_iso(team.expires_at),
            )
        )
    return views


def read_deal_page(session: Session, deal_id: int, now: datetime) -> DealPage | None:
    """One deal as its page shows it, or None when there is no such deal."""
    deal = session.get(Deal, deal_id)
    if deal is None:
        return None
    cards = _cards_for(session, [deal], now)
    if not cards:
        return None
    card = cards[0]
    product = session.get(Product, deal.product_id)
    terms = terms_of(deal)
    count = card.participants
    current = price_for(terms, count)
    tiers = [
        TierView(
            min_participants=t.min_participants,
            label="1 shopper" if t.min_participants == 1 else f"{t.min_participants}+ shoppers",
            price=format_minor(t.unit_price, terms.currency),
            reached=count >= t.min_participants,
            current=t.unit_price == current,
        )
        for t in terms.tiers
    ]
    final_price = ""
    if deal.outcome == CloseOutcome.CAPTURE and deal.final_participants is not None:
        final_price = format_minor(price_for(terms, deal.final_participants), terms.currency)
    return DealPage(
        card=card,
        tiers=tiers,
        has_teams=terms.team_size is not None and terms.team_price is not None,
        team_size=terms.team_size or 0,
        team_price=format_minor(terms.team_price, terms.currency) if terms.team_price else "",
        teams=_teams(session, deal, terms, now),
        max_quantity=terms.max_quantity_per_shopper,
        saves_card=deal.payment_mode == PaymentMode.SAVED_CARD.value,
        final_price=final_price,
        version=deal.version,
        currency=terms.currency,
        description=(product.description if product else "")[:600],
    )


def cards_for_product(session: Session, product_id: int, now: datetime) -> list[DealCard]:
    """The product's deals that are still open (its product page shows their cards)."""
    deals = session.exec(
        select(Deal)
        .where(
            Deal.product_id == product_id,
            col(Deal.status).in_(_LIVE),
            col(Deal.kind) == DealKind.GROUP_BUY,
        )
        .order_by(col(Deal.deadline))
    ).all()
    return _cards_for(session, deals, now)


def product_id_for(session: Session, key: str) -> int | None:
    """A product page's key (slug or numeric id) to the product's id."""
    product_id = parse_id(key)
    if product_id is None and not could_be_slug(key):
        return None
    condition = Product.id == product_id if product_id is not None else Product.slug == key
    return session.exec(select(Product.id).where(condition)).first()


def my_seat(session: Session, deal_id: int, user_id: int) -> MySeat:
    """Where one shopper stands in one deal."""
    part = session.exec(
        select(Participation).where(
            Participation.deal_id == deal_id, Participation.user_id == user_id
        )
    ).first()
    deal = session.get(Deal, deal_id)
    if part is None or deal is None:
        return NO_SEAT
    return seat_of(deal, part)


def seat_of(deal: Deal, part: Participation) -> MySeat:
    """A shopper's seat from the rows a use case already holds (no query)."""
    currency = deal.currency
    quantity = max(part.quantity, 1)
    locked = (part.authorized_amount or 0) // quantity
    status = part.status
    message = SEAT_MESSAGES.get(status, "")
    if status == ParticipationStatus.FAILED and part.failure_code == "card_declined":
        message = "Your card was declined, so you're not in this deal. Try another card."
    elif status == ParticipationStatus.RELEASED and deal.status == DealStatus.FAILED:
        message = "This deal did not unlock. The hold on your card was released: no charge."
    elif status == ParticipationStatus.CAPTURED:
        paid = format_minor(part.captured_amount or 0, currency)
        message = "You bought this deal. " + money_message(MoneyState.CAPTURED, amount=paid)
    elif status == ParticipationStatus.RELEASED and deal.outcome == CloseOutcome.CAPTURE:
        message = "Your team didn't fill in time, so the hold on your card was released."
    return MySeat(
        status=status,
        message=message,
        quantity=part.quantity,
        locked_price=format_minor(locked, currency) if locked else "",
        hold_amount=format_minor(part.authorized_amount or 0, currency),
        charged=format_minor(part.captured_amount or 0, currency),
        team_id=part.team_id or 0,
        active=status in ACTIVE_PARTICIPATION,
        joined_when_closed=status in (ParticipationStatus.CAPTURED, ParticipationStatus.RELEASED)
        and deal.status in (DealStatus.SUCCEEDED, DealStatus.FAILED),
    )


def host_form(session: Session, role: str) -> HostForm:
    """What the deal form offers a user: nothing unless their role may host deals."""
    if not may_host(role):
        return HostForm(allowed=False)
    products = session.exec(
        select(Product).where(col(Product.archived).is_(False)).order_by(col(Product.title))
    ).all()
    return HostForm(
        allowed=True,
        products=[
            ProductChoice(p.id or 0, p.title, format_minor(p.price_amount, p.currency), p.currency)
            for p in products
        ],
    )

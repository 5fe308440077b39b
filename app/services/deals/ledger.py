"""A deal's public ledger: every participation the count includes, and every price change, so
anyone can check the number on the deal page.

The ledger is built by the same counting rule as the page (app/domain/group_buy.py `standing`)
while the deal is open, and from the seats the closing job counted once it closed, so the count
shown always equals the ledger's length. Names: the viewer themself, first name and initial for
the viewer's friends, "a shopper" for everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, or_, select

from app.adapters.db.models_deals import Deal, DealPriceChange, Participation, Team
from app.adapters.db.models_people import Friendship, User
from app.domain.clock import as_utc
from app.domain.group_buy import SeatFacts, Standing, TeamStatus, standing
from app.domain.money import format_minor
from app.domain.people import short_name
from app.services.context import Context
from app.services.deals.records import terms_of
from app.services.deals.views import DealCard, read_deal_page

ANONYMOUS = "A shopper"


@dataclass(frozen=True)
class LedgerEntry:
    at: str  # ISO 8601 UTC
    at_text: str
    kind: str  # "joined" or "price"
    text: str


@dataclass(frozen=True)
class DealLedger:
    """`joined` entries are exactly the participations in `card.participants`."""

    card: DealCard
    joined: int
    entries: list[LedgerEntry] = field(default_factory=list)


def _iso(moment: datetime) -> str:
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(moment: datetime) -> str:
    return as_utc(moment).strftime("%d %b, %H:%M:%S UTC")


def _friends_of(session: Session, viewer_id: int | None) -> set[int]:
    if not viewer_id:
        return set()
    rows = session.exec(
        select(Friendship).where(
            or_(Friendship.user_low == viewer_id, Friendship.user_high == viewer_id)
        )
    ).all()
    return {r.user_high if r.user_low == viewer_id else r.user_low for r in rows}


def _counted(session: Session, deal: Deal) -> list[tuple[Participation, User, datetime]]:
    """The participations the deal's count includes, each with the moment it started to count."""
    rows = session.exec(
        select(Participation, User, Team)
        .join(User, col(User.id) == col(Participation.user_id))
        .outerjoin(Team, col(Team.id) == col(Participation.team_id))
        .where(Participation.deal_id == deal.id)
    ).all()
    closed = deal.final_participants is not None
    counted = []
    for part, user, team in rows:
        if closed:
            included = part.counted_at_close
        else:
            filled = None if team is None else team.status == TeamStatus.FILLED.value
            included = standing(SeatFacts(part.status, filled)) is Standing.JOINED
        if not included:
            continue
        since = as_utc(part.confirmed_at or part.updated_at)
        if team is not None and team.filled_at is not None:
            since = max(since, as_utc(team.filled_at))  # a team member counts once it filled
        counted.append((part, user, since))
    return counted


def deal_ledger(ctx: Context, viewer_id: int | None, deal_id: int) -> DealLedger | None:
    """A deal's public ledger as this viewer sees it (None: no such deal)."""
    with ctx.uow() as uow:
        session = uow.session
        page = read_deal_page(session, deal_id, as_utc(ctx.now()))
        deal = session.get(Deal, deal_id)
        if page is None or deal is None:
            return None
        terms = terms_of(deal)
        friends = _friends_of(session, viewer_id)
        timeline: list[tuple[datetime, int, LedgerEntry]] = []
        opened = as_utc(deal.created_at)
        first = format_minor(terms.tiers[0].unit_price, terms.currency)
        timeline.append(
            (
                opened,
                0,
                LedgerEntry(_iso(opened), _text(opened), "price", f"Opened at {first} each"),
            )
        )
        counted = _counted(session, deal)
        for _part, user, since in counted:
            if user.id == viewer_id:
                who = "You"
            elif user.id in friends:
                who = short_name(user.display_name)
            else:
                who = ANONYMOUS
            timeline.append(
                (since, 1, LedgerEntry(_iso(since), _text(since), "joined", f"{who} joined"))
            )
        changes = session.exec(
            select(DealPriceChange)
            .where(DealPriceChange.deal_id == deal_id)
            .order_by(col(DealPriceChange.id))
        ).all()
        for change in changes:
            at = as_utc(change.changed_at)
            price = format_minor(change.unit_price, terms.currency)
            noun = "shopper" if change.joined == 1 else "shoppers"
            text = f"Price now {price} each ({change.joined} {noun} in)"
            timeline.append((at, 2, LedgerEntry(_iso(at), _text(at), "price", text)))
        timeline.sort(key=lambda item: (item[0], item[1]))
        return DealLedger(
            card=page.card, joined=len(counted), entries=[entry for *_, entry in timeline]
        )

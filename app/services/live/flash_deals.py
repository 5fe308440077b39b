"""Flash deals: short group-buy deals a host launches from the stream, and viewers joining them.

A flash deal is a real deal of the deal service; the live session only links to it and shows
it with its countdown. Deal news reaches the session's viewers through the deal relay
(app/realtime/deal_relay.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from app.adapters.db.models import Product
from app.adapters.db.models_deals import Deal, Participation
from app.adapters.db.models_live import LiveSessionDeal
from app.adapters.payments.gateway import PaymentError
from app.domain.clock import as_utc
from app.domain.events import EventKind
from app.domain.group_buy import (
    ACTIVE_PARTICIPATION,
    CloseOutcome,
    DealStatus,
    ParticipationStatus,
    is_unlocked,
    price_for,
    status_at,
)
from app.domain.live import FlashDealRequest, SessionStatus, flash_deal_terms, validate_flash_deal
from app.domain.money import format_minor
from app.domain.payments import SandboxCard
from app.services import deals
from app.services.context import Context
from app.services.live.errors import LiveError, LiveValidationError
from app.services.live.records import (
    bump,
    iso,
    live_event,
    load_row,
    require_runner,
    session_products,
)
from app.services.live.views import LiveDealView

_ENDED = (DealStatus.SUCCEEDED, DealStatus.FAILED, DealStatus.CANCELLED)
_JOINABLE = (DealStatus.OPEN, DealStatus.UNLOCKED)


def launch_flash_deal(
    ctx: Context, actor_id: int, session_id: int, request: FlashDealRequest
) -> int:
    """Open a group-buy deal on a session product with a short deadline, from the stream.

    Checks the caller may run the session and that it is live, opens the deal through the deal
    service and links it to the session, in one transaction (viewers see it with its
    countdown). Returns the deal id. LiveValidationError for bad console values."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        live = load_row(uow.session, session_id)
        require_runner(uow.session, live, actor_id)
        if live.status != SessionStatus.LIVE:
            raise LiveError("Flash deals can be launched while the session is live.", "not_live")
        errors = validate_flash_deal(request, session_products(uow.session, session_id))
        if errors:
            raise LiveValidationError(errors)
        product = uow.session.get(Product, request.product_id)
        assert product is not None
        terms = flash_deal_terms(product.price_amount, product.currency, request, now)
        try:
            deal_id = deals.open_deal_in(uow, actor_id, request.product_id, terms, now)
        except deals.DealValidationError as error:
            raise LiveValidationError(error.field_errors) from error
        except deals.NotAllowed as error:  # a moderator runs the session but opens no deals
            raise LiveError(str(error), "not_a_host") from error
        uow.session.add(
            LiveSessionDeal(deal_id=deal_id, session_id=session_id, launched_by=actor_id)
        )
        version = bump(uow.session, session_id)
        assert version is not None
        uow.record(live_event(session_id, version, EventKind.LIVE_DEAL_LAUNCHED, deal_id=deal_id))
        return deal_id


class StreamJoinStatus(StrEnum):
    JOINED = "joined"  # the card is held
    NEEDS_ACTION = "needs_action"  # the bank wants 3-D Secure: the deal page asks for it
    DEAL_PAGE = "deal_page"  # no test card here: the deal page collects the card


@dataclass(frozen=True)
class StreamJoin:
    """How joining from the stream went."""

    deal_id: int
    status: StreamJoinStatus


def stream_pays(ctx: Context) -> bool:
    """Whether viewers join flash deals right from the stream (with a sandbox test card)."""
    return ctx.payments.sandbox is not None


def join_flash_deal(
    ctx: Context, actor_id: int, deal_id: int, address: str | None = None
) -> StreamJoin:
    """Join a flash deal from the stream with the sandbox's approved test card. Without the
    local test server there is no card to use here: the shopper goes to the deal page.
    LiveError with the deal's or the bank's message when refused (the allowances are
    `join_deal`'s)."""
    if not stream_pays(ctx):
        return StreamJoin(deal_id, StreamJoinStatus.DEAL_PAGE)
    try:
        result = deals.join_deal(
            ctx, actor_id, deal_id, 1, sandbox_card=SandboxCard.SUCCESS, address=address
        )
    except deals.JoinError as error:
        raise LiveError(error.message, "join_refused") from error
    except PaymentError as error:
        raise LiveError(error.user_message, "payment_failed") from error
    if result.status == ParticipationStatus.NEEDS_ACTION:
        return StreamJoin(deal_id, StreamJoinStatus.NEEDS_ACTION)
    return StreamJoin(deal_id, StreamJoinStatus.JOINED)


def session_of_deal(ctx: Context, deal_id: int) -> int | None:
    """The live session a deal was launched in, if any."""
    with ctx.session() as session:
        link = session.get(LiveSessionDeal, deal_id)
        return link.session_id if link else None


def joined_deal_ids(session: Session, deal_ids: list[int], user_id: int) -> list[int]:
    """Which of these deals the user is in (seat taken, card held or on its way)."""
    if not deal_ids:
        return []
    rows = session.exec(
        select(Participation.deal_id).where(
            col(Participation.deal_id).in_(deal_ids),
            Participation.user_id == user_id,
            col(Participation.status).in_(ACTIVE_PARTICIPATION),
        )
    ).all()
    return sorted(int(r) for r in rows)


def _outcome(deal: Deal) -> CloseOutcome | None:
    if deal.status in _ENDED and deal.outcome:
        return CloseOutcome(deal.outcome)
    return None


def deal_views(
    session: Session, session_id: int, products: dict[int, Product], now: datetime
) -> list[LiveDealView]:
    """The session's deals, newest first, as every viewer sees them now."""
    rows = session.exec(
        select(Deal)
        .join(LiveSessionDeal, col(LiveSessionDeal.deal_id) == col(Deal.id))
        .where(LiveSessionDeal.session_id == session_id)
        .order_by(col(Deal.id).desc())
    ).all()
    views = []
    # Honest counts: confirmed holds only, by the deals' one rule (app/domain/group_buy.py).
    counts = deals.deal_counts(session, [d.id or 0 for d in rows])
    for deal in rows:
        deal = session.get(Deal, deal.id, populate_existing=True) or deal
        terms = deals.terms_of(deal)
        joined = (
            deal.final_participants
            if deal.final_participants is not None
            else counts[deal.id or 0].joined
        )
        status = (
            DealStatus.CLOSING.value
            if deal.status == DealStatus.CLOSING
            else status_at(terms, joined, now, _outcome(deal)).value
        )
        product = products.get(deal.product_id) or session.get(Product, deal.product_id)
        regular = product.price_amount if product else terms.tiers[0].unit_price
        views.append(
            LiveDealView(
                id=deal.id or 0,
                product_id=deal.product_id,
                product_title=product.title if product else "",
                status=status,
                joinable=status in _JOINABLE,
                participants=joined,
                min_to_unlock=deal.min_to_unlock,
                unlocked=is_unlocked(terms, joined),
                current_price=format_minor(price_for(terms, joined), deal.currency),
                full_price=format_minor(terms.tiers[-1].unit_price, deal.currency),
                regular_price=format_minor(regular, deal.currency),
                deadline=iso(terms.deadline),
                progress=min(100, joined * 100 // max(deal.min_to_unlock, 1)),
            )
        )
    return views

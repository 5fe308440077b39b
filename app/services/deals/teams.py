"""Teams ("buy with friends"): start one, join a friend's, and let unfilled ones expire.

A team that fills within its window (24 h, or the deadline if sooner) pays the team price; a team
that does not is expired and its members' holds are released: nobody in it is charged.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select

from app.adapters.db.models_deals import Deal, Participation, Team
from app.domain.clock import as_utc
from app.domain.events import EventKind
from app.domain.group_buy import ACTIVE_PARTICIPATION, DealStatus, TeamStatus
from app.domain.payments import SandboxCard
from app.services.context import Context
from app.services.deals.errors import JoinError
from app.services.deals.joining import NEW_TEAM, JoinResult, join
from app.services.deals.records import (
    NO_SYNC,
    bump,
    count_of,
    deal_payload,
    load_deal,
    record,
    terms_of,
)
from app.services.deals.seats import release_participation


def start_team(
    ctx: Context,
    actor_id: int,
    deal_id: int,
    quantity: int,
    payment_method: str | None = None,
    *,
    sandbox_card: SandboxCard | None = None,
    address: str | None = None,
) -> JoinResult:
    """Join a deal as the leader of a new team; friends who join it within the team window
    (24 h, or the deadline if sooner) all pay the team price once it fills. Paying (and the
    allowances) as in `join_deal`."""
    return join(
        ctx,
        actor_id,
        deal_id,
        quantity,
        payment_method,
        sandbox_card,
        team=NEW_TEAM,
        address=address,
    )


def join_team(
    ctx: Context,
    actor_id: int,
    team_id: int,
    quantity: int,
    payment_method: str | None = None,
    *,
    sandbox_card: SandboxCard | None = None,
    address: str | None = None,
) -> JoinResult:
    """Join a friend's team (and so its deal). Refused with a clear message when the team is
    already complete or ran out of time. Paying (and the allowances) as in `join_deal`."""
    with ctx.uow() as uow:
        team = uow.session.get(Team, team_id)
        if team is None:
            raise JoinError("We couldn't find that team.", "not_found")
        deal_id = team.deal_id
    return join(
        ctx,
        actor_id,
        deal_id,
        quantity,
        payment_method,
        sandbox_card,
        team=team_id,
        address=address,
    )


def expire_overdue_teams(ctx: Context) -> list[int]:
    """Teams that did not fill within their window: mark them expired and release their
    members' holds (nobody in such a team is charged). Returns the user ids released.

    Safe to run from several processes at once and again after a crash: the expiry is a
    conditional UPDATE and each release is recorded once; a release that could not reach the
    provider is retried on the next run."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        session = uow.session
        expired = session.exec(
            update(Team)
            .where(col(Team.status) == TeamStatus.FORMING, col(Team.expires_at) <= now)
            .values(status=TeamStatus.EXPIRED)
            .returning(col(Team.deal_id)),
            execution_options=NO_SYNC,
        ).all()
        for deal_id in sorted({int(row[0]) for row in expired}):
            bumped = bump(session, deal_id)
            deal = load_deal(session, deal_id)
            if bumped is not None:
                record(
                    uow,
                    deal_id,
                    bumped[1],
                    EventKind.DEAL_TEAM_EXPIRED,
                    deal_payload(terms_of(deal), count_of(session, deal_id)),
                )
        # Members of expired teams whose deal is still open; a closing deal releases its own.
        members = list(
            session.exec(
                select(Participation)
                .join(Team, col(Team.id) == col(Participation.team_id))
                .join(Deal, col(Deal.id) == col(Participation.deal_id))
                .where(
                    col(Team.status) == TeamStatus.EXPIRED,
                    col(Participation.status).in_(ACTIVE_PARTICIPATION),
                    col(Deal.status) == DealStatus.OPEN,
                )
                .order_by(col(Participation.id))
            ).all()
        )
    released: list[int] = []
    for part in members:
        if release_participation(ctx, part, "team_expired", now):
            released.append(part.user_id)
    return released

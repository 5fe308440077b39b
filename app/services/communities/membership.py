"""Joining and leaving a community, its founders, and naming its hosts."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, delete, select, update

from app.adapters.db.cart_statements import insert_ignoring_conflicts
from app.adapters.db.models_community import CommunityMember
from app.domain import communities as rules
from app.domain.communities import HOST, MEMBER, CommunityRefused
from app.domain.events import EventKind
from app.domain.throttle import Rate
from app.services import rate_limits
from app.services.allowances import spend
from app.services.communities.access import (
    find,
    may_appoint,
    membership,
    record_news,
    signed_in,
)
from app.services.console.audit import note
from app.services.context import Context
from app.services.unit_of_work import UnitOfWork

JOIN_ACTION = "community_join"
# A person joins JOINS_PER_HOUR (20, the database window) and leaves only what they joined; an
# address, five people's worth of each, so many accounts from one place cannot keep a community's
# page redrawing for everyone on it.
JOINS_PER_ADDRESS = Rate("community.join.address", limit=5 * rules.JOINS_PER_HOUR, seconds=3600)
LEAVES_PER_ADDRESS = Rate("community.leave.address", limit=5 * rules.JOINS_PER_HOUR, seconds=3600)


def join_community(
    ctx: Context, actor_id: int | None, community_id: int, address: str | None = None
) -> bool:
    """Become a member (joined now); False if they already were (joining twice is one row).
    CommunityRefused (not joined) when they or their address join too often."""
    now = ctx.now()
    with ctx.uow() as uow:
        who = signed_in(uow.session, actor_id, "join a community")
        find(uow.session, community_id)
        if membership(uow.session, community_id, who.id) is not None:
            return False
        # Each join redraws the page for everyone on it: joining and leaving in a loop is capped.
        rate_limits.stamp(
            uow.session,
            who.id or 0,
            JOIN_ACTION,
            limit=rules.JOINS_PER_HOUR,
            window=timedelta(hours=1),
            now=now,
            refuse=CommunityRefused,
        )
        values = {
            "community_id": community_id, "user_id": who.id, "role": MEMBER, "joined_at": now,
        }  # fmt: skip
        if not insert_ignoring_conflicts(uow.session, CommunityMember, values):
            return False
        record_news(uow, community_id, EventKind.COMMUNITY_MEMBERS_CHANGED, now, user_id=who.id)
        spend(ctx, CommunityRefused, (JOINS_PER_ADDRESS, address))
        return True


def leave_community(
    ctx: Context, actor_id: int | None, community_id: int, address: str | None = None
) -> bool:
    """Stop being a member; False if they were not one. The creator stays (it is theirs).
    CommunityRefused (still a member) when their address leaves too often."""
    now = ctx.now()
    with ctx.uow() as uow:
        who = signed_in(uow.session, actor_id, "leave a community")
        community = find(uow.session, community_id)
        if community.created_by == who.id:
            raise CommunityRefused("You started this community, so you stay in it.")
        gone = uow.session.exec(
            delete(CommunityMember).where(
                col(CommunityMember.community_id) == community_id,
                col(CommunityMember.user_id) == who.id,
            )
        )
        if gone.rowcount != 1:
            return False
        record_news(uow, community_id, EventKind.COMMUNITY_MEMBERS_CHANGED, now, user_id=who.id)
        spend(ctx, CommunityRefused, (LEAVES_PER_ADDRESS, address))
        return True


def set_host(
    ctx: Context, actor_id: int | None, community_id: int, user_id: int, host: bool = True
) -> None:
    """The creator (or an admin) makes a member a host of the community, or a member again."""
    now = ctx.now()
    with ctx.uow() as uow:
        who = signed_in(uow.session, actor_id, "name hosts")
        community = find(uow.session, community_id)
        if not may_appoint(community, who):
            raise CommunityRefused("Only the community's creator or an admin names its hosts.")
        if user_id == community.created_by:
            raise CommunityRefused("The creator always hosts their community.")
        if membership(uow.session, community_id, user_id) is None:
            raise CommunityRefused("Only members can host a community.")
        uow.session.exec(
            update(CommunityMember)
            .where(
                col(CommunityMember.community_id) == community_id,
                col(CommunityMember.user_id) == user_id,
            )
            .values(role=HOST if host else MEMBER)
            .execution_options(synchronize_session=False)
        )
        record_news(uow, community_id, EventKind.COMMUNITY_MEMBERS_CHANGED, now, user_id=user_id)
        action = "community.host" if host else "community.unhost"
        note(uow, who.id or 0, action, f"user {user_id} in {community.slug}")


def founding_member_ids(
    uow: UnitOfWork, community_id: int, count: int = rules.FOUNDING_MEMBERS
) -> list[int]:
    """The community's founding members: the first `count` members still in it, by when
    they joined (for the "founding member" badge)."""
    return founders(uow.session, community_id, count)


def founders(session: Session, community_id: int, count: int = rules.FOUNDING_MEMBERS) -> list[int]:
    """`founding_member_ids` inside a caller's session."""
    rows = session.exec(
        select(CommunityMember.user_id, CommunityMember.joined_at)
        .where(CommunityMember.community_id == community_id)
        .order_by(col(CommunityMember.joined_at), col(CommunityMember.user_id))
        .limit(count)
    ).all()
    return rules.founding([(int(uid), joined) for uid, joined in rows], count)

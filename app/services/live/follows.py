"""Following hosts, to see on /live when one of them is live."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, func, select

from app.adapters.db.models_live import HostFollow
from app.adapters.db.models_people import User
from app.domain.people import may_host
from app.services.context import Context
from app.services.live.errors import LiveError


def follow_host(ctx: Context, actor_id: int, host_id: int) -> bool:
    """Follow a host to see when they are live. True if newly followed; twice is harmless."""
    if actor_id == host_id:
        raise LiveError("You can't follow yourself.", "self_follow")
    with ctx.uow() as uow:
        session = uow.session
        host = session.get(User, host_id)
        if host is None or not may_host(host.role):
            raise LiveError("Only hosts can be followed.", "not_a_host")
        if session.get(HostFollow, (actor_id, host_id)) is not None:
            return False
        try:
            with session.begin_nested():
                session.add(HostFollow(follower_id=actor_id, host_id=host_id))
        except IntegrityError:  # followed at the same moment in another tab
            return False
        return True


def unfollow_host(ctx: Context, actor_id: int, host_id: int) -> bool:
    """Stop following; True if they were following."""
    with ctx.uow() as uow:
        result = uow.session.exec(
            delete(HostFollow).where(
                col(HostFollow.follower_id) == actor_id, col(HostFollow.host_id) == host_id
            )
        )
        return bool(result.rowcount)


def followed_host_ids(session: Session, user_id: int) -> list[int]:
    """The hosts a user follows, inside a caller's session."""
    rows = session.exec(select(HostFollow.host_id).where(HostFollow.follower_id == user_id))
    return sorted(int(r) for r in rows.all())


def following(ctx: Context, viewer_id: int) -> list[int]:
    """The hosts this user follows."""
    with ctx.session() as session:
        return followed_host_ids(session, viewer_id)


def follower_count(ctx: Context, host_id: int) -> int:
    """How many shoppers follow this host."""
    with ctx.session() as session:
        count = session.exec(
            select(func.count()).select_from(HostFollow).where(HostFollow.host_id == host_id)
        ).one()
        return int(count)

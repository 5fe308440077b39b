"""Friends: invite codes and links, accepting or declining, listing and removing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, or_, select

from app.adapters.db.models_people import FriendInvite, Friendship, User
from app.domain.events import DomainEvent
from app.domain.people import new_invite_code, normalise_invite_code
from app.services.accounts import UserView, as_utc, user_view

INVITE_LIFETIME = timedelta(days=14)


class FriendError(ValueError):
    """A friend action we refuse, with a message fit for the person."""


@dataclass(frozen=True)
class InviteView:
    code: str
    inviter: UserView
    expires_at: str


def friends_changed(user_id: int, other_id: int, kind: str) -> DomainEvent:
    """News for one person's friend list; lists are small, so watchers simply reload."""
    return DomainEvent("friends", str(user_id), 0, kind, {"other": other_id})


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def current_invite(session: Session, user_id: int) -> FriendInvite:
    """The user's live invite, made on first ask; one code per person keeps sharing simple."""
    now = datetime.now(UTC)
    invites = session.exec(
        select(FriendInvite)
        .where(FriendInvite.inviter_id == user_id)
        .order_by(col(FriendInvite.created_at).desc())
    ).all()
    for invite in invites:
        if as_utc(invite.expires_at) > now + timedelta(days=1):
            return invite
    for _ in range(5):
        invite = FriendInvite(
            code=new_invite_code(), inviter_id=user_id, expires_at=now + INVITE_LIFETIME
        )
        try:
            with session.begin_nested():
                session.add(invite)
            return invite
        except IntegrityError:  # a code collision: draw another
            continue
    raise RuntimeError("could not draw a unique invite code")


def find_invite(session: Session, raw_code: str) -> InviteView:
    """The invite behind a code or raise FriendError explaining why it cannot be used."""
    code = normalise_invite_code(raw_code)
    if code is None:
        raise FriendError("That doesn't look like an invite code. Codes have 8 letters and digits.")
    invite = session.exec(select(FriendInvite).where(FriendInvite.code == code)).first()
    if invite is None:
        raise FriendError("We don't know that invite code. Check it with your friend.")
    if as_utc(invite.expires_at) <= datetime.now(UTC):
        raise FriendError("That invite has expired. Ask your friend for a new one.")
    inviter = session.get(User, invite.inviter_id)
    assert inviter is not None
    return InviteView(code, user_view(inviter), as_utc(invite.expires_at).date().isoformat())


def are_friends(session: Session, a: int, b: int) -> bool:
    low, high = _pair(a, b)
    return session.get(Friendship, (low, high)) is not None


def accept_invite(session: Session, user_id: int, raw_code: str) -> UserView:
    """Become friends with the inviter. Accepting twice is harmless."""
    invite = find_invite(session, raw_code)
    if invite.inviter.id == user_id:
        raise FriendError("That's your own invite. Share it with a friend instead.")
    low, high = _pair(user_id, invite.inviter.id)
    if session.get(Friendship, (low, high)) is None:
        try:
            with session.begin_nested():
                session.add(Friendship(user_low=low, user_high=high))
        except IntegrityError:  # accepted at the same moment in another tab
            pass
    return invite.inviter


def list_friends(session: Session, user_id: int) -> list[UserView]:
    rows = session.exec(
        select(Friendship).where(
            or_(Friendship.user_low == user_id, Friendship.user_high == user_id)
        )
    ).all()
    ids = [r.user_high if r.user_low == user_id else r.user_low for r in rows]
    if not ids:
        return []
    users = session.exec(select(User).where(col(User.id).in_(ids))).all()
    return sorted((user_view(u) for u in users), key=lambda u: u.name.lower())


def remove_friend(session: Session, user_id: int, friend_id: int) -> bool:
    """End a friendship from either side; True if there was one."""
    low, high = _pair(user_id, friend_id)
    result = session.exec(
        delete(Friendship).where(col(Friendship.user_low) == low, col(Friendship.user_high) == high)
    )
    return bool(result.rowcount)

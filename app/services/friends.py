"""Friends: invite codes and links, accepting or declining, listing and removing.

`are_friends` and `list_friends` take a session: other services (carts, watch parties) check
friendship inside their own unit of work. Everything else is a use case taking the context.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, or_, select, update

from app.adapters.db.models_people import FriendInvite, Friendship, User
from app.domain.clock import as_utc
from app.domain.events import DomainEvent, EventKind
from app.domain.people import new_invite_code, normalise_invite_code
from app.domain.throttle import Rate
from app.routes import friends_url
from app.services.accounts import PersonView, person_view
from app.services.allowances import spend
from app.services.code_attempts import code_look_up
from app.services.context import Context
from app.services.notifications import NotificationKind, notify
from app.services.unit_of_work import UnitOfWork

INVITE_LIFETIME = timedelta(days=14)
# A new invite code now and then (a link was shared too widely) is normal; drawing codes in a
# loop is not. An address, five people's worth.
NEW_CODES_PER_PERSON = Rate("friend.invite.person", limit=10, seconds=3600)
NEW_CODES_PER_ADDRESS = Rate("friend.invite.address", limit=50, seconds=3600)
# Each accepted invite makes a friendship and tells the inviter: a person accepts 20 an hour
# (a new member catching up with everyone they know); an address, five people's worth, so many
# accounts from one place cannot flood an inviter. Refused accepts also spend a code attempt.
ACCEPTS_PER_PERSON = Rate("friend.accept.person", limit=20, seconds=3600)
ACCEPTS_PER_ADDRESS = Rate("friend.accept.address", limit=100, seconds=3600)


class FriendError(ValueError):
    """A friend action we refuse, with a message fit for the person."""


@dataclass(frozen=True)
class InviteView:
    code: str
    inviter: PersonView
    expires_at: str


@dataclass(frozen=True)
class FriendsPage:
    """/friends: the viewer's own invite code and their friends."""

    invite_code: str
    friends: list[PersonView]


@dataclass(frozen=True)
class InvitePage:
    """/friends/invite/<code>: who invites, and whether the viewer is their friend already."""

    invite: InviteView
    already_friends: bool


def friends_changed(user_id: int, other_id: int, kind: EventKind) -> DomainEvent:
    """News for one person's friend list; lists are small, so watchers simply reload."""
    return DomainEvent("friends", str(user_id), 0, kind, {"other": other_id})


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _current_invite(session: Session, user_id: int, now: datetime) -> FriendInvite:
    """The user's live invite, made on first ask; one code per person keeps sharing simple."""
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


def rotate_invite(ctx: Context, actor_id: int, address: str | None = None) -> InviteView:
    """Replace the person's invite code: every code they handed out before stops working.
    FriendError (the old code still works) when they or their address do it too often."""
    with ctx.uow() as uow:
        session, now = uow.session, ctx.now()
        session.exec(
            update(FriendInvite)
            .where(col(FriendInvite.inviter_id) == actor_id, col(FriendInvite.expires_at) > now)
            .values(expires_at=now)
        )
        view = _invite_view(session, _current_invite(session, actor_id, now))
        spend(ctx, FriendError, (NEW_CODES_PER_PERSON, actor_id), (NEW_CODES_PER_ADDRESS, address))
        return view


def _invite_view(session: Session, invite: FriendInvite) -> InviteView:
    inviter = session.get(User, invite.inviter_id)
    assert inviter is not None
    return InviteView(
        invite.code, person_view(inviter), as_utc(invite.expires_at).date().isoformat()
    )


def _find_invite(session: Session, raw_code: str, now: datetime) -> InviteView:
    code = normalise_invite_code(raw_code)
    if code is None:
        raise FriendError(
            "That doesn't look like an invite code. Codes have 12 letters and digits."
        )
    invite = session.exec(select(FriendInvite).where(FriendInvite.code == code)).first()
    if invite is None:
        raise FriendError("We don't know that invite code. Check it with your friend.")
    if as_utc(invite.expires_at) <= now:
        raise FriendError("That invite has expired. Ask your friend for a new one.")
    return _invite_view(session, invite)


def current_invite(ctx: Context, actor_id: int) -> InviteView:
    """The user's invite code, made on first ask (a fresh one shortly before it expires)."""
    with ctx.uow() as uow:
        return _invite_view(uow.session, _current_invite(uow.session, actor_id, ctx.now()))


def find_invite(
    ctx: Context, raw_code: str, viewer_id: int | None = None, address: str | None = None
) -> InviteView:
    """The invite behind a code or raise FriendError explaining why it cannot be used."""
    with code_look_up(ctx, viewer_id, address, FriendError, FriendError), ctx.session() as session:
        return _find_invite(session, raw_code, ctx.now())


def are_friends(session: Session, a: int, b: int) -> bool:
    """Whether two people are friends, inside a caller's session."""
    low, high = _pair(a, b)
    return session.get(Friendship, (low, high)) is not None


def list_friends(session: Session, user_id: int) -> list[PersonView]:
    """The user's friends by name."""
    rows = session.exec(
        select(Friendship).where(
            or_(Friendship.user_low == user_id, Friendship.user_high == user_id)
        )
    ).all()
    ids = [r.user_high if r.user_low == user_id else r.user_low for r in rows]
    if not ids:
        return []
    users = session.exec(select(User).where(col(User.id).in_(ids))).all()
    return sorted((person_view(u) for u in users), key=lambda u: u.name.lower())


def friends_of(ctx: Context, viewer_id: int) -> list[PersonView]:
    """The viewer's friends by name (what their list redraws from)."""
    with ctx.session() as session:
        return list_friends(session, viewer_id)


def friends_page(ctx: Context, viewer_id: int) -> FriendsPage:
    """/friends in one visit: the viewer's invite code (made on first ask) and friends."""
    with ctx.uow() as uow:
        invite = _current_invite(uow.session, viewer_id, ctx.now())
        return FriendsPage(invite.code, list_friends(uow.session, viewer_id))


def invite_page(
    ctx: Context, viewer_id: int | None, raw_code: str, address: str | None = None
) -> InvitePage:
    """/friends/invite/<code>: FriendError when the code cannot be used. The page asks the
    visitor to confirm before anything changes (accept_invite)."""
    with code_look_up(ctx, viewer_id, address, FriendError, FriendError), ctx.session() as session:
        invite = _find_invite(session, raw_code, ctx.now())
        already = viewer_id is not None and are_friends(session, viewer_id, invite.inviter.id)
        return InvitePage(invite, already)


def accept_invite(
    ctx: Context, actor_id: int, raw_code: str, address: str | None = None
) -> PersonView:
    """Become friends with the inviter, whose list then redraws. Accepting twice is harmless.
    FriendError (no friendship) when the code is wrong or the person or their address accepts
    too often."""
    with code_look_up(ctx, actor_id, address, FriendError, FriendError), ctx.uow() as uow:
        session = uow.session
        invite = _find_invite(session, raw_code, ctx.now())
        if invite.inviter.id == actor_id:
            raise FriendError("That's your own invite. Share it with a friend instead.")
        low, high = _pair(actor_id, invite.inviter.id)
        if session.get(Friendship, (low, high)) is None:
            # Before the savepoint: on SQLite a savepoint that opens the transaction commits
            # when released, so a refusal after it would keep the friendship.
            spend(ctx, FriendError, (ACCEPTS_PER_PERSON, actor_id), (ACCEPTS_PER_ADDRESS, address))
            try:
                with session.begin_nested():
                    session.add(Friendship(user_low=low, user_high=high))
            except IntegrityError:  # accepted at the same moment in another tab
                pass
            else:
                _tell_inviter(uow, invite.inviter.id, actor_id, f"friend:{low}:{high}")
        # Both lists change: the inviter's page and the accepter's other tabs redraw.
        uow.record(friends_changed(invite.inviter.id, actor_id, EventKind.FRIEND_ADDED))
        uow.record(friends_changed(actor_id, invite.inviter.id, EventKind.FRIEND_ADDED))
        return invite.inviter


def _tell_inviter(uow: UnitOfWork, inviter_id: int, friend_id: int, ref: str) -> None:
    friend = uow.session.get(User, friend_id)
    name = friend.display_name if friend else "Someone"
    notify(
        uow,
        inviter_id,
        NotificationKind.FRIEND_ACCEPTED,
        f"{name} accepted your invite: you're friends now",
        link=friends_url(),
        ref=ref,
    )


def remove_friend(ctx: Context, actor_id: int, friend_id: int) -> bool:
    """End a friendship from either side; True if there was one (the other's list redraws)."""
    low, high = _pair(actor_id, friend_id)
    with ctx.uow() as uow:
        result = uow.session.exec(
            delete(Friendship).where(
                col(Friendship.user_low) == low, col(Friendship.user_high) == high
            )
        )
        removed = bool(result.rowcount)
        if removed:
            uow.record(friends_changed(friend_id, actor_id, EventKind.FRIEND_REMOVED))
            uow.record(friends_changed(actor_id, friend_id, EventKind.FRIEND_REMOVED))
            for person in (actor_id, friend_id):  # their open activity pages stop sharing now
                uow.record(DomainEvent("activity", str(person), 0, EventKind.ACTIVITY_CHANGED))
        return removed

"""Watching together: a shopper's private party for one session, with a side chat (room
`watch:<party id>`, members only) and a shared cart beside the stream. Friends only.

Members hear about changes on their own channel (liveparty:<session>:<user>), so each of them
redraws the party from the database.
"""

from __future__ import annotations

import contextlib

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.adapters.db.cart_statements import insert_ignoring_conflicts
from app.adapters.db.models_live import WatchParty, WatchPartyMember
from app.adapters.db.models_people import User
from app.domain.events import EventKind
from app.domain.live import SessionStatus
from app.domain.people import initials
from app.domain.throttle import Rate
from app.services import carts
from app.services.allowances import spend
from app.services.context import Context
from app.services.friends import are_friends, list_friends
from app.services.live.errors import LiveError
from app.services.live.records import load_row, party_event
from app.services.live.views import PartyLineView, PartyMemberView, PartyPanel, WatchPartyView
from app.services.unit_of_work import UnitOfWork

NOT_A_MEMBER = "You're not in that watch party."
# Each friend brought in joins the party's chat and shared cart, and the party redraws for every
# member: a group watching together is a handful, 30 an hour is more than any; more is a loop.
# An address, five people's worth.
INVITES_PER_PERSON = Rate("watch_party.invite.person", limit=30, seconds=3600)
INVITES_PER_ADDRESS = Rate(
    "watch_party.invite.address", limit=5 * INVITES_PER_PERSON.limit, seconds=3600
)


def _too_fast(message: str) -> LiveError:
    return LiveError(message, "too_fast")


def party_room_key(party_id: int) -> str:
    """The chat room of a watch party: visible only to its members."""
    return f"watch:{party_id}"


def _is_member(session: Session, party_id: int, user_id: int) -> bool:
    return session.get(WatchPartyMember, (party_id, user_id)) is not None


def _members(session: Session, party_id: int) -> list[int]:
    rows = session.exec(
        select(WatchPartyMember.user_id).where(WatchPartyMember.party_id == party_id)
    ).all()
    return [int(r) for r in rows]


def can_see_party(session: Session, party_id: int, user_id: int | None) -> bool:
    """Members only (the side chat's read rule)."""
    return user_id is not None and _is_member(session, party_id, user_id)


def _tell_members(uow: UnitOfWork, party: WatchParty, kind: EventKind) -> None:
    for member in _members(uow.session, party.id or 0):
        uow.record(party_event(party.session_id, member, kind))


def start_watch_party(ctx: Context, actor_id: int, session_id: int) -> int:
    """Open (or reopen) this shopper's watch party for a session: a private side chat and a
    shared cart for the friends they invite. One party per shopper per session; its id."""
    with ctx.uow() as uow:
        session = uow.session
        live = load_row(session, session_id)
        if live.status == SessionStatus.ENDED:
            raise LiveError("This session has ended.", "ended")
        existing = session.exec(
            select(WatchParty).where(
                WatchParty.session_id == session_id, WatchParty.owner_id == actor_id
            )
        ).first()
        if existing is not None and existing.id is not None:
            return existing.id
        cart_id = carts.create_shared_cart(uow, actor_id, f"Watching: {live.title}"[:60])
        party = WatchParty(session_id=session_id, owner_id=actor_id, cart_id=cart_id)
        try:
            with session.begin_nested():
                session.add(party)
                session.flush()
        except IntegrityError:  # opened at the same moment in another tab
            raise LiveError(
                "Your watch party is already open. Reload the page.", "exists"
            ) from None
        assert party.id is not None
        session.add(WatchPartyMember(party_id=party.id, user_id=actor_id))
        uow.record(party_event(session_id, actor_id, EventKind.PARTY_OPENED))
        return party.id


def invite_to_party(
    ctx: Context, actor_id: int, party_id: int, friend_id: int, address: str | None = None
) -> list[PartyMemberView]:
    """A member brings a friend into the party (its chat and its shared cart). Friends only.
    Returns the inviter's friends who are still outside the party. LiveError "too_fast"
    (nobody brought in) when the member or their address invite too often."""
    with ctx.uow() as uow:
        session = uow.session
        party = session.get(WatchParty, party_id)
        if party is None or not _is_member(session, party_id, actor_id):
            raise LiveError(NOT_A_MEMBER, "not_a_member")
        if not are_friends(session, actor_id, friend_id):
            raise LiveError("You can only invite friends.", "not_friends")
        if not _is_member(session, party_id, friend_id):
            # No savepoint: on SQLite its release would commit the row whatever comes next.
            values = {
                "party_id": party_id, "user_id": friend_id, "invited_by": actor_id,
                "joined_at": ctx.now(),
            }  # fmt: skip
            if not insert_ignoring_conflicts(session, WatchPartyMember, values):
                return _invitable(session, party_id, actor_id)  # invited a moment ago by another
            if party.cart_id is not None:
                # Already in the cart, or left it: the party still works.
                with contextlib.suppress(carts.CartError):
                    carts.invite_friend(uow, party.cart_id, actor_id, friend_id)
            _tell_members(uow, party, EventKind.PARTY_MEMBER_ADDED)
            spend(ctx, _too_fast, (INVITES_PER_PERSON, actor_id), (INVITES_PER_ADDRESS, address))
        return _invitable(session, party_id, actor_id)


def add_to_party_cart(ctx: Context, actor_id: int, party_id: int, product_id: int) -> None:
    """Put one of a product in the party's shared cart and tell every member."""
    with ctx.uow() as uow:
        session = uow.session
        party = session.get(WatchParty, party_id)
        if party is None or party.cart_id is None or not _is_member(session, party_id, actor_id):
            raise LiveError(NOT_A_MEMBER, "not_a_member")
        try:
            carts.add_item(uow, party.cart_id, actor_id, product_id, 1)
        except carts.CartError as error:
            raise LiveError(error.message, str(error.code)) from error
        _tell_members(uow, party, EventKind.PARTY_CART_CHANGED)


def party_panel(ctx: Context, viewer_id: int, session_id: int) -> PartyPanel:
    """The watch party this user belongs to for a session (their own first), if any, and the
    friends they can still invite."""
    with ctx.session() as session:
        return load_panel(session, session_id, viewer_id)


def load_panel(session: Session, session_id: int, user_id: int) -> PartyPanel:
    """`party_panel` inside a caller's session."""
    party = _load_party(session, session_id, user_id)
    invitable = _invitable(session, party.id, user_id) if party else []
    return PartyPanel(party, invitable)


def _load_party(session: Session, session_id: int, user_id: int) -> WatchPartyView | None:
    rows = session.exec(
        select(WatchParty)
        .join(WatchPartyMember, col(WatchPartyMember.party_id) == col(WatchParty.id))
        .where(WatchParty.session_id == session_id, WatchPartyMember.user_id == user_id)
        .order_by(col(WatchParty.owner_id) != user_id, col(WatchParty.id))
    ).all()
    if not rows:
        return None
    party = rows[0]
    assert party.id is not None
    users = session.exec(select(User).where(col(User.id).in_(_members(session, party.id)))).all()
    members = sorted(
        (PartyMemberView(u.id or 0, u.display_name, initials(u.display_name)) for u in users),
        key=lambda m: (m.id != party.owner_id, m.name.lower()),
    )
    lines: list[PartyLineView] = []
    total = ""
    if party.cart_id is not None:
        try:
            cart = carts.load_cart(session, party.cart_id, user_id)
            lines = [PartyLineView(ln.title, ln.quantity, ln.added_by) for ln in cart.lines]
            total = cart.total
        except (carts.CartError, carts.CartNotFound, carts.CartAccessDenied):
            lines = []
    return WatchPartyView(
        id=party.id,
        session_id=session_id,
        owner_id=party.owner_id,
        cart_id=party.cart_id or 0,
        members=members,
        cart_lines=lines,
        cart_total=total,
    )


def _invitable(session: Session, party_id: int, user_id: int) -> list[PartyMemberView]:
    """The user's friends who are not in the party yet."""
    inside = set(_members(session, party_id))
    return [
        PartyMemberView(f.id, f.name, f.initials)
        for f in list_friends(session, user_id)
        if f.id not in inside
    ]

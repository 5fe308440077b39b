"""Accounts, sessions and friends against SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from app.adapters.db.models_people import AuthSession, FriendInvite
from app.domain.people import DisplayNameError
from app.services import accounts, friends
from app.services.accounts import SignedInIdentity, hash_token
from app.services.code_attempts import PER_ADDRESS
from app.services.context import Context
from tests.factories import RecordingBus, make_context


def _user(session: Session, name: str) -> int:
    identity = SignedInIdentity("demo", name.lower(), f"{name.lower()}@x.test", name, None)
    user = accounts.user_for_identity(session, identity)
    session.commit()
    assert user.id is not None
    return user.id


def test_the_same_provider_account_is_the_same_user(db_session: Session) -> None:
    assert _user(db_session, "Alice") == _user(db_session, "Alice")
    assert _user(db_session, "Alice") != _user(db_session, "Bob")


def test_each_sign_in_gets_a_new_token_and_only_its_hash_is_stored(db_session: Session) -> None:
    alice = _user(db_session, "Alice")
    first = accounts.start_session(db_session, alice)
    second = accounts.start_session(db_session, alice)
    db_session.commit()
    assert first != second
    assert db_session.get(AuthSession, first) is None
    assert db_session.get(AuthSession, hash_token(first)) is not None
    assert accounts.resolve_session(db_session, first).name == "Alice"  # type: ignore[union-attr]


@pytest.mark.parametrize("field", ["last_seen_at", "expires_at"])
def test_idle_and_absolute_expiry_end_a_session(db_session: Session, field: str) -> None:
    token = accounts.start_session(db_session, _user(db_session, "Alice"))
    record = db_session.get(AuthSession, hash_token(token))
    assert record is not None
    past = datetime.now(UTC) - (accounts.SESSION_IDLE + timedelta(minutes=1))
    setattr(record, field, past)
    db_session.commit()
    assert accounts.resolve_session(db_session, token) is None


def test_sign_out_ends_every_session_of_the_user(db_session: Session) -> None:
    alice = _user(db_session, "Alice")
    bob = _user(db_session, "Bob")
    phone, laptop = (accounts.start_session(db_session, alice) for _ in range(2))
    bobs = accounts.start_session(db_session, bob)
    db_session.commit()
    assert accounts.end_sessions(db_session, phone) == 2
    db_session.commit()
    assert accounts.resolve_session(db_session, laptop) is None
    assert accounts.resolve_session(db_session, bobs) is not None
    assert accounts.resolve_session(db_session, "made-up-token") is None


def _ctx(session: Session) -> Context:
    """The service context over the same database as the test's session."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    return make_context(engine)


def test_rename_checks_the_name(db_session: Session) -> None:
    alice = _user(db_session, "Alice")
    assert accounts.rename(_ctx(db_session), alice, "  Alice   A. ").name == "Alice A."
    with pytest.raises(DisplayNameError):
        accounts.rename(_ctx(db_session), alice, "x" * 41)


def test_friend_invites_accept_twice_remove_and_refusals(db_session: Session) -> None:
    alice, bob = _user(db_session, "Alice"), _user(db_session, "Bob")
    ctx = _ctx(db_session)
    code = friends.current_invite(ctx, alice).code
    assert friends.current_invite(ctx, alice).code == code  # one live code per person
    with pytest.raises(friends.FriendError, match="your own invite"):
        friends.accept_invite(ctx, alice, code)
    assert friends.accept_invite(ctx, bob, code.lower()).name == "Alice"
    friends.accept_invite(ctx, bob, code)  # harmless the second time
    assert [f.name for f in friends.list_friends(db_session, alice)] == ["Bob"]
    assert friends.are_friends(db_session, bob, alice)
    assert friends.remove_friend(ctx, bob, alice)
    assert not friends.remove_friend(ctx, bob, alice)
    db_session.commit()
    assert friends.list_friends(db_session, alice) == []


def test_bad_and_expired_codes_are_explained(db_session: Session) -> None:
    alice = _user(db_session, "Alice")
    ctx = _ctx(db_session)
    with pytest.raises(friends.FriendError, match="doesn't look like"):
        friends.find_invite(ctx, "12")
    with pytest.raises(friends.FriendError, match="don't know"):
        friends.find_invite(ctx, "ABCDEFGH")
    invite = friends.current_invite(ctx, alice)
    stored = db_session.exec(select(FriendInvite).where(FriendInvite.code == invite.code)).one()
    assert stored is not None
    stored.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db_session.commit()
    with pytest.raises(friends.FriendError, match="expired"):
        friends.find_invite(ctx, invite.code)


def test_every_friend_event_redraws_the_list_a_fresh_read_gives(db_session: Session) -> None:
    """A friends page redraws from the event: it reloads the list of the person the event names.
    After accepting and after removing, both people hear about it, and what each reloads is
    what a fresh read gives, with the other person in it or gone."""
    alice, bob = _user(db_session, "Alice"), _user(db_session, "Bob")
    engine = db_session.get_bind()
    assert isinstance(engine, Engine)
    bus = RecordingBus()
    ctx = make_context(engine, bus=bus)
    code = friends.current_invite(ctx, alice).code
    for change, together in (
        (lambda: friends.accept_invite(ctx, bob, code), True),
        (lambda: friends.remove_friend(ctx, alice, bob), False),
    ):
        bus.clear()
        change()
        # (Accepting also tells the inviter under the bell: news on "notify:<id>".)
        news = [e for e in bus.events if e.aggregate == "friends"]
        assert sorted(e.channel for e in news) == sorted([f"friends:{alice}", f"friends:{bob}"])
        for event in news:
            owner, other = int(event.aggregate_id), int(event.payload["other"])
            redrawn = friends.friends_of(ctx, owner)
            with Session(engine) as fresh:
                assert redrawn == friends.list_friends(fresh, owner)
            assert (other in {f.id for f in redrawn}) is together


def test_other_peoples_email_and_role_never_leave_the_server(db_session: Session) -> None:
    """What the invite page, the friends page and a cart's friend list send to a browser about
    somebody else: a name and an avatar, never their e-mail address or role."""
    alice, bob = _user(db_session, "Alice"), _user(db_session, "Bob")
    ctx = _ctx(db_session)
    code = friends.current_invite(ctx, alice).code
    public = {"id", "name", "initials", "avatar_url", "colour"}
    inviter = friends.invite_page(ctx, None, code).invite.inviter
    assert set(asdict(inviter)) == public
    friends.accept_invite(ctx, bob, code)
    (listed,) = friends.friends_page(ctx, bob).friends
    assert set(asdict(listed)) == public
    assert "alice@x.test" not in repr(listed)


def test_a_new_friend_code_retires_every_code_handed_out_before(db_session: Session) -> None:
    alice, bob = _user(db_session, "Alice"), _user(db_session, "Bob")
    ctx = _ctx(db_session)
    old = friends.current_invite(ctx, alice).code
    new = friends.rotate_invite(ctx, alice).code
    assert new != old and len(new) == 12
    with pytest.raises(friends.FriendError, match="expired"):
        friends.accept_invite(ctx, bob, old)
    assert friends.accept_invite(ctx, bob, new).name == "Alice"


def test_wrong_friend_codes_run_out_for_a_guest_address(db_session: Session) -> None:
    alice = _user(db_session, "Alice")
    ctx = _ctx(db_session)
    good = friends.current_invite(ctx, alice).code
    for attempt in range(PER_ADDRESS.limit):
        with pytest.raises(friends.FriendError):
            friends.invite_page(ctx, None, f"WRONG{attempt:07d}"[:12], "203.0.113.7")
    with pytest.raises(friends.FriendError, match="Too many wrong codes"):
        friends.invite_page(ctx, None, good, "203.0.113.7")
    assert friends.invite_page(ctx, None, good, "203.0.113.8").invite.inviter.name == "Alice"

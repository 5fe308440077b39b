"""`make run` shows deals: the demo seed adds them once, and makes Alice a host."""

from __future__ import annotations

from sqlmodel import Session, select

from app.adapters.db.models_deals import Deal
from app.adapters.db.models_people import ExternalAccount, User
from app.domain.clock import utcnow
from app.services import accounts
from app.services.accounts import SignedInIdentity
from app.services.deals import views as deal_views
from app.services.demo_seed import DEMO_DEALS, seed_demo_catalog, seed_demo_deals


def test_demo_deals_are_added_once_and_shown(db_session: Session) -> None:
    seed_demo_catalog(db_session)
    assert seed_demo_deals(db_session) == len(DEMO_DEALS)
    db_session.commit()
    assert seed_demo_deals(db_session) == 0
    db_session.commit()
    assert len(db_session.exec(select(Deal)).all()) == len(DEMO_DEALS)
    cards = deal_views.active_cards(db_session, utcnow())
    assert {c.product_slug for c in cards} == {d.slug for d in DEMO_DEALS}
    assert all(c.joinable and c.participants == 0 for c in cards)
    # The long one saves cards instead of holding them for six days.
    modes = {d.payment_mode for d in db_session.exec(select(Deal)).all()}
    assert modes == {"hold", "saved_card"}


def test_alice_signs_in_as_a_host(db_session: Session) -> None:
    seed_demo_catalog(db_session)
    seed_demo_deals(db_session)
    identity = SignedInIdentity("demo", "alice", "alice@bandwagon.test", "Alice Archer", None)
    alice = accounts.user_for_identity(db_session, identity)
    assert (alice.display_name, alice.role) == ("Alice Archer", "host")
    bob = accounts.user_for_identity(
        db_session, SignedInIdentity("demo", "bob", "bob@bandwagon.test", "Bob Baker", None)
    )
    assert bob.role == "shopper"
    assert len(db_session.exec(select(ExternalAccount)).all()) == 2


def test_alice_who_signed_in_before_the_seed_becomes_a_host(db_session: Session) -> None:
    identity = SignedInIdentity("demo", "alice", "alice@bandwagon.test", "Alice Archer", None)
    alice = accounts.user_for_identity(db_session, identity)
    assert alice.role == "shopper"
    seed_demo_catalog(db_session)
    seed_demo_deals(db_session)
    assert db_session.get(User, alice.id) is not None
    assert db_session.exec(select(User).where(User.id == alice.id)).one().role == "host"

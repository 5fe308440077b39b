"""Who is in a cart: the personal cart, starting a shared cart, joining by code, adding a
friend, leaving and being removed."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, delete, false, select

from app.adapters.db.cart_statements import insert_ignoring_conflicts
from app.adapters.db.models_carts import Cart, CartLine, CartMember
from app.domain.carts import (
    CartError,
    CartErrorCode,
    CartKind,
    MemberRole,
    MemberStatus,
    SplitMode,
    check_budget_value,
    check_new_deadline,
    clean_cart_name,
    created_text,
    invited_text,
    joined_text,
    left_text,
    member_removed_text,
)
from app.domain.clock import as_utc, utcnow
from app.domain.people import new_invite_code, normalise_invite_code
from app.routes import cart_url
from app.services.carts.changes import (
    CartChange,
    begin_change,
    display_name,
    get_cart,
    get_member,
    record,
)
from app.services.friends import are_friends
from app.services.notifications import NotificationKind, notify
from app.services.unit_of_work import UnitOfWork

PERSONAL_CART_NAME = "My cart"


def personal_cart(uow: UnitOfWork, user_id: int) -> int:
    """The id of the shopper's own cart, made on first use (two tabs at once still make one)."""
    session = uow.session
    query = select(Cart.id).where(Cart.owner_id == user_id, Cart.kind == CartKind.PERSONAL.value)
    existing = session.exec(query).first()
    if existing is not None:
        return existing
    inserted = insert_ignoring_conflicts(
        session,
        Cart,
        {
            "name": PERSONAL_CART_NAME,
            "owner_id": user_id,
            "kind": CartKind.PERSONAL.value,
            "version": 1,
            "created_at": utcnow(),
        },
    )
    cart_id = session.exec(query).one()
    assert cart_id is not None
    if inserted:
        session.add(
            CartMember(
                cart_id=cart_id,
                user_id=user_id,
                role=MemberRole.OWNER.value,
                status=MemberStatus.ACTIVE.value,
            )
        )
        record(uow, cart_id, 1, created_text(display_name(session, user_id), PERSONAL_CART_NAME))
    return cart_id


def create_shared_cart(
    uow: UnitOfWork,
    owner_id: int,
    name: str,
    deadline: datetime | None = None,
    budget_minor: int | None = None,
    *,
    currency: str = "USD",
    split_mode: SplitMode = SplitMode.OWNER_PAYS,
    now: datetime | None = None,
) -> int:
    """Start a shared cart owned by `owner_id`; its invite code lets friends join."""
    now = now or utcnow()
    new = Cart(
        name=clean_cart_name(name),
        owner_id=owner_id,
        kind=CartKind.SHARED.value,
        invite_code=new_cart_code(uow.session),
        deadline=check_new_deadline(as_utc(deadline) if deadline else None, now),
        budget_minor=check_budget_value(budget_minor),
        currency=currency,
        split_mode=SplitMode(split_mode).value,
        version=1,
    )
    uow.session.add(new)
    uow.session.flush()
    assert new.id is not None
    uow.session.add(
        CartMember(
            cart_id=new.id,
            user_id=owner_id,
            role=MemberRole.OWNER.value,
            status=MemberStatus.ACTIVE.value,
        )
    )
    record(
        uow, new.id, 1, created_text(display_name(uow.session, owner_id), new.name), action="shared"
    )
    return new.id


def new_cart_code(session: Session) -> str:
    for _ in range(10):
        code = new_invite_code()
        if session.exec(select(Cart.id).where(Cart.invite_code == code)).first() is None:
            return code
    raise RuntimeError("could not draw a unique cart code")


def _add_member(session: Session, cart_id: int, user_id: int, existing: CartMember | None) -> None:
    if existing is not None:
        existing.status = MemberStatus.ACTIVE.value
        existing.joined_at = utcnow()
        session.add(existing)
        return
    insert_ignoring_conflicts(
        session,
        CartMember,
        {
            "cart_id": cart_id,
            "user_id": user_id,
            "role": MemberRole.MEMBER.value,
            "status": MemberStatus.ACTIVE.value,
            "joined_at": utcnow(),
        },
    )


def join_by_code(uow: UnitOfWork, user_id: int, raw_code: str) -> CartChange:
    """Join the shared cart behind an invite code. Joining twice is harmless."""
    session = uow.session
    code = normalise_invite_code(raw_code)
    if code is None:
        raise CartError(CartErrorCode.INVALID_CODE)
    found = session.exec(
        select(Cart).where(Cart.invite_code == code, col(Cart.deleted) == false())
    ).first()
    if found is None or found.id is None:
        raise CartError(CartErrorCode.UNKNOWN_CODE)
    existing = get_member(session, found.id, user_id)
    if existing is not None and existing.status == MemberStatus.ACTIVE:
        return CartChange(found.id, found.version)
    if existing is not None and existing.status == MemberStatus.REMOVED:
        raise CartError(CartErrorCode.REMOVED_BY_OWNER)
    version = begin_change(session, found.id, None, now=utcnow())
    _add_member(session, found.id, user_id, existing)
    record(uow, found.id, version, joined_text(display_name(session, user_id)), action="joined")
    return CartChange(found.id, version)


def invite_friend(uow: UnitOfWork, cart_id: int, inviter_id: int, friend_id: int) -> CartChange:
    """A member adds one of their friends to a shared cart. Someone the owner removed comes
    back only when the owner adds them: another member cannot overrule the owner."""
    session = uow.session
    version = begin_change(session, cart_id, inviter_id, now=utcnow())
    cart = get_cart(session, cart_id)
    if cart.kind != CartKind.SHARED:
        raise CartError(CartErrorCode.PERSONAL_CART)
    if not are_friends(session, inviter_id, friend_id):
        raise CartError(CartErrorCode.NOT_FRIENDS)
    existing = get_member(session, cart_id, friend_id)
    if existing is not None and existing.status == MemberStatus.ACTIVE:
        raise CartError(CartErrorCode.ALREADY_MEMBER)
    removed = existing is not None and existing.status == MemberStatus.REMOVED
    if removed and inviter_id != cart.owner_id:
        raise CartError(CartErrorCode.OWNER_REMOVED_THEM)
    _add_member(session, cart_id, friend_id, existing)
    inviter_name = display_name(session, inviter_id)
    text = invited_text(inviter_name, display_name(session, friend_id))
    # Before the cart's own news, which stays the last event of the change.
    notify(
        uow,
        friend_id,
        NotificationKind.SHARED_CART,
        f"{inviter_name} added you to the shared cart “{cart.name}”",
        link=str(cart_url(cart_id)),
    )
    record(uow, cart_id, version, text, action="joined")
    return CartChange(cart_id, version)


def _drop_member(session: Session, cart_id: int, gone: CartMember, status: MemberStatus) -> None:
    gone.status = status.value
    session.add(gone)
    session.exec(
        delete(CartLine).where(
            col(CartLine.cart_id) == cart_id, col(CartLine.added_by) == gone.user_id
        )
    )


def remove_member(uow: UnitOfWork, cart_id: int, owner_id: int, member_id: int) -> CartChange:
    """The owner removes a member; their lines go with them."""
    session = uow.session
    version = begin_change(session, cart_id, owner_id, now=utcnow(), owner_only=True)
    if member_id == owner_id:
        raise CartError(CartErrorCode.CANNOT_REMOVE_OWNER)
    removed = get_member(session, cart_id, member_id)
    if removed is None or removed.status != MemberStatus.ACTIVE:
        raise CartError(CartErrorCode.NOT_A_MEMBER, "They're not in this cart.")
    _drop_member(session, cart_id, removed, MemberStatus.REMOVED)
    text = member_removed_text(display_name(session, owner_id), display_name(session, member_id))
    record(uow, cart_id, version, text, removed_user=member_id)
    return CartChange(cart_id, version)


def leave(uow: UnitOfWork, cart_id: int, user_id: int) -> CartChange:
    """A member leaves; their lines go with them. The invite code brings them back."""
    session = uow.session
    version = begin_change(session, cart_id, user_id, now=utcnow())
    leaving = get_member(session, cart_id, user_id)
    assert leaving is not None  # the version bump checked they are an active member
    if leaving.role == MemberRole.OWNER:
        raise CartError(CartErrorCode.OWNER_CANNOT_LEAVE)
    _drop_member(session, cart_id, leaving, MemberStatus.LEFT)
    record(uow, cart_id, version, left_text(display_name(session, user_id)), left_user=user_id)
    return CartChange(cart_id, version)

"""Fill an empty shop with the demo catalog. Safe to run again: it adds nothing twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from app.adapters.db.models import Category, Product, ProductImage, ProductTag
from app.adapters.db.models_deals import Deal
from app.adapters.db.models_live import LiveSession, LiveSessionProduct
from app.adapters.db.models_people import ExternalAccount, User
from app.demo.catalog_data import CATEGORIES, PRODUCTS
from app.domain.clock import utcnow
from app.domain.group_buy import DealTerms, PriceTier, validate_terms
from app.domain.people import Role
from app.services.catalog import first_images
from app.services.deals import deal_row

IMAGES_PER_PRODUCT = 3
FEATURED_EVERY = 4


def seed_demo_catalog(session: Session) -> int:
    """Insert missing demo categories and products by slug; return how many products were added."""
    existing_categories = {c.slug: c for c in session.exec(select(Category)).all()}
    for position, demo_category in enumerate(CATEGORIES):
        if demo_category.slug not in existing_categories:
            category = Category(
                slug=demo_category.slug,
                name=demo_category.name,
                description=demo_category.description,
                image=f"/categories/{demo_category.slug}.webp",
                position=position,
            )
            session.add(category)
            existing_categories[demo_category.slug] = category
    session.flush()

    known = set(session.exec(select(Product.slug)).all())
    added = 0
    for index, demo in enumerate(PRODUCTS):
        if demo.slug in known:
            continue
        product = Product(
            slug=demo.slug,
            title=demo.title,
            description=demo.description,
            price_amount=demo.price_minor,
            currency=demo.currency,
            stock=demo.stock,
            category_id=existing_categories[demo.category].id or 0,
            featured=index % FEATURED_EVERY == 0,
        )
        session.add(product)
        session.flush()
        assert product.id is not None
        session.add_all(ProductTag(product_id=product.id, tag=tag) for tag in set(demo.tags))
        session.add_all(
            ProductImage(
                product_id=product.id,
                url=f"/products/{demo.slug}-{view}.webp",
                alt=f"{demo.title}, view {view + 1}",
                position=view,
            )
            for view in range(IMAGES_PER_PRODUCT)
        )
        added += 1
    return added


# --------------------------------------------------------------------------- deals

DEMO_HOST_EMAIL = "deals@bandwagon.test"
DEMO_PROVIDER = "demo"  # the demo OpenID provider `make run` starts (app/launcher)


@dataclass(frozen=True)
class DemoDeal:
    slug: str
    tiers: tuple[tuple[int, int], ...]  # (shoppers, unit price in cents)
    min_to_unlock: int
    max_participants: int
    days: int
    team: tuple[int, int] | None = None  # (size, unit price)


DEMO_DEALS = (
    DemoDeal("kyoto-glazed-teapot", ((1, 3600), (3, 3000), (5, 2500)), 3, 25, 3, (2, 2700)),
    DemoDeal("aero-wireless-earbuds", ((1, 7900), (5, 6900), (10, 5900)), 5, 50, 2, (3, 6400)),
    DemoDeal("basecamp-two-person-tent", ((1, 16900), (4, 14900), (8, 12900)), 4, 30, 6),
)


# --------------------------------------------------------------------------- live shopping

DEMO_SESSIONS = (
    # title, days from now, hour (UTC), product slugs
    (
        "Cosy kitchen picks",
        1,
        18,
        ("harbor-stoneware-mug", "kyoto-glazed-teapot", "copperline-stovetop-kettle"),
    ),
    (
        "Desk setup, live",
        3,
        17,
        ("arc-desk-lamp", "brass-fountain-pen", "dot-grid-hardcover-notebook"),
    ),
)


def _demo_host(session: Session) -> User:
    host = session.exec(select(User).where(User.email == DEMO_HOST_EMAIL)).first()
    if host is None:
        host = User(display_name="Bandwagon Deals", email=DEMO_HOST_EMAIL, role=Role.HOST.value)
        session.add(host)
        session.flush()
    return host


def grant_demo_host(session: Session, subject: str = "alice", name: str = "Alice Archer") -> User:
    """Make the demo shopper `subject` (of the demo sign-in provider) a host, creating her
    account ahead of her first sign-in if needed. Roles are a column on the user row."""
    return _grant_demo_role(session, subject, name, Role.HOST)


DEMO_ADMIN_SUBJECT = "admin"
DEMO_ADMIN_NAME = "Demo Admin"


def seed_demo_admin(session: Session) -> User:
    """The demo's one admin: the "Demo Admin" account of the demo sign-in provider (its
    picker labels it), so whoever tries the demo can open the console. Never in production."""
    return _grant_demo_role(session, DEMO_ADMIN_SUBJECT, DEMO_ADMIN_NAME, Role.ADMIN)


def _grant_demo_role(session: Session, subject: str, name: str, role: Role) -> User:
    account = session.exec(
        select(ExternalAccount).where(
            ExternalAccount.provider == DEMO_PROVIDER, ExternalAccount.subject == subject
        )
    ).first()
    user = session.get(User, account.user_id) if account is not None else None
    if user is None:
        email = f"{subject}@bandwagon.test"
        user = User(display_name=name, email=email, role=role.value)
        session.add(user)
        session.flush()
        session.add(
            ExternalAccount(
                user_id=user.id or 0, provider=DEMO_PROVIDER, subject=subject, email=email
            )
        )
    elif user.role == Role.SHOPPER.value:
        user.role = role.value
        session.add(user)
    session.flush()
    return user


def seed_demo_deals(session: Session, now: datetime | None = None) -> int:
    """Give each demo deal product an open deal unless it has one; make Alice a host.

    Never call this in production: demo deals take real card holds there. Returns how many
    deals were added (0 on a second run while the first ones are still open)."""
    now = now or utcnow()
    grant_demo_host(session)
    host = _demo_host(session)
    added = 0
    for demo in DEMO_DEALS:
        product = session.exec(select(Product).where(Product.slug == demo.slug)).first()
        if product is None or product.id is None:
            continue
        open_deal = session.exec(
            select(Deal.id).where(
                Deal.product_id == product.id, col(Deal.status).in_(("open", "closing"))
            )
        ).first()
        if open_deal is not None:
            continue
        terms = DealTerms(
            tiers=tuple(PriceTier(n, price) for n, price in demo.tiers),
            currency=product.currency,
            min_to_unlock=demo.min_to_unlock,
            max_participants=demo.max_participants,
            starts_at=now,
            deadline=now + timedelta(days=demo.days),
            team_size=demo.team[0] if demo.team else None,
            team_price=demo.team[1] if demo.team else None,
        )
        errors = validate_terms(terms, now)
        if errors:
            raise ValueError(f"demo deal {demo.slug}: {errors}")
        session.add(deal_row(product.id, host.id or 0, terms))
        added += 1
    session.flush()
    return added


def seed_demo_live(session: Session, stream_url: str = "", now: datetime | None = None) -> int:
    """Make Alice a host and give her two upcoming demo sessions.
    Safe to run again: returns how many sessions were added."""
    now = now or utcnow()
    host = grant_demo_host(session)
    products = session.exec(select(Product)).all()
    covers = first_images(session, [p.id for p in products if p.id is not None])
    images = {p.slug: covers[p.id] for p in products if p.id in covers}
    ids = {p.slug: p.id for p in products}
    added = 0
    for title, days, hour, slugs in DEMO_SESSIONS:
        exists = session.exec(
            select(LiveSession.id).where(LiveSession.host_id == host.id, LiveSession.title == title)
        ).first()
        if exists is not None or any(slug not in ids for slug in slugs):
            continue
        starts = (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
        live = LiveSession(
            host_id=host.id or 0,
            title=title,
            description="A demo session: go live from the host console to try pins and deals.",
            cover_image=images.get(slugs[0], "/placeholder.svg"),
            stream_url=stream_url,
            starts_at=starts,
        )
        session.add(live)
        session.flush()
        session.add_all(
            LiveSessionProduct(session_id=live.id or 0, product_id=ids[slug] or 0, position=i)
            for i, slug in enumerate(slugs)
        )
        added += 1
    return added


def demo_stream(assets_dir: Path) -> str:
    """The demo MP4 (made once from product pictures), or "" when it cannot be made here."""
    from app.demo.live_video import make_demo_stream

    slugs = [slug for _, _, _, group in DEMO_SESSIONS for slug in group]
    return make_demo_stream(assets_dir, [assets_dir / "products" / f"{s}-0.webp" for s in slugs])


# --------------------------------------------------------------------------- communities

DEMO_COMMUNITIES = (
    # name, slug, category slug, description, Alice's pinned welcome post
    (
        "Home baristas",
        "home-baristas",
        "kitchen",
        "Espresso, pour-over and the cups we drink them from. Share your setup and your latte art.",
        "Welcome, home baristas! Show us your morning cup: post a photo of your setup.",
    ),
    (
        "Trail & camp",
        "trail-and-camp",
        "outdoor",
        "Weekend hikes, first tents and nights under the stars: gear tips and trip reports.",
        "Welcome! Where did you camp last? Tips for first-timers are very welcome here.",
    ),
)


def seed_demo_communities(session: Session, now: datetime | None = None) -> int:
    """Two demo communities started by Alice (a host), each with her pinned welcome post.
    Safe to run again: returns how many communities were added."""
    from app.adapters.db.models_chat import ChatMessage
    from app.adapters.db.models_community import Community, CommunityMember, CommunityPost
    from app.domain.chat import parse_room_key
    from app.services.chat.rooms import room
    from app.services.communities import room_key

    now = now or utcnow()
    host = grant_demo_host(session)
    categories = {c.slug: c.id for c in session.exec(select(Category)).all()}
    added = 0
    for name, slug, category, description, welcome in DEMO_COMMUNITIES:
        if session.exec(select(Community.id).where(Community.slug == slug)).first() is not None:
            continue
        community = Community(
            slug=slug,
            name=name,
            description=description,
            category_id=categories.get(category),
            created_by=host.id or 0,
            created_at=now,
        )
        session.add(community)
        session.flush()
        community_id = community.id or 0
        session.add(
            CommunityMember(
                community_id=community_id, user_id=host.id or 0, role="host", joined_at=now
            )
        )
        chat_room = room(session, parse_room_key(room_key(community_id)), now)
        message = ChatMessage(
            room_id=chat_room.id or 0, user_id=host.id or 0, body=welcome, created_at=now
        )
        session.add(message)
        session.flush()
        session.add(
            CommunityPost(
                message_id=message.id or 0,
                community_id=community_id,
                pinned_at=now,
                pinned_by=host.id,
            )
        )
        added += 1
    session.flush()
    return added

"""Fill an empty shop with the demo catalog. Safe to run again: it adds nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from app.adapters.db.models import Category, Product, ProductImage, ProductTag
from app.adapters.db.models_live import LiveSession, LiveSessionProduct
from app.adapters.db.models_people import ExternalAccount, User
from app.demo.catalog_data import CATEGORIES, PRODUCTS

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


# --------------------------------------------------------------------------- live shopping demo

DEMO_PROVIDER = "demo"  # the local demo OpenID provider's name (app/launcher/demo_services.py)
DEMO_HOST = ("alice", "Alice Archer", "alice@bandwagon.test")
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
    """Alice, the demo shopper, as the user her demo sign-in will find (made on first use)."""
    subject, name, email = DEMO_HOST
    account = session.exec(
        select(ExternalAccount).where(
            ExternalAccount.provider == DEMO_PROVIDER, ExternalAccount.subject == subject
        )
    ).first()
    if account is not None:
        user = session.get(User, account.user_id)
        assert user is not None
        return user
    user = User(display_name=name, email=email)
    session.add(user)
    session.flush()
    session.add(
        ExternalAccount(user_id=user.id or 0, provider=DEMO_PROVIDER, subject=subject, email=email)
    )
    session.flush()
    return user


def seed_demo_live(session: Session, stream_url: str = "", now: datetime | None = None) -> int:
    """Make Alice a host when the shop has none, and give her two upcoming demo sessions.
    Safe to run again: returns how many sessions were added."""
    now = now or datetime.now(UTC)
    host = _demo_host(session)
    has_host = session.exec(select(User.id).where(col(User.role).in_(["host", "admin"]))).first()
    if has_host is None and host.role == "shopper":
        host.role = "host"
        session.add(host)
    images = {
        p.slug: url
        for p, url in session.exec(
            select(Product, ProductImage.url)
            .join(ProductImage, col(ProductImage.product_id) == col(Product.id))
            .where(ProductImage.position == 0)
        ).all()
    }
    ids = {p.slug: p.id for p in session.exec(select(Product)).all()}
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

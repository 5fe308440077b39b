"""Fill an empty shop with the demo catalog. Safe to run again: it adds nothing twice."""

from __future__ import annotations

from sqlmodel import Session, select

from app.adapters.db.models import Category, Product, ProductImage, ProductTag
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

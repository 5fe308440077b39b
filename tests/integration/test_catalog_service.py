"""The catalog service against a real database, seeded with the demo catalog."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from app.adapters.db.models import Product
from app.demo.catalog_data import PRODUCTS
from app.domain.catalog import SearchQueryError
from app.services import catalog
from app.services.context import Context
from app.services.demo_seed import seed_demo_catalog
from tests.factories import make_context


@pytest.fixture
def db(db_session: Session) -> Session:
    seed_demo_catalog(db_session)
    db_session.commit()
    return db_session


@pytest.fixture
def shop(db: Session) -> Context:
    """The catalog's service context over the seeded database (reads publish nothing)."""
    engine = db.get_bind()
    assert isinstance(engine, Engine)
    return make_context(engine)


def test_seeding_twice_adds_nothing_the_second_time(db: Session) -> None:
    assert seed_demo_catalog(db) == 0
    db.commit()
    assert db.exec(select(func.count()).select_from(Product)).one() == len(PRODUCTS)


def test_search_matches_every_word_in_title_description_or_tags(shop: Context) -> None:
    result = catalog.search_products(shop, "stoneware mug")
    assert [p.slug for p in result.products] == ["harbor-stoneware-mug"]
    assert result.products[0].price == "$18.00"


def test_search_is_case_insensitive_and_treats_wildcards_literally(shop: Context) -> None:
    assert catalog.search_products(shop, "HARBOR").total == 1
    assert catalog.search_products(shop, "%").total == 0
    assert catalog.search_products(shop, "_").total == 0


def test_category_filter_and_unknown_category(shop: Context) -> None:
    audio = catalog.search_products(shop, "", "audio")
    assert audio.total > 0 and {p.category for p in audio.products} == {"audio"}
    with pytest.raises(catalog.UnknownCategory):
        catalog.search_products(shop, "", "no-such-aisle")


def test_bad_query_is_refused(shop: Context) -> None:
    with pytest.raises(SearchQueryError):
        catalog.search_products(shop, "x" * 500)


def test_product_by_slug_or_id_with_images_and_tags(shop: Context) -> None:
    by_slug = catalog.get_product(shop, "harbor-stoneware-mug")
    assert by_slug.images and by_slug.images[0].url.endswith("harbor-stoneware-mug-0.webp")
    assert "mug" in by_slug.tags
    assert catalog.get_product(shop, str(by_slug.id)) == by_slug
    with pytest.raises(catalog.ProductNotFound):
        catalog.get_product(shop, "no-such-product")


def test_categories_count_their_products(shop: Context) -> None:
    categories = catalog.list_categories(shop)
    assert sum(c.product_count for c in categories) == len(PRODUCTS)
    assert all(c.image.endswith(".webp") for c in categories)


def test_featured_products_are_in_stock(shop: Context) -> None:
    featured = catalog.featured_products(shop, limit=8)
    assert len(featured) == 8 and all(p.stock > 0 for p in featured)

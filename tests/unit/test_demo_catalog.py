"""The demo catalog is consistent and its artwork renders deterministically."""

from __future__ import annotations

import io
import re

import pytest

from app.demo.artwork import RECIPES, render, render_category_banner
from app.demo.catalog_data import CATEGORIES, PRODUCTS

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HEX = re.compile(r"^#[0-9a-f]{6}$", re.IGNORECASE)


def test_catalog_has_enough_products_and_categories() -> None:
    assert len(PRODUCTS) >= 24
    assert len(CATEGORIES) >= 5


def test_slugs_are_unique_and_url_safe() -> None:
    product_slugs = [p.slug for p in PRODUCTS]
    category_slugs = [c.slug for c in CATEGORIES]
    assert len(set(product_slugs)) == len(product_slugs)
    assert len(set(category_slugs)) == len(category_slugs)
    for slug in product_slugs + category_slugs:
        assert SLUG.match(slug), slug


def test_every_product_belongs_to_a_known_category_with_enough_siblings() -> None:
    known = {c.slug for c in CATEGORIES}
    for product in PRODUCTS:
        assert product.category in known, product.slug
    for category in CATEGORIES:
        assert sum(p.category == category.slug for p in PRODUCTS) >= 4, category.slug


def test_prices_stock_and_tags_are_sane() -> None:
    for product in PRODUCTS:
        assert isinstance(product.price_minor, int) and not isinstance(product.price_minor, bool)
        assert product.price_minor > 0, product.slug
        assert product.currency == "USD"
        assert 0 <= product.stock <= 120, product.slug
        assert 2 <= len(product.tags) <= 4, product.slug
        assert all(tag == tag.lower() and tag.strip() == tag for tag in product.tags)
        assert product.title and product.description.count(".") >= 2, product.slug
        assert all(HEX.match(colour) for colour in product.palette), product.slug
    assert any(p.stock == 0 for p in PRODUCTS), "the demo should show a sold-out product"
    assert any(1 <= p.stock <= 5 for p in PRODUCTS), "the demo should show low stock"


def test_every_art_name_has_a_recipe() -> None:
    missing = {p.art for p in PRODUCTS} - set(RECIPES)
    assert not missing


@pytest.mark.parametrize("view", [0, 1, 2])
def test_render_gives_a_real_picture(view: int) -> None:
    image = render(PRODUCTS[0], view)
    assert image.size == (800, 800)
    assert image.mode == "RGB"
    colours = image.resize((100, 100)).getcolors(maxcolors=100_000)
    assert colours is not None and len(colours) > 50  # not a flat fill


def test_render_is_deterministic() -> None:
    def webp(view: int) -> bytes:
        buffer = io.BytesIO()
        render(PRODUCTS[1], view, size=200).save(buffer, "WEBP", quality=80)
        return buffer.getvalue()

    assert render(PRODUCTS[1], 2, size=200).tobytes() == render(PRODUCTS[1], 2, size=200).tobytes()
    assert webp(0) == webp(0)


def test_views_differ() -> None:
    views = [render(PRODUCTS[2], view, size=200).tobytes() for view in range(3)]
    assert len(set(views)) == 3


def test_category_banner_size() -> None:
    banner = render_category_banner(CATEGORIES[0])
    assert banner.size == (1200, 400)
    colours = banner.resize((120, 40)).getcolors(maxcolors=100_000)
    assert colours is not None and len(colours) > 50

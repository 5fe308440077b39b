"""Catalog reads for the shop's pages: the home page, search and a product."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.adapters.db.models import Category, Product, ProductImage, ProductTag
from app.adapters.media.images import srcset_for
from app.domain.catalog import (
    PAGE_SIZE,
    CategoryView,
    ProductCard,
    ProductDetail,
    ProductImageView,
    SearchQueryError,
    normalise_query,
    query_terms,
    stock_label,
)
from app.domain.money import format_minor
from app.domain.numbers import parse_id
from app.domain.plain_text import MAX_SLUG_LENGTH, contains_pattern, could_be_slug
from app.services.context import Context

PLACEHOLDER_IMAGE = "/placeholder.svg"
# Archived products (the console) leave the lists; their pages stay for orders that link them.
_ON_SALE = col(Product.archived).is_(False)


class UnknownCategory(LookupError):
    """No category has that slug."""


class ProductNotFound(LookupError):
    """No product has that id or slug."""


@dataclass(frozen=True)
class SearchResult:
    query: str
    category: CategoryView | None
    products: list[ProductCard]
    total: int


@dataclass(frozen=True)
class HomePage:
    categories: list[CategoryView]
    featured: list[ProductCard]


@dataclass(frozen=True)
class CatalogPage:
    """/catalog: every category and either the result or why there is none (`error` for a
    query we refuse, `unknown_category` for a category slug nobody has)."""

    categories: list[CategoryView]
    result: SearchResult | None
    error: str = ""
    unknown_category: bool = False


def first_images(session: Session, product_ids: Sequence[int]) -> dict[int, str]:
    """Each product's first picture (lowest position), for cards and strips."""
    if not product_ids:
        return {}
    rows = session.exec(
        select(ProductImage.product_id, ProductImage.url)
        .where(col(ProductImage.product_id).in_(product_ids))
        .order_by(col(ProductImage.position).desc())
    ).all()
    # Ordered by descending position so the lowest position wins the dict assignment.
    return {product_id: url for product_id, url in rows}


def product_cards(session: Session, rows: Sequence[tuple[Product, Category]]) -> list[ProductCard]:
    """The cards of the products (with their categories) in `rows`, in their order."""
    images = first_images(session, [p.id for p, _ in rows if p.id is not None])
    return [
        ProductCard(
            id=p.id or 0,
            slug=p.slug,
            title=p.title,
            price=format_minor(p.price_amount, p.currency),
            category=c.slug,
            category_name=c.name,
            image=images.get(p.id or 0, PLACEHOLDER_IMAGE),
            stock=p.stock,
            stock_label=stock_label(p.stock),
            srcset=srcset_for(images.get(p.id or 0, "")),
        )
        for p, c in rows
    ]


def _categories(session: Session) -> list[CategoryView]:
    """Every category with how many products it holds, in display order."""
    counts = dict(
        session.exec(
            select(Product.category_id, func.count())
            .where(_ON_SALE)
            .group_by(col(Product.category_id))
        ).all()
    )
    categories = session.exec(
        select(Category).order_by(col(Category.position), col(Category.name))
    ).all()
    return [
        CategoryView(c.slug, c.name, c.description, c.image, counts.get(c.id or 0, 0))
        for c in categories
    ]


def _category(session: Session, slug: str) -> CategoryView:
    if not could_be_slug(slug):
        raise UnknownCategory(slug[:MAX_SLUG_LENGTH])
    category = session.exec(select(Category).where(Category.slug == slug)).first()
    if category is None:
        raise UnknownCategory(slug)
    count = session.exec(
        select(func.count())
        .select_from(Product)
        .where(Product.category_id == category.id, _ON_SALE)
    ).one()
    return CategoryView(category.slug, category.name, category.description, category.image, count)


def _featured(session: Session, limit: int) -> list[ProductCard]:
    """Products picked for the home page: featured first, then the newest in stock."""
    rows = session.exec(
        select(Product, Category)
        .join(Category)
        .where(Product.stock > 0, _ON_SALE)
        .order_by(col(Product.featured).desc(), col(Product.created_at).desc(), col(Product.id))
        .limit(limit)
    ).all()
    return product_cards(session, rows)


def _search(session: Session, raw_query: str | None, category_slug: str | None) -> SearchResult:
    query = normalise_query(raw_query)
    category = _category(session, category_slug) if category_slug else None
    statement = select(Product, Category).join(Category).where(_ON_SALE)
    if category is not None:
        statement = statement.where(Category.slug == category.slug)
    for term in query_terms(query):
        pattern = contains_pattern(term)
        tagged = select(ProductTag.product_id).where(
            col(ProductTag.tag).ilike(pattern, escape="\\")
        )
        statement = statement.where(
            or_(
                col(Product.title).ilike(pattern, escape="\\"),
                col(Product.description).ilike(pattern, escape="\\"),
                col(Category.name).ilike(pattern, escape="\\"),
                col(Product.id).in_(tagged),
            )
        )
    rows = session.exec(statement.order_by(Product.title).limit(PAGE_SIZE * 4)).all()
    products = product_cards(session, rows)
    return SearchResult(query, category, products, len(products))


def _product(session: Session, key: str) -> ProductDetail:
    product_id = parse_id(key)
    if product_id is None and not could_be_slug(key):
        raise ProductNotFound(key[:MAX_SLUG_LENGTH])
    condition = Product.id == product_id if product_id is not None else Product.slug == key
    row = session.exec(select(Product, Category).join(Category).where(condition)).first()
    if row is None:
        raise ProductNotFound(key)
    return _details(session, [row])[0]


def _details(session: Session, rows: Sequence[tuple[Product, Category]]) -> list[ProductDetail]:
    """Products with their images and tags, in the order given (two reads for any number)."""
    ids = [p.id for p, _ in rows if p.id is not None]
    images: dict[int, list[ProductImageView]] = {}
    for image in session.exec(
        select(ProductImage)
        .where(col(ProductImage.product_id).in_(ids))
        .order_by(col(ProductImage.position))
    ).all():
        images.setdefault(image.product_id, []).append(ProductImageView(image.url, image.alt))
    tags: dict[int, list[str]] = {}
    for product_id, tag in session.exec(
        select(ProductTag.product_id, ProductTag.tag)
        .where(col(ProductTag.product_id).in_(ids))
        .order_by(ProductTag.tag)
    ).all():
        tags.setdefault(product_id, []).append(tag)
    return [
        ProductDetail(
            id=product.id or 0,
            slug=product.slug,
            title=product.title,
            description=product.description,
            price=format_minor(product.price_amount, product.currency),
            price_minor=product.price_amount,
            currency=product.currency,
            stock=product.stock,
            stock_label=stock_label(product.stock),
            category=category.slug,
            category_name=category.name,
            tags=tags.get(product.id or 0, []),
            images=images.get(product.id or 0)
            or [ProductImageView(PLACEHOLDER_IMAGE, product.title)],
        )
        for product, category in rows
    ]


def products_after(
    ctx: Context, after_id: int, limit: int, category_slug: str | None = None
) -> list[ProductDetail]:
    """Products on sale in id order, starting after `after_id` (a keyset page for the API);
    UnknownCategory for a bad category."""
    with ctx.session() as session:
        statement = select(Product, Category).join(Category).where(_ON_SALE)
        if category_slug:
            statement = statement.where(Category.slug == _category(session, category_slug).slug)
        rows = session.exec(
            statement.where(col(Product.id) > after_id).order_by(col(Product.id)).limit(limit)
        ).all()
        return _details(session, rows)


def list_categories(ctx: Context) -> list[CategoryView]:
    """Every category with how many products it holds, in display order."""
    with ctx.session() as session:
        return _categories(session)


def featured_products(ctx: Context, limit: int = 8) -> list[ProductCard]:
    """Products picked for the home page: featured first, then the newest in stock."""
    with ctx.session() as session:
        return _featured(session, limit)


def home_page(ctx: Context) -> HomePage:
    """The home page's categories and featured products, in one visit."""
    with ctx.session() as session:
        return HomePage(_categories(session), _featured(session, 8))


def search_products(
    ctx: Context, raw_query: str | None = None, category_slug: str | None = None
) -> SearchResult:
    """Products whose title, description or tags match every word, optionally in one category.

    Raises SearchQueryError for a query we refuse and UnknownCategory for a bad category.
    """
    with ctx.session() as session:
        return _search(session, raw_query, category_slug)


def catalog_page(ctx: Context, raw_query: str | None, category_slug: str | None) -> CatalogPage:
    """/catalog in one visit: the categories and the search, or why it found nothing."""
    with ctx.session() as session:
        categories = _categories(session)
        try:
            return CatalogPage(categories, _search(session, raw_query, category_slug))
        except SearchQueryError as refusal:
            return CatalogPage(categories, None, error=str(refusal))
        except UnknownCategory:
            return CatalogPage(categories, None, unknown_category=True)


def get_product(ctx: Context, key: str) -> ProductDetail:
    """One product by slug (or numeric id), with images and tags; ProductNotFound if none."""
    with ctx.session() as session:
        return _product(session, key)

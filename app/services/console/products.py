"""Products and stock in the console: create, edit, archive, pictures. Admins only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.adapters.db.models import Category, Product, ProductImage
from app.adapters.media.images import ImageRejected, reencode, store_product_image
from app.domain.events import DomainEvent, EventKind
from app.domain.money import format_minor
from app.domain.people import ADMIN_ROLES
from app.domain.plain_text import could_be_slug
from app.domain.product_form import ProductDraft, parse_product_form, slug_for
from app.services.catalog import PLACEHOLDER_IMAGE, first_images
from app.services.console.access import require
from app.services.console.audit import note
from app.services.context import Context
from app.services.unit_of_work import UnitOfWork


class ProductFormError(ValueError):
    """The form has problems; `field_errors` maps each field to its message."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in field_errors.items()))
        self.field_errors = field_errors


@dataclass(frozen=True)
class ConsoleProduct:
    id: int
    slug: str
    title: str
    description: str
    price: str  # shown, "$24.00"
    price_input: str  # for the edit form, "24.00"
    currency: str
    stock: int
    category: str
    image: str
    archived: bool


@dataclass(frozen=True)
class CategoryChoice:
    slug: str
    name: str


def _picture(image: bytes | None) -> bytes | None:
    """Re-encode before the transaction (CPU work, no locks held); None when no file."""
    if not image:
        return None
    try:
        return reencode(image)
    except ImageRejected as rejected:
        raise ProductFormError({"image": str(rejected)}) from rejected


def _draft(session: Session, form: Mapping[str, str]) -> tuple[ProductDraft, int]:
    draft, errors = parse_product_form(form)
    category_id = None
    slug = (form.get("category") or "").strip()
    if slug:
        category_id = (
            session.exec(select(Category.id).where(Category.slug == slug)).first()
            if could_be_slug(slug)
            else None
        )
        if category_id is None:
            errors["category"] = "Choose a category from the list."
    if errors or draft is None or category_id is None:
        raise ProductFormError(errors)
    return draft, category_id


def _unique_slug(session: Session, title: str) -> str:
    base = slug_for(title)
    taken = set(session.exec(select(Product.slug).where(col(Product.slug).startswith(base))).all())
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _event(uow: UnitOfWork, product: Product, kind: EventKind, actor_id: int) -> None:
    uow.record(
        DomainEvent(
            "product",
            str(product.id),
            0,
            kind,
            {"title": product.title, "stock": product.stock, "price": product.price_amount},
            actor_id=actor_id,
        )
    )


def _add_image(session: Session, product_id: int, url: str, alt: str) -> None:
    """The newest upload becomes the product's first picture (lowest position)."""
    first = session.exec(
        select(func.min(ProductImage.position)).where(ProductImage.product_id == product_id)
    ).one()
    position = 0 if first is None else int(first) - 1
    session.add(ProductImage(product_id=product_id, url=url, alt=alt[:200], position=position))


def create_product(
    ctx: Context, actor_id: int, form: Mapping[str, str], image: bytes | None = None
) -> int:
    """A new product from the console's form (and optional picture); ProductFormError with a
    message per bad field. Returns its id."""
    picture = _picture(image)
    with ctx.uow() as uow:
        require(uow.session, actor_id, ADMIN_ROLES)
        draft, category_id = _draft(uow.session, form)
        product = Product(
            slug=_unique_slug(uow.session, draft.title),
            title=draft.title,
            description=draft.description,
            price_amount=draft.price_amount,
            currency=draft.currency,
            stock=draft.stock,
            category_id=category_id,
        )
        uow.session.add(product)
        uow.session.flush()
        assert product.id is not None
        if picture is not None:
            _add_image(uow.session, product.id, store_product_image(picture), draft.title)
        note(uow, actor_id, "product.create", f"product {product.id} ({draft.title})")
        _event(uow, product, EventKind.PRODUCT_CREATED, actor_id)
        return product.id


def update_product(
    ctx: Context,
    actor_id: int,
    product_id: int,
    form: Mapping[str, str],
    image: bytes | None = None,
) -> None:
    """Change a product's title, description, price, stock or category, and add a picture."""
    picture = _picture(image)
    with ctx.uow() as uow:
        require(uow.session, actor_id, ADMIN_ROLES)
        product = uow.session.get(Product, product_id)
        if product is None:
            raise ProductFormError({"title": "That product no longer exists."})
        draft, category_id = _draft(uow.session, form)
        changes = [
            f"{name}: {before} → {after}"
            for name, before, after in (
                ("title", product.title, draft.title),
                ("price", product.price_amount, draft.price_amount),
                ("stock", product.stock, draft.stock),
            )
            if before != after
        ]
        product.title, product.description = draft.title, draft.description
        product.price_amount, product.currency = draft.price_amount, draft.currency
        product.stock, product.category_id = draft.stock, category_id
        uow.session.add(product)
        if picture is not None:
            _add_image(uow.session, product_id, store_product_image(picture), draft.title)
            changes.append("new picture")
        note(
            uow,
            actor_id,
            "product.edit",
            f"product {product_id} ({draft.title})",
            "; ".join(changes),
        )
        _event(uow, product, EventKind.PRODUCT_UPDATED, actor_id)


def archive_product(ctx: Context, actor_id: int, product_id: int, archived: bool = True) -> bool:
    """Take a product out of the shop (or put it back); False if nothing changed."""
    with ctx.uow() as uow:
        require(uow.session, actor_id, ADMIN_ROLES)
        product = uow.session.get(Product, product_id)
        if product is None or product.archived == archived:
            return False
        product.archived = archived
        uow.session.add(product)
        action = "product.archive" if archived else "product.restore"
        note(uow, actor_id, action, f"product {product_id} ({product.title})")
        _event(uow, product, EventKind.PRODUCT_ARCHIVED, actor_id)
        return True


def console_products(
    ctx: Context, actor_id: int
) -> tuple[list[ConsoleProduct], list[CategoryChoice]]:
    """Every product, newest first, archived ones too, and the categories to choose from."""
    with ctx.session() as session:
        require(session, actor_id, ADMIN_ROLES)
        rows = session.exec(
            select(Product, Category)
            .join(Category, col(Category.id) == col(Product.category_id))
            .order_by(col(Product.id).desc())
        ).all()
        images = first_images(session, [p.id for p, _ in rows if p.id is not None])
        categories = session.exec(select(Category).order_by(col(Category.position))).all()
    products = [
        ConsoleProduct(
            id=p.id or 0,
            slug=p.slug,
            title=p.title,
            description=p.description,
            price=format_minor(p.price_amount, p.currency),
            price_input=f"{p.price_amount // 100}.{p.price_amount % 100:02d}",
            currency=p.currency,
            stock=p.stock,
            category=c.slug,
            image=images.get(p.id or 0, PLACEHOLDER_IMAGE),
            archived=p.archived,
        )
        for p, c in rows
    ]
    return products, [CategoryChoice(c.slug, c.name) for c in categories]


def add_product_in(
    uow: UnitOfWork,
    actor_id: int,
    *,
    title: str,
    description: str,
    price_amount: int,
    currency: str,
    stock: int,
    category_id: int,
    image_url: str = "",
) -> int:
    """A product made by another use case inside its own transaction (a be-the-buyer candidate
    that became a deal): the same slug, picture and event as the console's form."""
    product = Product(
        slug=_unique_slug(uow.session, title),
        title=title,
        description=description,
        price_amount=price_amount,
        currency=currency,
        stock=stock,
        category_id=category_id,
    )
    uow.session.add(product)
    uow.session.flush()
    assert product.id is not None
    if image_url:
        _add_image(uow.session, product.id, image_url, title)
    _event(uow, product, EventKind.PRODUCT_CREATED, actor_id)
    return product.id

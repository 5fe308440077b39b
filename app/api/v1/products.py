"""/products: read with `read_products`; create and edit with `write_products` through the
console's own use cases (app/services/console/products.py), so every rule and the audit log
are the same as in the console."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from app.api.v1.caching import cached
from app.api.v1.idempotent import IdempotencyKey, idempotent
from app.api.v1.paging import Cursor, Limit, Page, decode, paged
from app.api.v1.problems import ApiProblem, FieldProblem, documented, field_problem
from app.api.v1.security import context, needs
from app.domain.api_keys import Scope
from app.domain.catalog import ProductDetail
from app.domain.product_form import MAX_DESCRIPTION, MAX_PRICE, MAX_STOCK, MAX_TITLE
from app.services import catalog
from app.services.api_access.keys import Principal
from app.services.catalog import ProductNotFound, UnknownCategory
from app.services.console.access import ConsoleRefused
from app.services.console.products import ProductFormError, create_product, update_product

router = APIRouter(prefix="/products", tags=["products"])
Reader = Annotated[Principal, Depends(needs(Scope.READ_PRODUCTS))]
Writer = Annotated[Principal, Depends(needs(Scope.WRITE_PRODUCTS))]

NO_NUL = r"^[^\x00]*$"
SLUG = r"^[a-z0-9][a-z0-9-]{0,59}$"
# A product's slug, or its id (at most 9 digits).
PRODUCT_KEY = r"^(?:[0-9]{1,9}|[a-z0-9-]*[a-z-][a-z0-9-]*)$"
ProductKey = Annotated[str, Path(max_length=80, pattern=PRODUCT_KEY, description="Slug or id.")]
_FIELDS = {"price": "price_minor"}


class ProductIn(BaseModel):
    """A new product. Prices in minor units (cents); the category by slug."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=MAX_TITLE, pattern=NO_NUL)
    description: str = Field(default="", max_length=MAX_DESCRIPTION, pattern=NO_NUL)
    price_minor: int = Field(ge=1, le=MAX_PRICE)
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    stock: int = Field(ge=0, le=MAX_STOCK)
    category: str = Field(pattern=SLUG)


class ProductPatch(BaseModel):
    """The fields to change; the others keep their values."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=MAX_TITLE, pattern=NO_NUL)
    description: str | None = Field(default=None, max_length=MAX_DESCRIPTION, pattern=NO_NUL)
    price_minor: int | None = Field(default=None, ge=1, le=MAX_PRICE)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    stock: int | None = Field(default=None, ge=0, le=MAX_STOCK)
    category: str | None = Field(default=None, pattern=SLUG)


def _form(
    title: str, description: str, price: int, currency: str, stock: int, category: str
) -> dict[str, str]:
    """The console's form, filled in: the same parser checks it."""
    return {
        "title": title,
        "description": description,
        "price": f"{price // 100}.{price % 100:02d}",
        "currency": currency,
        "stock": str(stock),
        "category": category,
    }


def _refused(error: ProductFormError) -> ApiProblem:
    errors = [
        FieldProblem(field="body." + _FIELDS.get(name, name), message=message)
        for name, message in error.field_errors.items()
    ]
    return ApiProblem(422, "validation_failed", str(error), errors=errors)


def _forbidden(error: ConsoleRefused) -> ApiProblem:
    return ApiProblem(403, "role_refused", str(error))


def _product(request: Request, key: str) -> ProductDetail:
    try:
        return catalog.get_product(context(request), key)
    except ProductNotFound:
        raise ApiProblem(404, "product_not_found", "There is no such product.") from None


@router.get(
    "",
    response_model=Page[ProductDetail],
    summary="Products on sale, in id order",
    responses=documented(400, 401, 403, 422, 429),
)
def list_products(
    request: Request,
    caller: Reader,
    limit: Limit = 20,
    cursor: Cursor = None,
    category: Annotated[str | None, Query(pattern=SLUG, description="A category slug.")] = None,
) -> Response:
    after = decode(cursor, "products", int) or 0
    try:
        rows = catalog.products_after(context(request), after, limit + 1, category)
    except UnknownCategory:
        raise field_problem("query.category", "There is no such category.") from None
    return cached(request, paged(rows, limit, "products", lambda p: p.id), Page[ProductDetail])


@router.get(
    "/{product_key}",
    response_model=ProductDetail,
    summary="One product, by slug or id",
    responses=documented(400, 401, 403, 404, 422, 429),
)
def read_product(request: Request, caller: Reader, product_key: ProductKey) -> Response:
    return cached(request, _product(request, product_key), ProductDetail)


@router.post(
    "",
    response_model=ProductDetail,
    status_code=201,
    summary="Create a product (as in the console)",
    responses=documented(400, 401, 403, 409, 422, 429),
)
async def add_product(
    request: Request, caller: Writer, body: ProductIn, idem_key: IdempotencyKey = None
) -> Response:
    def run() -> Response:
        form = _form(
            body.title, body.description, body.price_minor, body.currency, body.stock, body.category
        )
        try:
            new_id = create_product(context(request), caller.user_id, form)
        except ProductFormError as error:
            raise _refused(error) from None
        except ConsoleRefused as error:
            raise _forbidden(error) from None
        response = cached(request, _product(request, str(new_id)), ProductDetail, 201)
        response.headers["Location"] = f"{request.url.path.rstrip('/')}/{new_id}"
        return response

    return await idempotent(request, caller, idem_key, run)


@router.patch(
    "/{product_key}",
    response_model=ProductDetail,
    summary="Change a product (as in the console)",
    responses=documented(400, 401, 403, 404, 422, 429),
)
def edit_product(
    request: Request, caller: Writer, product_key: ProductKey, body: ProductPatch
) -> Response:
    now = _product(request, product_key)
    form = _form(
        body.title if body.title is not None else now.title,
        body.description if body.description is not None else now.description,
        body.price_minor if body.price_minor is not None else now.price_minor,
        body.currency or now.currency,
        body.stock if body.stock is not None else now.stock,
        body.category or now.category,
    )
    try:
        update_product(context(request), caller.user_id, now.id, form)
    except ProductFormError as error:
        raise _refused(error) from None
    except ConsoleRefused as error:
        raise _forbidden(error) from None
    return cached(request, _product(request, str(now.id)), ProductDetail)

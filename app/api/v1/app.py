"""The /api/v1 application: FastAPI, so the OpenAPI 3.1 document (/api/v1/openapi.json) is
generated from the same pydantic models and service views the handlers answer with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.v1 import carts, categories, deals, orders, products, reviews
from app.api.v1.problems import ApiProblem, Problem, on_crash, on_http, on_problem, on_validation
from app.api.v1.security import ApiRuntime, RateLimitHeaders
from app.api.v1.strict import no_unknown_query
from app.services.api_access.quota import Quota, app_quota
from app.services.context import Context, app_context

DESCRIPTION = """
The shop's data for other systems. Authenticate with an API key made on your settings page or,
for the shop's own systems, in the console: `Authorization: Bearer bw_…`. Each key has scopes.

- **Pages**: `limit` (at most 100) and the opaque `cursor` from the previous page's `next_cursor`.
- **Errors**: RFC 9457 problem details (`application/problem+json`) with a stable `code`.
- **Idempotency**: send `Idempotency-Key` on a POST; a repeat within 24 hours gets the first answer.
- **Caching**: reads carry an `ETag`; send it back in `If-None-Match` for a 304.
- **Rate limit**: a leaky bucket per key, reported in `RateLimit-*` headers; 429 with `Retry-After`.
"""


def public_api(
    *, context: Callable[[], Context] = app_context, quota: Quota | None = None
) -> FastAPI:
    """The API app; the arguments are for tests (a database of their own, a small bucket)."""
    api = FastAPI(
        title="Bandwagon API",
        version="1.0.0",
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        dependencies=[Depends(no_unknown_query)],
    )
    api.state.runtime = ApiRuntime(context, quota or app_quota())
    for module in (products, categories, deals, orders, carts, reviews):
        api.include_router(module.router)
    api.add_exception_handler(ApiProblem, on_problem)
    api.add_exception_handler(RequestValidationError, on_validation)
    api.add_exception_handler(StarletteHTTPException, on_http)
    api.add_exception_handler(Exception, on_crash)
    api.add_middleware(RateLimitHeaders)

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            schema = FastAPI.openapi(api)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(problem.pop("$defs", {}))
            components["Problem"] = problem
            _drop_default_422(schema)
            _document_etags(schema)
            api.openapi_schema = schema
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]
    return api


def _drop_default_422(schema: dict[str, Any]) -> None:
    """FastAPI documents its own 422 shape; ours is a Problem (documented per operation)."""
    ref = {"$ref": "#/components/schemas/Problem"}
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            answer = operation.get("responses", {}).get("422")
            if answer is not None:
                answer["content"] = {"application/problem+json": {"schema": ref}}
    for name in ("HTTPValidationError", "ValidationError"):
        schema["components"]["schemas"].pop(name, None)


def _document_etags(schema: dict[str, Any]) -> None:
    """Every read answers with an ETag, and 304 to an If-None-Match that still matches."""
    etag = {"ETag": {"description": "A validator for If-None-Match.", "schema": {"type": "string"}}}
    for path in schema.get("paths", {}).values():
        read = path.get("get")
        if read is None:
            continue
        read["responses"]["200"]["headers"] = etag
        read["responses"]["304"] = {
            "description": "Not Modified: the ETag in If-None-Match still matches.",
            "headers": etag,
        }

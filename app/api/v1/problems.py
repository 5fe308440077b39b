"""Errors as RFC 9457 problem details (application/problem+json), each with a stable `code`."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

PROBLEM_JSON = "application/problem+json"


class FieldProblem(BaseModel):
    field: str = Field(description="Where: `body.title`, `query.limit`, `header.Idempotency-Key`.")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details. `code` is stable: match on it, not on `title` or `detail`."""

    type: str = Field(
        description="A URI naming the kind of problem (`urn:bandwagon:problem:<code>`)."
    )
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    errors: list[FieldProblem] = Field(default_factory=list)


class ApiProblem(Exception):
    """Raise to answer with a problem detail."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        errors: list[FieldProblem] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.errors = errors or []
        self.headers = dict(headers or {})


def field_problem(
    field: str, message: str, status: int = 422, code: str = "invalid_field"
) -> ApiProblem:
    return ApiProblem(status, code, message, errors=[FieldProblem(field=field, message=message)])


def problem_response(
    request: Request | None,
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[FieldProblem] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    problem = Problem(
        type=f"urn:bandwagon:problem:{code}",
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        code=code,
        instance=request.url.path if request is not None else None,
        errors=errors or [],
    )
    return Response(
        problem.model_dump_json(),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=dict(headers or {}),
    )


async def on_problem(request: Request, error: Exception) -> Response:
    assert isinstance(error, ApiProblem)
    return problem_response(
        request, error.status, error.code, error.detail, errors=error.errors, headers=error.headers
    )


def _where(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location) or "request"


async def on_validation(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    errors = [FieldProblem(field=_where(tuple(e["loc"])), message=e["msg"]) for e in error.errors()]
    named = ", ".join(sorted({e.field for e in errors}))
    return problem_response(
        request, 422, "validation_failed", f"Check these fields: {named}.", errors=errors
    )


_HTTP_CODES = {
    400: "malformed_request",
    401: "unauthenticated",
    404: "not_found",
    405: "method_not_allowed",
}


async def on_http(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    code = _HTTP_CODES.get(error.status_code, "http_error")
    return problem_response(
        request, error.status_code, code, str(error.detail), headers=error.headers
    )


async def on_crash(request: Request, error: Exception) -> Response:
    return problem_response(request, 500, "internal_error", "Something went wrong on our side.")


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the error statuses an operation may answer with."""
    ref = {"$ref": "#/components/schemas/Problem"}
    return {
        status: {
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_JSON: {"schema": ref}},
        }
        for status in statuses
    }

"""/webhooks: the shop's outbound webhook endpoints, for keys with `manage_webhooks` (admins),
through the console's own use cases (app/services/webhooks/): the same URL and event checks,
the same audit log, the same refusal when the key's owner is no longer an admin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from app.api.v1.caching import cached
from app.api.v1.idempotent import IdempotencyKey, idempotent
from app.api.v1.paging import Cursor, Limit, Page, decode, page_after
from app.api.v1.problems import ApiProblem, FieldProblem, documented
from app.api.v1.security import context, needs
from app.domain.api_keys import Scope
from app.services import webhooks
from app.services.api_access.keys import Principal
from app.services.console.access import ConsoleRefused
from app.services.webhooks import EndpointView, WebhookError, WebhookNotFound

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
Manager = Annotated[Principal, Depends(needs(Scope.MANAGE_WEBHOOKS))]
EndpointId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The endpoint's id.")]
T = TypeVar("T")


class EndpointIn(BaseModel):
    """A new endpoint: where to send, and which kinds of events (see /webhooks/event-types)."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=500, pattern=r"^[^\x00]*$")
    event_types: list[Annotated[str, Field(max_length=80)]] = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=200, pattern=r"^[^\x00]*$")


class CreatedEndpointOut(BaseModel):
    endpoint: EndpointView
    secret: str = Field(description="`whsec_…`: verify deliveries with it. Shown in full here.")


class SecretOut(BaseModel):
    secret: str


def _run(request: Request, call: Callable[[], T]) -> T:
    """Run one webhook use case; its refusals become problem details."""
    try:
        return call()
    except WebhookError as error:
        errors = [FieldProblem(field=f"body.{k}", message=m) for k, m in error.field_errors.items()]
        raise ApiProblem(422, "validation_failed", str(error), errors=errors) from None
    except WebhookNotFound:
        raise ApiProblem(404, "webhook_not_found", "There is no such webhook endpoint.") from None
    except ConsoleRefused as error:
        raise ApiProblem(403, "role_refused", str(error)) from None


def _endpoint(request: Request, caller: Principal, endpoint_id: int) -> EndpointView:
    found = [
        e
        for e in _run(request, lambda: webhooks.list_endpoints(context(request), caller.user_id))
        if e.id == endpoint_id
    ]
    if not found:
        raise ApiProblem(404, "webhook_not_found", "There is no such webhook endpoint.")
    return found[0]


@router.get(
    "/event-types",
    response_model=list[str],
    summary="The kinds of events an endpoint may subscribe to",
    responses=documented(401, 403, 429),
)
def list_event_types(request: Request, caller: Manager) -> Response:
    return cached(request, webhooks.event_types(), list[str])


@router.get(
    "",
    response_model=Page[EndpointView],
    summary="Webhook endpoints, in id order, with their delivery counts",
    responses=documented(400, 401, 403, 422, 429),
)
def list_webhooks(
    request: Request, caller: Manager, limit: Limit = 20, cursor: Cursor = None
) -> Response:
    after = decode(cursor, "webhooks", int)
    rows = _run(request, lambda: webhooks.list_endpoints(context(request), caller.user_id))
    return cached(
        request, page_after(rows, lambda e: e.id, after, limit, "webhooks"), Page[EndpointView]
    )


@router.get(
    "/{endpoint_id}",
    response_model=EndpointView,
    summary="One webhook endpoint",
    responses=documented(400, 401, 403, 404, 422, 429),
)
def read_webhook(request: Request, caller: Manager, endpoint_id: EndpointId) -> Response:
    return cached(request, _endpoint(request, caller, endpoint_id), EndpointView)


@router.post(
    "",
    response_model=CreatedEndpointOut,
    status_code=201,
    summary="Register an endpoint (as in the console)",
    responses=documented(400, 401, 403, 409, 422, 429),
)
async def add_webhook(
    request: Request, caller: Manager, body: EndpointIn, idem_key: IdempotencyKey = None
) -> Response:
    def run() -> Response:
        created = _run(
            request,
            lambda: webhooks.register_endpoint(
                context(request), caller.user_id, body.url, body.event_types, body.description
            ),
        )
        out = CreatedEndpointOut(endpoint=created.endpoint, secret=created.secret)
        response = cached(request, out, CreatedEndpointOut, 201)
        response.headers["Location"] = f"{request.url.path.rstrip('/')}/{created.endpoint.id}"
        return response

    return await idempotent(request, caller, idem_key, run)


@router.post(
    "/{endpoint_id}/rotate-secret",
    response_model=SecretOut,
    summary="Start signing with a new secret (the old one also signs for 24 hours)",
    responses=documented(400, 401, 403, 404, 409, 422, 429),
)
async def rotate_webhook_secret(
    request: Request, caller: Manager, endpoint_id: EndpointId, idem_key: IdempotencyKey = None
) -> Response:
    def run() -> Response:
        secret = _run(
            request, lambda: webhooks.rotate_secret(context(request), caller.user_id, endpoint_id)
        )
        return cached(request, SecretOut(secret=secret), SecretOut)

    return await idempotent(request, caller, idem_key, run)


@router.delete(
    "/{endpoint_id}",
    status_code=204,
    summary="Remove an endpoint; nothing more is sent to it",
    responses=documented(400, 401, 403, 404, 422, 429),
)
def remove_webhook(request: Request, caller: Manager, endpoint_id: EndpointId) -> Response:
    _run(request, lambda: webhooks.delete_endpoint(context(request), caller.user_id, endpoint_id))
    return Response(status_code=204)

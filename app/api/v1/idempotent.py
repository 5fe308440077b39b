"""Idempotency-Key on POST: the first answer (success or refusal) is kept for 24 hours per API
key and replayed, with `Idempotent-Replayed: true`, to any repeat of the same request. The same
key with a different request is refused (422); a repeat while the first still runs gets 409."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Header, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from app.api.v1.problems import ApiProblem, problem_response
from app.api.v1.security import context
from app.services.api_access import idempotency
from app.services.api_access.keys import Principal

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=idempotency.MAX_KEY_LENGTH,
        pattern=r"^[\x21-\x7e]+$",
        description="Any unique string (a UUID): a repeat within 24 hours gets the first answer.",
    ),
]


async def idempotent(
    request: Request,
    caller: Principal,
    idem_key: str | None,
    run: Callable[[], Response],
) -> Response:
    """Answer with `run()` (called in a worker thread), or replay the answer it gave before."""
    if idem_key is None:
        return await run_in_threadpool(_answer, request, run)
    ctx = context(request)
    digest = idempotency.request_digest(request.method, request.url.path, await request.body())
    claim = await run_in_threadpool(idempotency.claim, ctx, caller.key_id, idem_key, digest)
    if claim.mismatch:
        raise ApiProblem(
            422,
            "idempotency_key_reused",
            "This Idempotency-Key was used for a different request.",
        )
    if claim.busy:
        raise ApiProblem(
            409, "idempotency_key_in_use", "A request with this Idempotency-Key is still running."
        )
    if claim.stored is not None:
        return Response(
            claim.stored.body,
            status_code=claim.stored.status,
            media_type=claim.stored.content_type,
            headers={"Idempotent-Replayed": "true"},
        )
    try:
        response = await run_in_threadpool(_answer, request, run)
    except BaseException:
        await run_in_threadpool(idempotency.release, ctx, caller.key_id, idem_key)
        raise
    if response.status_code >= 500:
        await run_in_threadpool(idempotency.release, ctx, caller.key_id, idem_key)
        return response
    stored = idempotency.Stored(
        response.status_code,
        response.media_type or "application/json",
        bytes(response.body).decode(),
    )
    await run_in_threadpool(idempotency.remember, ctx, caller.key_id, idem_key, stored)
    return response


def _answer(request: Request, run: Callable[[], Response]) -> Response:
    """A refusal is an answer too: it is kept and replayed like a success."""
    try:
        return run()
    except ApiProblem as problem:
        return problem_response(
            request,
            problem.status,
            problem.code,
            problem.detail,
            errors=problem.errors,
            headers=problem.headers,
        )

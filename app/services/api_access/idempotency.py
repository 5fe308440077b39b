"""Idempotency-Key: the first answer to a POST is kept for 24 hours and replayed to any repeat
with the same key (per API key). The key is claimed before the request runs, by a unique
constraint, so two simultaneous first requests cannot both run."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import col, delete, select

from app.adapters.db.cart_statements import insert_ignoring_conflicts
from app.adapters.db.models_api import ApiIdempotency
from app.domain.clock import as_utc
from app.services.context import Context

KEEP_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Stored:
    status: int
    content_type: str
    body: str


@dataclass(frozen=True)
class Claim:
    """What to do with a request: run it (`run`), replay `stored`, or refuse because the key
    is in use by a different request (`mismatch`) or one still running (`busy`)."""

    run: bool = False
    stored: Stored | None = None
    mismatch: bool = False
    busy: bool = False


def request_digest(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def claim(ctx: Context, api_key_id: int, idem_key: str, digest: str) -> Claim:
    """Claim `idem_key` for this request, or say what happened to it before."""
    now = ctx.now()
    with ctx.uow() as uow:
        session = uow.session
        # An answer older than a day is forgotten: the key may be used afresh.
        session.exec(
            delete(ApiIdempotency).where(
                col(ApiIdempotency.api_key_id) == api_key_id,
                col(ApiIdempotency.idem_key) == idem_key,
                col(ApiIdempotency.created_at) < now - KEEP_FOR,
            )
        )
        values = {
            "api_key_id": api_key_id,
            "idem_key": idem_key,
            "request_digest": digest,
            "status": 0,
            "content_type": "",
            "body": "",
            "created_at": now,
        }
        if insert_ignoring_conflicts(session, ApiIdempotency, values):
            return Claim(run=True)
        row = session.exec(
            select(ApiIdempotency).where(
                ApiIdempotency.api_key_id == api_key_id, ApiIdempotency.idem_key == idem_key
            )
        ).one()
        if row.request_digest != digest:
            return Claim(mismatch=True)
        if row.status == 0 or as_utc(row.created_at) < now - KEEP_FOR:
            return Claim(busy=True)
        return Claim(stored=Stored(row.status, row.content_type, row.body))


def remember(ctx: Context, api_key_id: int, idem_key: str, answer: Stored) -> None:
    """Keep the first answer for replays."""
    with ctx.uow() as uow:
        row = uow.session.exec(
            select(ApiIdempotency).where(
                ApiIdempotency.api_key_id == api_key_id, ApiIdempotency.idem_key == idem_key
            )
        ).one()
        row.status, row.content_type, row.body = answer.status, answer.content_type, answer.body
        uow.session.add(row)


def release(ctx: Context, api_key_id: int, idem_key: str) -> None:
    """Forget a claim whose request failed on our side, so a retry runs it again."""
    with ctx.uow() as uow:
        uow.session.exec(
            delete(ApiIdempotency).where(
                col(ApiIdempotency.api_key_id) == api_key_id,
                col(ApiIdempotency.idem_key) == idem_key,
                col(ApiIdempotency.status) == 0,
            )
        )

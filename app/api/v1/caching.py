"""ETags on reads: a weak validator over the JSON body; If-None-Match that matches gives 304."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import Request
from pydantic import TypeAdapter
from starlette.responses import Response


def etag_for(body: bytes) -> str:
    return 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in wanted or etag.removeprefix("W/") in wanted


def cached(request: Request, value: Any, model: Any, status_code: int = 200) -> Response:
    """`value` as JSON (validated by `model`), with its ETag; 304 when the client has it."""
    body = TypeAdapter(model).dump_json(value)
    etag = etag_for(body)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if request.method == "GET" and _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status_code, media_type="application/json", headers=headers)

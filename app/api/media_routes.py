"""GET /review-photos/<name>: the re-encoded review photos, served from the data folder.

Only names the app made itself are served (the service checks the pattern and that the file
exists), always as JPEG with `nosniff`, so nothing uploaded can be served as anything else.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from app.services import reviews
from app.services.context import Context, app_context


def media_app(*, context: Callable[[], Context] = app_context) -> Starlette:
    async def photo(request: Request) -> Response:
        name = str(request.path_params["name"])
        path = await asyncio.to_thread(reviews.review_photo_path, context(), name)
        if path is None:
            return PlainTextResponse("Not found", status_code=404)
        return FileResponse(
            path,
            media_type="image/jpeg",
            headers={
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "public, max-age=86400, immutable",
                "Content-Security-Policy": "default-src 'none'",
            },
        )

    return Starlette(routes=[Route("/{name}", photo, methods=["GET", "HEAD"])])

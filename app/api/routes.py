"""The HTTP side of the backend, mounted in front of Reflex through api_transformer."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount

from app.api.auth_routes import auth_app
from app.api.console_media import console_media_app
from app.api.guards import OriginGuard, PathGuard, SecurityHeaders
from app.api.health import health_routes
from app.api.logs import RequestLogMiddleware
from app.api.media_routes import media_app
from app.api.metrics import MetricsMiddleware, metrics_routes
from app.api.page_paths import SlashlessPages
from app.api.share_routes import share_routes
from app.api.static_cache import StaticCacheMiddleware
from app.api.stripe_routes import stripe_app
from app.api.v1.app import public_api
from app.api.v1.strict import api_mount


def http_api() -> Starlette:
    # Reflex mounts itself inside this app, so the middleware sees its websocket too.
    # Outermost first: the request id is set before anything is measured or logged.
    return Starlette(
        routes=[
            *health_routes(),
            *metrics_routes(),
            Mount("/auth", app=auth_app()),
            Mount("/stripe", app=stripe_app()),
            Mount("/media", app=console_media_app()),
            Mount("/review-photos", app=media_app()),
            api_mount("/api/v1", public_api()),
            *share_routes(),
        ],
        middleware=[
            Middleware(RequestLogMiddleware),
            Middleware(SecurityHeaders),
            Middleware(OriginGuard),
            Middleware(PathGuard),
            Middleware(MetricsMiddleware),
            Middleware(StaticCacheMiddleware),
            Middleware(SlashlessPages),
        ],
    )

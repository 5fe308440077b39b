"""The HTTP side of the backend, mounted in front of Reflex through api_transformer."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount

from app.api.auth_routes import auth_app
from app.api.media_routes import media_app
from app.api.stripe_routes import stripe_app


def http_api() -> Starlette:
    return Starlette(
        routes=[
            Mount("/auth", app=auth_app()),
            Mount("/stripe", app=stripe_app()),
            Mount("/review-photos", app=media_app()),
        ]
    )

"""Every page load tells the analytics a page was viewed (one small logged event)."""

from __future__ import annotations

import asyncio
import logging

import reflex as rx

from app.services.analytics.tracking import record_page_view
from app.services.context import app_context
from app.states.session import SessionState

log = logging.getLogger(__name__)


class PageViewState(SessionState):
    @rx.event
    async def seen(self) -> None:
        user = self.user  # set by the page's own load handlers, which run first
        try:
            await asyncio.to_thread(
                record_page_view,
                app_context(),
                user.id if user is not None else None,
                self.router.session.client_token,
                self.router.url.path,
            )
        except Exception:  # the analytics must never break a page
            log.exception("could not record a page view")

"""The anonymous visitor id a browser keeps (cookie `bw_visitor`): what experiments bucket
by, carried over to the account when its owner signs in (app/services/experiments)."""

from __future__ import annotations

import uuid

import reflex as rx

from app.services.experiments import clean_visitor_id

YEAR_AND_A_BIT = 400 * 24 * 3600


class VisitorState(rx.State):
    visitor_id: str = rx.Cookie("", name="bw_visitor", max_age=YEAR_AND_A_BIT, same_site="lax")

    def _ensure(self) -> str:
        """This browser's visitor id, made (and stored in the cookie) on first sight."""
        cleaned = clean_visitor_id(self.visitor_id)
        if not cleaned:
            cleaned = uuid.uuid4().hex
        if cleaned != self.visitor_id:
            self.visitor_id = cleaned
        return cleaned

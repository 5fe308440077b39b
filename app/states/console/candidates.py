"""Be-the-buyer candidates in the console (hosts and admins): post one, see the live counts."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.domain.numbers import int_or_zero
from app.services import candidates
from app.services.candidates import CandidateFormError, CandidateView
from app.services.console.access import ConsoleRefused
from app.services.console.products import CategoryChoice
from app.services.context import app_context
from app.states.console.base import ConsoleState

UPLOAD_ID = "candidate-image"
FIELDS = ("title", "description", "target_price", "threshold", "closes_at", "category")
EMPTY = {"title": "", "description": "", "target_price": "", "threshold": "10", "closes_at": ""}


class ConsoleCandidatesState(ConsoleState):
    rows: list[CandidateView] = []
    votes: dict[str, int] = {}
    categories: list[CategoryChoice] = []
    draft: dict[str, str] = dict(EMPTY)
    candidate_errors: dict[str, str] = {}
    form_key: int = 0
    tz_offset: int = 0

    async def _reload(self, user_id: int) -> None:
        found = await asyncio.to_thread(candidates.console_candidates, app_context(), user_id)
        self.rows, self.votes, self.categories = found.rows, found.counts.votes, found.categories

    def _reset_form(self) -> None:
        self.draft = {**EMPTY, "category": self.categories[0].slug if self.categories else ""}
        self.candidate_errors = {}
        self.form_key += 1

    @rx.event
    async def load_section(self) -> Any:
        user = await self._staff()
        if user is None:
            return None
        try:
            await self._reload(user.id)
        except ConsoleRefused:
            self.rows, self.categories = [], []
            return None
        # A reload (switching to this tab) keeps what the host is typing; only the category
        # falls back to the first one when none is chosen yet.
        slugs = [c.slug for c in self.categories]
        if self.draft.get("category") not in slugs:
            self.draft = {**self.draft, "category": slugs[0] if slugs else ""}
        return rx.call_script(
            "new Date().getTimezoneOffset()", callback=ConsoleCandidatesState.set_tz
        )

    @rx.event
    def set_tz(self, offset: Any) -> None:
        self.tz_offset = max(-840, min(840, int_or_zero(offset)))

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name in FIELDS:
            self.draft[name] = str(value)[:2000]
            if name in self.candidate_errors:  # the field is being fixed: stop shouting
                self.candidate_errors = {
                    k: v for k, v in self.candidate_errors.items() if k != name
                }

    @rx.event
    async def post(self, files: list[rx.UploadFile]) -> Any:
        user = await self._staff()
        if user is None:
            return self.ask_to_sign_in()
        image = await files[0].read() if files else None
        try:
            await asyncio.to_thread(
                candidates.post_candidate,
                app_context(),
                user.id,
                dict(self.draft),
                self.tz_offset,
                image,
            )
            await self._reload(user.id)
        except CandidateFormError as invalid:
            self.candidate_errors = invalid.field_errors
            return rx.toast.error("Please fix the fields marked in red.")
        except ConsoleRefused as refusal:
            return rx.toast.error(str(refusal))
        title = self.draft.get("title", "").strip()
        self._reset_form()
        return [
            rx.clear_selected_files(UPLOAD_ID),
            rx.toast.success(f"“{title}” is up for a vote."),
        ]

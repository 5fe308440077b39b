"""/vote: be the buyer. Candidates with live vote counts; vote, withdraw, and see the moment one
becomes a deal.

The page's socket sits in the room "candidates:all"; after every vote, withdrawal, new
candidate or closing, `render_candidates` reads the lists once and pushes them to everyone
there. Nothing in the pushed part depends on the viewer; `my_votes` is read by the load.
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.domain.events import DomainEvent
from app.domain.numbers import id_or_zero
from app.realtime.rooms import Push, Viewer, delta, rooms
from app.services import candidates
from app.services.candidates import CandidateView, VoteRefused
from app.services.context import app_context
from app.states.rooms import enter_room, leave_rooms
from app.states.session import SessionState

ROOM = "candidates:all"


class VoteState(SessionState):
    open_items: list[CandidateView] = []  # pushed live
    decided: list[CandidateView] = []  # pushed live
    votes: dict[str, int] = {}  # pushed live: candidate id -> votes
    statuses: dict[str, str] = {}  # pushed live: candidate id -> status
    deal_links: dict[str, str] = {}  # pushed live
    my_votes: list[int] = []
    loaded: bool = False

    async def _load(self) -> None:
        user = await self._user_now()
        page = await asyncio.to_thread(
            candidates.vote_page, app_context(), user.id if user else None
        )
        self.open_items, self.decided, self.my_votes = page.open, page.decided, page.my_votes
        self.votes, self.statuses = page.counts.votes, page.counts.status
        self.deal_links, self.loaded = page.counts.deal_links, True

    @rx.event
    async def load(self) -> None:
        await self._load()
        await leave_rooms(self, "candidates:")
        await enter_room(self, ROOM, Viewer(None, ""))

    @rx.event
    async def vote(self, candidate_id: int) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to vote.")
        try:
            result = await asyncio.to_thread(
                candidates.vote,
                app_context(),
                user.id,
                id_or_zero(candidate_id),
                self.client_address(),
            )
        except VoteRefused as refusal:
            return rx.toast.error(str(refusal))
        await self._load()
        if result.deal_id is not None:
            return rx.toast.success(
                "Your vote made it a deal! Voters may join first for the next 24 hours."
            )
        return rx.toast.success("Thanks for voting.")

    @rx.event
    async def withdraw(self, candidate_id: int) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to change your vote.")
        try:
            await asyncio.to_thread(
                candidates.withdraw_vote,
                app_context(),
                user.id,
                id_or_zero(candidate_id),
                self.client_address(),
            )
        except VoteRefused as refusal:
            return rx.toast.error(str(refusal))
        await self._load()
        return rx.toast.info("Your vote is withdrawn.")


async def render_candidates(event: DomainEvent) -> Push | None:
    """A vote, a new candidate or a closing: the lists and counts, read once, to every viewer."""
    page = await asyncio.to_thread(candidates.vote_page, app_context(), None)
    return delta(
        VoteState,
        open_items=page.open,
        decided=page.decided,
        votes=page.counts.votes,
        statuses=page.counts.status,
        deal_links=page.counts.deal_links,
    )


rooms.register("candidates", render_candidates)

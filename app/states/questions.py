"""A product page's questions and answers: ask, answer, vote helpful; live for every viewer.

The list is the same for everyone, so one read per change is pushed to the room
"questions:<product id>"; who voted what stays per viewer (`my_votes`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from app.domain.events import DomainEvent
from app.domain.numbers import id_or_zero, parse_id
from app.realtime.rooms import Push, Viewer, delta, rooms
from app.services import questions
from app.services.context import app_context
from app.services.questions import QuestionView
from app.states.name_badges import badges_for
from app.states.rooms import enter_room, leave_rooms
from app.states.session import SessionState


async def post_answer(user_id: int, form: dict[str, Any], address: str | None) -> str:
    """Post the answer form's `answer` to its `question_id`: "" when posted, else why not.
    The product page and the notification that asked both answer through here."""
    try:
        await asyncio.to_thread(
            questions.answer_question,
            app_context(),
            user_id,
            id_or_zero(str(form.get("question_id", ""))),
            str(form.get("answer", "")),
            address,
        )
    except questions.QuestionRefused as refusal:
        return str(refusal)
    return ""


class QuestionsState(SessionState):
    product_id: int = 0
    questions: list[QuestionView] = []  # pushed live
    my_votes: list[int] = []
    my_answered: list[int] = []  # question ids this viewer answered
    my_id: int = 0
    ask_error: str = ""
    answer_errors: dict[str, str] = {}
    name_badges: dict[str, list[str]] = {}  # pushed live: answerer id -> badge labels

    async def _load(self) -> None:
        user = await self._user_now()
        page = await asyncio.to_thread(
            questions.product_questions,
            app_context(),
            user.id if user else None,
            self._route_arg("product_key"),
        )
        self.product_id, self.questions = page.product_id, page.questions
        self.my_votes, self.my_answered = page.my_votes, page.my_answered
        self.my_id = user.id if user else 0
        self.name_badges = await asyncio.to_thread(_answerer_badges, page.questions)

    @rx.event
    async def load(self) -> None:
        self.ask_error, self.answer_errors = "", {}
        await self._load()
        await leave_rooms(self, "questions:")
        if self.product_id:
            await enter_room(self, f"questions:{self.product_id}", Viewer(None, ""))

    @rx.event
    async def ask(self, form: dict[str, Any]) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to ask a question.")
        try:
            await asyncio.to_thread(
                questions.ask_question,
                app_context(),
                user.id,
                self.product_id,
                str(form.get("question", "")),
                self.client_address(),
            )
        except questions.QuestionRefused as refusal:
            self.ask_error = str(refusal)
            return None
        self.ask_error = ""
        await self._load()
        return [
            rx.set_value("question-text", ""),
            rx.toast.success("Asked. We'll pass it to people who bought it."),
        ]

    @rx.event
    async def answer(self, form: dict[str, Any]) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to answer.")
        question_id = str(form.get("question_id", ""))
        refused = await post_answer(user.id, form, self.client_address())
        self.answer_errors = {question_id: refused} if refused else {}
        if refused:
            return None
        await self._load()
        return rx.toast.success("Thanks, your answer is posted.")

    @rx.event
    async def vote(self, answer_id: int) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to vote.")
        try:
            await asyncio.to_thread(
                questions.vote_answer,
                app_context(),
                user.id,
                id_or_zero(answer_id),
                self.client_address(),
            )
        except questions.QuestionRefused as refusal:
            return rx.toast.info(str(refusal))
        await self._load()
        return None

    @rx.event
    async def unvote(self, answer_id: int) -> Any:
        user = await self._user_now()
        if user is None:
            return self.ask_to_sign_in("Sign in to vote.")
        try:
            await asyncio.to_thread(
                questions.withdraw_answer_vote,
                app_context(),
                user.id,
                id_or_zero(answer_id),
                self.client_address(),
            )
        except questions.QuestionRefused as refusal:
            return rx.toast.info(str(refusal))
        await self._load()
        return None


def _answerer_badges(shown: list[QuestionView]) -> dict[str, list[str]]:
    return badges_for(a.author_id for q in shown for a in q.answers)


async def render_questions(event: DomainEvent) -> Push | None:
    """Questions of a product changed: the list, read once, to everyone on its page."""
    if parse_id(event.aggregate_id) is None:
        return None
    shown = await asyncio.to_thread(
        questions.live_questions, app_context(), int(event.aggregate_id)
    )
    badges = await asyncio.to_thread(_answerer_badges, shown)
    return delta(QuestionsState, questions=shown, name_badges=badges)


rooms.register("questions", render_questions)

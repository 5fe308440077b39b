"""Questions on products, routed to past buyers (friends first), and their answers."""

from __future__ import annotations

from app.services.questions.asking import (
    QuestionRefused,
    answer_question,
    ask_question,
    vote_answer,
    withdraw_answer_vote,
)
from app.services.questions.reading import (
    AnswerView,
    QuestionsPage,
    QuestionView,
    live_questions,
    product_questions,
)
from app.services.questions.routing import route_questions

__all__ = [
    "AnswerView",
    "QuestionRefused",
    "QuestionView",
    "QuestionsPage",
    "answer_question",
    "ask_question",
    "live_questions",
    "product_questions",
    "route_questions",
    "vote_answer",
    "withdraw_answer_vote",
]

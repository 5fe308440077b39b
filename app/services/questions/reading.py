"""What the questions block of a product page reads (the same for every viewer, so the live
push is one read per change), and what a viewer has voted."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app.adapters.db.models_people import User
from app.adapters.db.models_social import Answer, AnswerVote, Question
from app.domain.clock import as_utc
from app.services.context import Context
from app.services.deals.views import product_id_for

SHOWN = 30


@dataclass(frozen=True)
class AnswerView:
    id: int
    author_id: int
    author_name: str
    body: str
    buyer: bool
    helpful: int
    date: str


@dataclass(frozen=True)
class QuestionView:
    id: int
    asker_id: int
    asker_name: str
    body: str
    date: str
    answers: list[AnswerView] = field(default_factory=list)


@dataclass(frozen=True)
class QuestionsPage:
    product_id: int
    questions: list[QuestionView]
    my_votes: list[int]  # answer ids the viewer found helpful
    my_answered: list[int]  # question ids the viewer answered


def read_questions(session: Session, product_id: int) -> list[QuestionView]:
    """The newest questions with their answers, buyers' answers first, then most helpful."""
    rows = session.exec(
        select(Question, User)
        .join(User, col(User.id) == Question.asker_id)
        .where(Question.product_id == product_id)
        .order_by(col(Question.id).desc())
        .limit(SHOWN)
    ).all()
    ids = [q.id for q, _ in rows]
    answers: dict[int, list[AnswerView]] = {}
    if ids:
        for a, u in session.exec(
            select(Answer, User)
            .join(User, col(User.id) == Answer.author_id)
            .where(col(Answer.question_id).in_(ids))
            .order_by(col(Answer.buyer).desc(), col(Answer.helpful).desc(), col(Answer.id))
        ).all():
            answers.setdefault(a.question_id, []).append(
                AnswerView(
                    a.id or 0,
                    a.author_id,
                    u.display_name,
                    a.body,
                    a.buyer,
                    a.helpful,
                    as_utc(a.created_at).date().isoformat(),
                )
            )
    return [
        QuestionView(
            q.id or 0,
            q.asker_id,
            u.display_name,
            q.body,
            as_utc(q.created_at).date().isoformat(),
            answers.get(q.id or 0, []),
        )
        for q, u in rows
    ]


def product_questions(ctx: Context, viewer_id: int | None, product_key: str) -> QuestionsPage:
    """A product page's questions and answers, and which answers this viewer voted."""
    with ctx.session() as session:
        product_id = product_id_for(session, product_key[:100]) or 0
        shown = read_questions(session, product_id) if product_id else []
        answer_ids = [a.id for q in shown for a in q.answers]
        votes: list[int] = []
        if viewer_id and answer_ids:
            votes = list(
                session.exec(
                    select(AnswerVote.answer_id).where(
                        AnswerVote.user_id == viewer_id, col(AnswerVote.answer_id).in_(answer_ids)
                    )
                ).all()
            )
        answered = [q.id for q in shown if any(a.author_id == viewer_id for a in q.answers)]
        return QuestionsPage(product_id, shown, votes, answered)


def live_questions(ctx: Context, product_id: int) -> list[QuestionView]:
    """What every viewer of a product's questions sees after a change."""
    with ctx.session() as session:
        return read_questions(session, product_id)

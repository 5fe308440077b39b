"""Asking and answering questions about a product, and voting answers helpful."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from app.adapters.db.models import Product
from app.adapters.db.models_people import User
from app.adapters.db.models_social import Answer, AnswerVote, Question
from app.domain import questions as rules
from app.domain.events import DomainEvent, EventKind
from app.domain.reviews import TextRefused, clean_text
from app.domain.rewards import PointsReason
from app.domain.throttle import Rate
from app.routes import product_url
from app.services import helpful_marks
from app.services.activity import tell_friends
from app.services.allowances import spend
from app.services.buyers import buyers_of
from app.services.context import Context
from app.services.notifications import NotificationKind, notify
from app.services.rate_limits import stamp

# A person asks QUESTIONS_PER_HOUR and answers ANSWERS_PER_HOUR (the database windows); an
# address, five people's worth of each. Helpful marks share the reviews' allowances.
QUESTIONS_PER_ADDRESS = Rate("question.address", limit=5 * rules.QUESTIONS_PER_HOUR, seconds=3600)
ANSWERS_PER_ADDRESS = Rate("answer.address", limit=5 * rules.ANSWERS_PER_HOUR, seconds=3600)


class QuestionRefused(ValueError):
    """A question action we refuse, with a message for the person."""


_HELPFUL = helpful_marks.Helpful(
    "answer", Answer, AnswerVote, PointsReason.ANSWER_HELPFUL, QuestionRefused
)


def questions_changed(product_id: int) -> DomainEvent:
    return DomainEvent("questions", str(product_id), 0, EventKind.QUESTIONS_CHANGED)


def _text(raw: str, label: str, limit: int) -> str:
    try:
        return clean_text(raw, field="text", label=label, limit=limit, lines=12)
    except TextRefused as error:
        raise QuestionRefused(error.message) from None


def ask_question(
    ctx: Context, actor_id: int, product_id: int, text: str, address: str | None = None
) -> int:
    """Ask a question on a product. The router (a due-work job) sends it to past buyers within
    seconds: the asker's friends who bought it first. Returns the question's id. Refused
    (nothing kept) when the person or their address asks too fast."""
    body = _text(text, "A question", rules.MAX_QUESTION)
    with ctx.uow() as uow:
        if uow.session.get(Product, product_id) is None:
            raise QuestionRefused("We couldn't find that product.")
        stamp(
            uow.session,
            actor_id,
            "question",
            limit=rules.QUESTIONS_PER_HOUR,
            window=timedelta(hours=1),
            now=ctx.now(),
            refuse=QuestionRefused,
        )
        now = ctx.now()
        question = Question(
            product_id=product_id,
            asker_id=actor_id,
            body=body,
            created_at=now,
            route_due_at=now + rules.FIRST_ROUTE_DELAY,
        )
        uow.session.add(question)
        uow.session.flush()
        uow.record(questions_changed(product_id))
        spend(ctx, QuestionRefused, (QUESTIONS_PER_ADDRESS, address))
        return question.id or 0


def answer_question(
    ctx: Context, actor_id: int, question_id: int, text: str, address: str | None = None
) -> int:
    """Answer a question (once per person); a buyer's answer is marked as such, the asker is
    notified and the question stops being routed. Returns the answer's id. Refused (nothing
    kept) when the person or their address answers too fast."""
    body = _text(text, "An answer", rules.MAX_ANSWER)
    with ctx.uow() as uow:
        question = uow.session.get(Question, question_id)
        if question is None:
            raise QuestionRefused("That question is gone.")
        if question.asker_id == actor_id:
            raise QuestionRefused("You asked this question; other shoppers will answer it.")
        stamp(
            uow.session,
            actor_id,
            "answer",
            limit=rules.ANSWERS_PER_HOUR,
            window=timedelta(hours=1),
            now=ctx.now(),
            refuse=QuestionRefused,
        )
        buyer = bool(buyers_of(uow.session, question.product_id, [actor_id]))
        answer = Answer(
            question_id=question_id,
            author_id=actor_id,
            body=body,
            buyer=buyer,
            created_at=ctx.now(),
        )
        try:
            with uow.session.begin_nested():
                uow.session.add(answer)
        except IntegrityError:
            raise QuestionRefused("You have already answered this question.") from None
        uow.session.exec(
            update(Question)
            .where(col(Question.id) == question_id)
            .values(answers=Question.answers + 1, route_due_at=None)
        )
        author = uow.session.get(User, actor_id)
        product = uow.session.get(Product, question.product_id)
        name = author.display_name if author else "Someone"
        notify(
            uow,
            question.asker_id,
            NotificationKind.ANSWER_TO_YOUR_QUESTION,
            f"{name} answered your question"
            + (" (bought it)" if buyer else "")
            + (f" about {product.title}" if product else ""),
            body=body,
            link=str(product_url(product.slug)) + "#questions" if product else "",
            question_id=question_id,
        )
        uow.record(questions_changed(question.product_id))
        tell_friends(uow, actor_id, "share.answers")
        spend(ctx, QuestionRefused, (ANSWERS_PER_ADDRESS, address))
        return answer.id or 0


def vote_answer(ctx: Context, actor_id: int, answer_id: int, address: str | None = None) -> None:
    """One "helpful" vote per shopper per answer, never on one's own; refused (nothing kept)
    when the person or their address marks too fast."""
    with ctx.uow() as uow:
        answer = helpful_marks.mark(ctx, uow.session, _HELPFUL, actor_id, answer_id, address)
        uow.record(questions_changed(_product_of(uow.session, answer)))


def withdraw_answer_vote(
    ctx: Context, actor_id: int, answer_id: int, address: str | None = None
) -> None:
    """Take one's "helpful" mark on an answer back; its author's points for it are reversed
    (a negative ledger entry). Refused (nothing changed) when the person or their address does
    it too fast."""
    with ctx.uow() as uow:
        answer = helpful_marks.unmark(ctx, uow.session, _HELPFUL, actor_id, answer_id, address)
        uow.record(questions_changed(_product_of(uow.session, answer)))


def _product_of(session: Session, answer: Answer) -> int:
    return session.exec(select(Question.product_id).where(Question.id == answer.question_id)).one()

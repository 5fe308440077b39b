"""Routing questions to people who can answer them: a piece of due work (app/services/
deadlines.py) that every backend process runs every few seconds.

A question is claimed with a conditional UPDATE of its `route_due_at` (moving it a day ahead),
so two processes never route the same round; each ask is a row with a (question, person) key,
so nobody is asked twice about one question even if a claim were lost.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select, update

from app.adapters.db.models import Product
from app.adapters.db.models_people import User
from app.adapters.db.models_social import Question, QuestionAsk
from app.domain import questions as rules
from app.domain.clock import as_utc
from app.routes import product_url
from app.services.buyers import past_buyers
from app.services.circle import friend_ids
from app.services.context import Context
from app.services.notifications import NotificationKind, notify
from app.services.preferences import sharing

PER_TICK = 20


def route_questions(ctx: Context) -> int:
    """Route every question whose round is due; returns how many people were asked."""
    now = as_utc(ctx.now())
    with ctx.session() as session:
        due = session.exec(
            select(Question.id, Question.route_due_at)
            .where(col(Question.route_due_at).is_not(None), col(Question.route_due_at) <= now)
            .order_by(col(Question.route_due_at))
            .limit(PER_TICK)
        ).all()
    asked = 0
    for question_id, due_at in due:
        asked += _route_one(ctx, question_id or 0, due_at, now)
    return asked


def _route_one(ctx: Context, question_id: int, due_at: datetime | None, now: datetime) -> int:
    with ctx.uow() as uow:
        session = uow.session
        claimed = session.exec(
            update(Question)
            .where(col(Question.id) == question_id, col(Question.route_due_at) == due_at)
            .values(route_due_at=rules.next_round_at(now, 0), rounds=Question.rounds + 1)
        )
        if not claimed.rowcount:
            return 0  # another process took this round
        question = session.get(Question, question_id)
        assert question is not None
        chosen = _recipients(session, question, now)
        friends = friend_ids(session, question.asker_id)
        asker = session.get(User, question.asker_id)
        product = session.get(Product, question.product_id)
        title = product.title if product else "a product"
        for user_id in chosen:
            session.add(
                QuestionAsk(
                    question_id=question_id,
                    user_id=user_id,
                    friend=user_id in friends,
                    asked_at=now,
                )
            )
            who = asker.display_name if asker else "A shopper"
            notify(
                uow,
                user_id,
                NotificationKind.QUESTION_TO_ANSWER,
                f"{who} asks about {title}, which you bought",
                body=question.body,
                link=str(product_url(product.slug)) + "#questions" if product else "",
                question_id=question_id,
            )
        return len(chosen)


def _recipients(session: Session, question: Question, now: datetime) -> list[int]:
    buyers = [user_id for user_id, _at in past_buyers(session, question.product_id)]
    # Someone who turned these notifications off is not asked (and not counted as asked).
    willing = sharing(session, buyers, "notify.question_to_answer")
    buyers = [b for b in buyers if b in willing]
    if not buyers:
        return []
    friends = friend_ids(session, question.asker_id)
    asked = session.exec(
        select(QuestionAsk.user_id).where(QuestionAsk.question_id == question.id)
    ).all()
    week = session.exec(
        select(QuestionAsk.user_id, func.count())
        .where(
            col(QuestionAsk.user_id).in_(buyers),
            col(QuestionAsk.asked_at) > now - rules.CAP_WINDOW,
        )
        .group_by(col(QuestionAsk.user_id))
    ).all()
    return rules.pick_recipients(
        asker_id=question.asker_id,
        friend_buyers=[b for b in buyers if b in friends],
        other_buyers=[b for b in buyers if b not in friends],
        already_asked=asked,
        asked_this_week={int(u): int(n) for u, n in week},
    )

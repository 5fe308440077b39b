"""Tables for trust between shoppers: reviews and their photos and votes, questions routed to past
buyers and their answers, in-app notifications, and the windows behind per-person rate limits.

One review per (product, author), one vote per (review, voter) and one ask per (question, person)
are unique constraints, so a double click or a second process can never count twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.adapters.db.columns import Timestamp


def _moment(*, index: bool = False) -> datetime | None:
    return Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True, index=index)
    )


class Review(SQLModel, table=True):
    __tablename__ = "review"
    __table_args__ = (
        UniqueConstraint("product_id", "author_id", name="uq_review_product_author"),
        CheckConstraint("stars BETWEEN 1 AND 5", name="ck_review_stars"),
    )

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    author_id: int = Field(foreign_key="user.id", index=True)
    stars: int
    title: str = Field(max_length=120)
    body: str = Field(max_length=2000)
    helpful: int = 0
    created_at: datetime = Timestamp()
    updated_at: datetime = Timestamp()


class ReviewPhoto(SQLModel, table=True):
    """A re-encoded photo stored as DATA_DIR/review-photos/<file_name>."""

    __tablename__ = "review_photo"

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    file_name: str = Field(max_length=80, unique=True)
    width: int
    height: int
    created_at: datetime = Timestamp()


class ReviewVote(SQLModel, table=True):
    __tablename__ = "review_vote"

    review_id: int = Field(foreign_key="review.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True, index=True)
    created_at: datetime = Timestamp()


class Question(SQLModel, table=True):
    """A shopper's question on a product. `route_due_at` is when the router next acts (None:
    answered, or nobody left to ask); the deadlines loop claims it with a conditional UPDATE."""

    __tablename__ = "question"

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True)
    asker_id: int = Field(foreign_key="user.id", index=True)
    body: str = Field(max_length=500)
    answers: int = 0
    rounds: int = 0
    route_due_at: datetime | None = _moment(index=True)
    created_at: datetime = Timestamp()


class QuestionAsk(SQLModel, table=True):
    """One person asked to answer one question (the weekly cap counts these)."""

    __tablename__ = "question_ask"
    __table_args__ = (Index("ix_question_ask_user_at", "user_id", "asked_at"),)

    question_id: int = Field(foreign_key="question.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True)
    friend: bool = False
    asked_at: datetime = Timestamp()


class Answer(SQLModel, table=True):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("question_id", "author_id", name="uq_answer_author"),)

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="question.id", index=True)
    author_id: int = Field(foreign_key="user.id", index=True)
    body: str = Field(max_length=1000)
    buyer: bool = False  # computed from our orders when the answer was written
    helpful: int = 0
    created_at: datetime = Timestamp()


class AnswerVote(SQLModel, table=True):
    __tablename__ = "answer_vote"

    answer_id: int = Field(foreign_key="answer.id", primary_key=True)
    user_id: int = Field(foreign_key="user.id", primary_key=True, index=True)
    created_at: datetime = Timestamp()


class Notification(SQLModel, table=True):
    """`ref` names the fact a derived notification is about ("deal:7:succeeded"); unique per
    person, so processes that derive it at once still notify once (NULLs never collide)."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_read", "user_id", "read_at"),
        UniqueConstraint("user_id", "ref", name="uq_notification_user_ref"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=40)
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=300)
    link: str = Field(default="", max_length=200)
    question_id: int | None = Field(default=None, foreign_key="question.id")
    ref: str | None = Field(default=None, max_length=80)
    read_at: datetime | None = _moment()
    created_at: datetime = Timestamp()


class RateWindow(SQLModel, table=True):
    """One person's recent writes of one kind ("review", "question", "answer", "vote") as
    comma-separated epoch seconds: a sliding window shared by every backend process, moved only
    by compare-and-set (app/services/rate_limits.py), so two writers can never both take the
    last slot. 30 stamps take about 450 characters."""

    __tablename__ = "rate_window"

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    action: str = Field(max_length=30, primary_key=True)
    stamps: str = Field(default="", max_length=1000)


class Preference(SQLModel, table=True):
    """One person's choice for one setting ("share.purchases", "notify.answer_to_your_question");
    no row means the default in app/domain/sharing.py."""

    __tablename__ = "preference"

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    key: str = Field(max_length=60, primary_key=True)
    enabled: bool
    updated_at: datetime = Timestamp()

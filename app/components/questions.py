"""Questions and answers on a product page: ask, see answers (buyers' marked), answer, vote."""

from __future__ import annotations

import reflex as rx

from app.components.form_fields import field_error
from app.components.rewards import name_badges
from app.domain.questions import MAX_ANSWER, MAX_QUESTION
from app.services.questions import AnswerView, QuestionView
from app.states.questions import QuestionsState


def _answer(answer: rx.Var[AnswerView]) -> rx.Component:
    voted = QuestionsState.my_votes.contains(answer.id)
    own = answer.author_id == QuestionsState.my_id
    return rx.vstack(
        rx.hstack(
            rx.text(answer.author_name, weight="medium", size="2"),
            name_badges(QuestionsState.name_badges.get(answer.author_id.to_string(), [])),
            rx.cond(
                answer.buyer,
                rx.badge(
                    rx.icon("badge-check", size=12),
                    "Bought it here",
                    color_scheme="grass",
                    data_testid="answer-buyer",
                ),
            ),
            rx.text(answer.date, size="1", color=rx.color("gray", 11)),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        rx.text(answer.body, white_space="pre-wrap", size="2", data_testid="answer-body"),
        rx.hstack(
            rx.button(
                rx.icon("thumbs-up", size=12),
                rx.cond(voted, "You found this helpful (undo)", "Helpful"),
                size="1",
                variant="ghost",
                disabled=own | (QuestionsState.my_id == 0),
                on_click=rx.cond(
                    voted, QuestionsState.unvote(answer.id), QuestionsState.vote(answer.id)
                ),
                aria_label="Mark the answer by " + answer.author_name + " helpful",
            ),
            rx.text(
                answer.helpful.to_string() + " found this helpful",
                size="1",
                color=rx.color("gray", 11),
                data_testid="answer-helpful",
            ),
            align="center",
            spacing="2",
        ),
        spacing="1",
        align="start",
        padding_left="var(--space-3)",
        border_left=f"2px solid {rx.color('gray', 5)}",
        width="100%",
        data_testid="answer",
    )


def _answer_form(question: rx.Var[QuestionView]) -> rx.Component:
    key = question.id.to_string()
    return rx.form(
        rx.hstack(
            rx.el.input(type="hidden", name="question_id", value=key),
            rx.input(
                name="answer",
                placeholder="Your answer",
                max_length=MAX_ANSWER,
                aria_label="Your answer to " + question.body,
                flex_grow="1",
            ),
            rx.button("Answer", type="submit", variant="soft", size="2"),
            width="100%",
            spacing="2",
        ),
        rx.cond(
            QuestionsState.answer_errors.contains(key),
            rx.text(
                QuestionsState.answer_errors[key], color=rx.color("red", 11), size="2", role="alert"
            ),
        ),
        on_submit=QuestionsState.answer,
        reset_on_submit=True,
        width="100%",
    )


def _question(question: rx.Var[QuestionView]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("message-circle-question", size=16, aria_hidden="true"),
                rx.text(question.body, weight="bold", data_testid="question-body"),
                align="center",
                spacing="2",
            ),
            rx.text(
                "Asked by " + question.asker_name + " on " + question.date,
                size="1",
                color=rx.color("gray", 11),
            ),
            rx.foreach(question.answers, _answer),
            rx.cond(
                question.answers.length() == 0,
                rx.text(
                    "No answers yet: we've asked people who bought it.",
                    size="2",
                    color=rx.color("gray", 11),
                ),
            ),
            rx.cond(
                (QuestionsState.my_id != 0)
                & (question.asker_id != QuestionsState.my_id)
                & ~QuestionsState.my_answered.contains(question.id),
                _answer_form(question),
            ),
            spacing="2",
            align="start",
            width="100%",
        ),
        width="100%",
        data_testid="question",
    )


def questions_section() -> rx.Component:
    return rx.el.section(
        rx.vstack(
            rx.heading("Questions and answers", size="6", as_="h2", id="questions"),
            rx.cond(
                QuestionsState.signed_in,
                rx.form(
                    rx.vstack(
                        rx.el.label(
                            "Ask people who bought it", html_for="question-text", font_weight="500"
                        ),
                        rx.hstack(
                            rx.input(
                                id="question-text",
                                name="question",
                                max_length=MAX_QUESTION,
                                placeholder="Does it fit…? How big is…?",
                                aria_describedby="question-error",
                                flex_grow="1",
                            ),
                            rx.button("Ask", type="submit"),
                            width="100%",
                            spacing="2",
                        ),
                        field_error(QuestionsState.ask_error, "question"),
                        spacing="1",
                        width="100%",
                        align="start",
                    ),
                    on_submit=QuestionsState.ask,
                    reset_on_submit=False,
                    width="100%",
                ),
                rx.text("Sign in to ask a question.", color=rx.color("gray", 11)),
            ),
            rx.foreach(QuestionsState.questions, _question),
            spacing="3",
            width="100%",
            align="start",
        ),
        aria_labelledby="questions",
        width="100%",
    )

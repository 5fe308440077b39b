"""Payment terms the pages and services share: the sandbox's test cards.

The local test server (and Stripe's test mode) accept well-known card numbers that never move
money. This is the one table of them: the chooser shows it, the sandbox turns a choice into a
payment method.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SandboxCard(StrEnum):
    SUCCESS = "success"
    DECLINE = "decline"
    THREE_DS = "3ds"


@dataclass(frozen=True)
class SandboxCardInfo:
    card: SandboxCard
    title: str
    number: str  # spaced for reading; the sandbox strips the spaces

    @property
    def digits(self) -> str:
        return self.number.replace(" ", "")


SANDBOX_CARDS: tuple[SandboxCardInfo, ...] = (
    SandboxCardInfo(SandboxCard.SUCCESS, "Payment succeeds", "4242 4242 4242 4242"),
    SandboxCardInfo(SandboxCard.DECLINE, "Card is declined", "4000 0000 0000 0341"),
    SandboxCardInfo(SandboxCard.THREE_DS, "Bank asks for 3-D Secure", "4000 0025 0000 3155"),
)


def sandbox_card(kind: str | None) -> SandboxCard | None:
    """The card a form value names, or None for anything else."""
    try:
        return SandboxCard(kind or "")
    except ValueError:
        return None

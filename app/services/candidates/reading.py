"""What the vote page and the console's Candidates tab read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from app.adapters.db.models import Category
from app.adapters.db.models_rewards import Candidate, CandidateVote
from app.domain.be_the_buyer import STATUS_LABELS, CandidateStatus
from app.domain.clock import as_utc
from app.domain.money import format_minor
from app.domain.people import HOSTING_ROLES
from app.routes import deal_url
from app.services.catalog import PLACEHOLDER_IMAGE
from app.services.console.access import require
from app.services.console.products import CategoryChoice
from app.services.context import Context

DECIDED_SHOWN = 12


@dataclass(frozen=True)
class CandidateView:
    id: int
    title: str
    description: str
    image: str
    price: str  # "$24.00"
    threshold: int
    status: str  # CandidateStatus value
    status_label: str
    closes: str  # "2026-12-09 18:00 UTC"
    closes_iso: str
    deal_link: str  # "" until it is a deal


@dataclass(frozen=True)
class CandidateCounts:
    """What the vote page's room receives after each change (keys are candidate ids)."""

    votes: dict[str, int]
    status: dict[str, str]
    deal_links: dict[str, str]


@dataclass(frozen=True)
class VotePage:
    open: list[CandidateView]
    decided: list[CandidateView]
    counts: CandidateCounts
    my_votes: list[int]


def _view(row: Candidate) -> CandidateView:
    status = CandidateStatus(row.status)
    closes = as_utc(row.closes_at)
    return CandidateView(
        id=row.id or 0,
        title=row.title,
        description=row.description,
        image=row.image_url or PLACEHOLDER_IMAGE,
        price=format_minor(row.target_price, row.currency),
        threshold=row.threshold,
        status=status.value,
        status_label=STATUS_LABELS[status],
        closes=closes.strftime("%Y-%m-%d %H:%M UTC"),
        closes_iso=closes.isoformat(),
        deal_link=str(deal_url(row.deal_id)) if row.deal_id else "",
    )


def _counts(rows: list[Candidate]) -> CandidateCounts:
    return CandidateCounts(
        votes={str(r.id): r.votes for r in rows},
        status={str(r.id): r.status for r in rows},
        deal_links={str(r.id): str(deal_url(r.deal_id)) for r in rows if r.deal_id},
    )


def _shown(session: Session) -> tuple[list[Candidate], list[Candidate]]:
    open_rows = list(
        session.exec(
            select(Candidate)
            .where(col(Candidate.status) == CandidateStatus.OPEN)
            .order_by(col(Candidate.closes_at), col(Candidate.id))
        ).all()
    )
    decided = list(
        session.exec(
            select(Candidate)
            .where(col(Candidate.status) != CandidateStatus.OPEN)
            .order_by(col(Candidate.decided_at).desc(), col(Candidate.id).desc())
            .limit(DECIDED_SHOWN)
        ).all()
    )
    return open_rows, decided


def vote_page(ctx: Context, viewer_id: int | None) -> VotePage:
    """Candidates taking votes (closing soonest first), the latest decided ones ("now a deal",
    "not this time"), live counts, and which of them the viewer voted for."""
    with ctx.session() as session:
        open_rows, decided = _shown(session)
        mine = (
            session.exec(
                select(CandidateVote.candidate_id).where(col(CandidateVote.user_id) == viewer_id)
            ).all()
            if viewer_id
            else []
        )
    return VotePage(
        open=[_view(r) for r in open_rows],
        decided=[_view(r) for r in decided],
        counts=_counts(open_rows + decided),
        my_votes=sorted(int(m) for m in mine),
    )


def candidate_counts(ctx: Context) -> CandidateCounts:
    """The live part of the vote page, read once per change for everyone watching it."""
    with ctx.session() as session:
        open_rows, decided = _shown(session)
    return _counts(open_rows + decided)


@dataclass(frozen=True)
class ConsoleCandidates:
    rows: list[CandidateView]
    counts: CandidateCounts
    categories: list[CategoryChoice]


def console_candidates(ctx: Context, actor_id: int) -> ConsoleCandidates:
    """Every candidate, newest first, and the categories to file a new one under; for hosts
    and admins (ConsoleRefused otherwise)."""
    with ctx.session() as session:
        require(session, actor_id, HOSTING_ROLES)
        rows = list(
            session.exec(select(Candidate).order_by(col(Candidate.id).desc()).limit(100)).all()
        )
        categories = session.exec(select(Category).order_by(col(Category.name))).all()
    return ConsoleCandidates(
        [_view(r) for r in rows],
        _counts(rows),
        [CategoryChoice(c.slug, c.name) for c in categories],
    )

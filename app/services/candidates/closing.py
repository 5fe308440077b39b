"""Due work: candidates past their closing date below their threshold close as "not this
time". One conditional UPDATE, so several processes running it at once close each one once."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col

from app.adapters.db.models_rewards import Candidate
from app.domain.be_the_buyer import CandidateStatus
from app.domain.clock import as_utc
from app.services.candidates.records import changed
from app.services.context import Context


def close_missed_candidates(ctx: Context) -> list[int]:
    """Close every open candidate whose date passed without enough votes; their ids."""
    now = as_utc(ctx.now())
    with ctx.uow() as uow:
        rows = uow.session.exec(
            update(Candidate)
            .where(
                col(Candidate.status) == CandidateStatus.OPEN,
                col(Candidate.closes_at) <= now,
                col(Candidate.votes) < col(Candidate.threshold),
            )
            .values(
                status=CandidateStatus.NOT_THIS_TIME.value,
                decided_at=now,
                version=col(Candidate.version) + 1,
            )
            .returning(col(Candidate.id)),
            execution_options={"synchronize_session": False},
        ).all()
        closed = sorted(int(row[0]) for row in rows)
        for candidate_id in closed:
            uow.record(changed(candidate_id))
        return closed

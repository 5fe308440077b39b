"""Posting a candidate product for shoppers to vote on (hosts and admins, from the console)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import col, select

from app.adapters.db.models import Category
from app.adapters.db.models_rewards import Candidate
from app.adapters.media.images import ImageRejected, reencode, store_product_image
from app.domain.be_the_buyer import CandidateDraft, validate_candidate
from app.domain.clock import as_utc, local_to_utc
from app.domain.numbers import is_digits
from app.domain.people import HOSTING_ROLES
from app.services.candidates.records import changed
from app.services.console.access import require
from app.services.console.audit import note
from app.services.context import Context
from app.services.deals.form import parse_price


class CandidateFormError(ValueError):
    """Fields to fix; `field_errors` maps a form field to its message."""

    def __init__(self, field_errors: Mapping[str, str]) -> None:
        self.field_errors = dict(field_errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.field_errors.items()))


def _whole(raw: str) -> int:
    text = raw.strip()
    return int(text) if is_digits(text, 6) else 0


def post_candidate(
    ctx: Context,
    actor_id: int,
    form: Mapping[str, str],
    offset_minutes: int,
    image: bytes | None = None,
) -> int:
    """Put a product to the vote: `title`, `description`, `target_price` ("24.50"), `threshold`
    (votes that make it a deal), `closes_at` (datetime-local, with the browser's
    `getTimezoneOffset()` minutes) and `category` (a slug), plus an optional picture.
    CandidateFormError with a message per bad field; ConsoleRefused unless a host or admin.
    Returns the candidate's id."""
    now = as_utc(ctx.now())
    picture = None
    errors: dict[str, str] = {}
    if image:
        try:
            picture = reencode(image)
        except ImageRejected as rejected:
            errors["image"] = str(rejected)
    closes_at = local_to_utc(form.get("closes_at"), offset_minutes=offset_minutes)
    draft = CandidateDraft(
        title=(form.get("title") or "").strip(),
        description=(form.get("description") or "").strip(),
        target_price=parse_price(form.get("target_price") or "") or 0,
        threshold=_whole(form.get("threshold") or ""),
        closes_at=closes_at or now,
    )
    errors.update(validate_candidate(draft, now))
    if closes_at is None:
        errors["closes_at"] = "Pick a closing date and time."
    with ctx.uow() as uow:
        require(uow.session, actor_id, HOSTING_ROLES)
        slug = (form.get("category") or "").strip()
        category_id = uow.session.exec(
            select(Category.id).where(col(Category.slug) == slug)
        ).first()
        if category_id is None:
            errors["category"] = "Choose a category."
        if errors or category_id is None:
            raise CandidateFormError(errors)
        row = Candidate(
            title=draft.title,
            description=draft.description,
            image_url=store_product_image(picture) if picture is not None else "",
            category_id=category_id,
            target_price=draft.target_price,
            threshold=draft.threshold,
            closes_at=draft.closes_at,
            created_by=actor_id,
        )
        uow.session.add(row)
        uow.session.flush()
        assert row.id is not None
        note(uow, actor_id, "candidate.post", f"candidate {row.id} ({draft.title})")
        uow.record(changed(row.id, actor_id))
        return row.id

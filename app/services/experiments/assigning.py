"""Which arm a shopper sees, and the exposure it counts as.

The visitor id is what a shopper is bucketed by: the anonymous id their browser keeps, and for
a signed-in shopper the id linked to their account when first seen signed in, so the arm stays
the same across sign-in, sign-out and other devices. The first time a visitor taking part in a
split is shown an arm, one `experiment.exposed` event is logged (the console counts those).
"""

from __future__ import annotations

import threading

from openfeature.evaluation_context import EvaluationContext
from openfeature.flag_evaluation import Reason
from sqlalchemy.exc import IntegrityError

from app.adapters.db.models_experiments import Exposure, VisitorLink
from app.domain.events import DomainEvent, EventKind
from app.domain.experiments import DEAL_CARD_LAYOUT, FLAGS
from app.services.context import Context
from app.services.experiments.flags import flag_client

MAX_VISITOR_ID = 64
# Exposures this process already stored (or found stored): no database write per page view.
_seen: set[tuple[int, str, str]] = set()
_seen_lock = threading.Lock()
_SEEN_LIMIT = 100_000


def clean_visitor_id(raw: str) -> str:
    """A visitor id as stored: printable ASCII without spaces, at most 64 characters."""
    text = "".join(ch for ch in str(raw) if 33 <= ord(ch) < 127)
    return text[:MAX_VISITOR_ID]


def visitor_for(ctx: Context, user_id: int | None, anonymous_id: str) -> str:
    """The id to bucket by: the account's linked id when signed in (linking the current
    anonymous id on first sight), else the anonymous id."""
    anonymous_id = clean_visitor_id(anonymous_id)
    if user_id is None:
        return anonymous_id
    with ctx.session() as session:
        link = session.get(VisitorLink, user_id)
        if link is not None:
            return link.visitor_id
    if not anonymous_id:
        return ""
    try:
        with ctx.uow() as uow:
            uow.session.add(VisitorLink(user_id=user_id, visitor_id=anonymous_id))
    except IntegrityError:  # another tab linked one a moment ago: that one wins
        with ctx.session() as session:
            link = session.get(VisitorLink, user_id)
            return link.visitor_id if link else anonymous_id
    return anonymous_id


def _expose(ctx: Context, key: str, visitor_id: str, arm: str, user_id: int | None) -> None:
    with _seen_lock:
        if (id(ctx), key, visitor_id) in _seen:
            return
    try:
        with ctx.uow() as uow:
            if uow.session.get(Exposure, (key, visitor_id)) is None:
                uow.session.add(Exposure(experiment_key=key, visitor_id=visitor_id, variant=arm))
                uow.record(
                    DomainEvent(
                        "experiment",
                        key,
                        0,
                        EventKind.EXPERIMENT_EXPOSED,
                        {"visitor": visitor_id, "variant": arm},
                        actor_id=user_id,
                    )
                )
    except IntegrityError:
        pass  # the same visitor in another tab, at the same moment: exposed once
    with _seen_lock:
        if len(_seen) > _SEEN_LIMIT:
            _seen.clear()
        _seen.add((id(ctx), key, visitor_id))


def variant(ctx: Context, key: str, visitor_id: str, user_id: int | None = None) -> str:
    """The arm of flag `key` this visitor sees (read through OpenFeature); records the
    exposure when they take part in a split."""
    flag = FLAGS[key]
    details = flag_client(ctx).get_string_details(
        key, flag.control, EvaluationContext(targeting_key=visitor_id or None)
    )
    if details.reason == Reason.SPLIT and visitor_id:
        _expose(ctx, key, visitor_id, details.value, user_id)
    return details.value


def deal_card_layout(ctx: Context, viewer_id: int | None, anonymous_id: str) -> str:
    """The deal card layout this shopper sees: "classic" or "compact"."""
    visitor = visitor_for(ctx, viewer_id, anonymous_id)
    return variant(ctx, DEAL_CARD_LAYOUT.key, visitor, viewer_id)

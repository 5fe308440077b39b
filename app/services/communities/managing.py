"""Starting a community (hosts from its list page, admins from the console) and attaching a
deal or a live session to it (its hosts)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import select

from app.adapters.db.cart_statements import insert_ignoring_conflicts
from app.adapters.db.models import Category
from app.adapters.db.models_community import Community, CommunityFeature, CommunityMember
from app.adapters.db.models_deals import Deal
from app.adapters.db.models_live import LiveSession
from app.domain.communities import FEATURE_KINDS, HOST, CommunityRefused, parse_community_form
from app.domain.events import EventKind
from app.domain.people import may_host
from app.domain.plain_text import could_be_slug
from app.services.communities.access import (
    community_by_slug,
    find,
    moderates,
    record_news,
    signed_in,
)
from app.services.console.audit import note
from app.services.context import Context


class CommunityFormError(ValueError):
    """The form has problems; `field_errors` maps each field to its message."""

    def __init__(self, field_errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in field_errors.items()))
        self.field_errors = field_errors


def create_community(ctx: Context, actor_id: int | None, form: Mapping[str, str]) -> str:
    """A host or an admin starts a community (name, description, optional catalog category
    slug); they are its first member and host. Its slug (its address)."""
    now = ctx.now()
    with ctx.uow() as uow:
        session = uow.session

        who = signed_in(session, actor_id, "start a community")
        if not may_host(who.role):
            raise CommunityRefused("Only hosts and admins can start a community.")
        draft, errors = parse_community_form(form)
        category_id = None
        category_slug = (form.get("category") or "").strip()
        if category_slug:
            category_id = (
                session.exec(select(Category.id).where(Category.slug == category_slug)).first()
                if could_be_slug(category_slug)
                else None
            )
            if category_id is None:
                errors["category"] = "Choose a category from the list (or none)."
        if draft is not None and community_by_slug(session, draft.slug) is not None:
            errors["name"] = "There is already a community with this name."
        if errors or draft is None:
            raise CommunityFormError(errors)
        community = Community(
            slug=draft.slug,
            name=draft.name,
            description=draft.description,
            category_id=category_id,
            created_by=who.id or 0,
            created_at=now,
        )
        session.add(community)
        session.flush()
        session.add(
            CommunityMember(
                community_id=community.id or 0, user_id=who.id or 0, role=HOST, joined_at=now
            )
        )
        session.flush()
        record_news(uow, community.id or 0, EventKind.COMMUNITY_MEMBERS_CHANGED, now)
        note(uow, who.id or 0, "community.create", f"community {community.slug}", community.name)
        return community.slug


def feature(ctx: Context, actor_id: int | None, community_id: int, kind: str, ref_id: int) -> bool:
    """A host attaches an open deal or an upcoming live session to the community; False if it
    already was."""
    now = ctx.now()
    with ctx.uow() as uow:
        session = uow.session
        find(session, community_id)
        if not moderates(session, community_id, actor_id):
            raise CommunityRefused("Only the community's hosts can do that.")
        if kind not in FEATURE_KINDS:
            raise CommunityRefused("Attach a deal or a live session.")
        if kind == "deal":
            deal = session.get(Deal, ref_id)
            if deal is None or deal.status != "open":
                raise CommunityRefused("That deal is not open.")
        else:
            live = session.get(LiveSession, ref_id)
            if live is None or live.status == "ended":
                raise CommunityRefused("That live session is over.")
        values = {
            "community_id": community_id, "kind": kind, "ref_id": ref_id,
            "added_by": actor_id, "added_at": now,
        }  # fmt: skip
        if not insert_ignoring_conflicts(session, CommunityFeature, values):
            return False
        record_news(
            uow, community_id, EventKind.COMMUNITY_FEATURED, now, feature=kind, ref_id=ref_id
        )
        return True

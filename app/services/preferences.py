"""Per-person settings: what friends may see of one's activity, which notifications one wants.

Read where they matter (friends' picks, notify) so a change applies at the next read, and a
friend removed stops seeing anything at once (friendship is read on every request too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.adapters.db.models_social import Preference
from app.domain.events import DomainEvent, EventKind
from app.domain.sharing import DEFAULTS, NOTIFY, SHARING, Setting, effective
from app.services.circle import friend_ids
from app.services.context import Context
from app.services.unit_of_work import UnitOfWork


class UnknownSetting(ValueError):
    """A setting key we do not have."""


@dataclass(frozen=True)
class SettingView:
    key: str
    label: str
    enabled: bool


@dataclass(frozen=True)
class SettingsPage:
    sharing: list[SettingView]
    notify: list[SettingView]


def _stored(session: Session, user_ids: Iterable[int], key: str) -> dict[int, bool]:
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = session.exec(
        select(Preference.user_id, Preference.enabled).where(
            col(Preference.user_id).in_(ids), Preference.key == key
        )
    ).all()
    return {int(u): bool(e) for u, e in rows}


def sharing(session: Session, user_ids: Iterable[int], key: str) -> set[int]:
    """Which of `user_ids` have setting `key` on (their choice, else the default)."""
    ids = set(user_ids)
    stored = _stored(session, ids, key)
    return {u for u in ids if effective(key, stored.get(u))}


def wants(session: Session, user_id: int, key: str) -> bool:
    return user_id in sharing(session, [user_id], key)


def my_settings(ctx: Context, viewer_id: int) -> SettingsPage:
    """The person's sharing and notification settings, each with its value in force."""
    with ctx.session() as session:
        rows = session.exec(select(Preference).where(Preference.user_id == viewer_id)).all()
        stored = {p.key: p.enabled for p in rows}

        def view(group: tuple[Setting, ...]) -> list[SettingView]:
            return [SettingView(s.key, s.label, effective(s.key, stored.get(s.key))) for s in group]

        return SettingsPage(view(SHARING), view(NOTIFY))


SHARING_KEYS = frozenset(s.key for s in SHARING)


def _feeds_change(uow: UnitOfWork, actor_id: int) -> None:
    """What friends may see changed: each friend's open activity page re-reads its feed, so
    something turned private disappears at once (and something shared appears)."""
    for friend_id in sorted(friend_ids(uow.session, actor_id)):
        uow.record(DomainEvent("activity", str(friend_id), 0, EventKind.ACTIVITY_CHANGED))


def set_preference(ctx: Context, actor_id: int, key: str, enabled: bool) -> None:
    """Turn one of the actor's settings on or off."""
    if key not in DEFAULTS:
        raise UnknownSetting(key)
    with ctx.uow() as uow:
        if key in SHARING_KEYS:
            _feeds_change(uow, actor_id)
        row = uow.session.get(Preference, (actor_id, key))
        if row is None:
            try:
                with uow.session.begin_nested():
                    uow.session.add(
                        Preference(user_id=actor_id, key=key, enabled=enabled, updated_at=ctx.now())
                    )
                return
            except IntegrityError:  # set at the same moment in another tab
                row = uow.session.get(Preference, (actor_id, key))
                assert row is not None
        row.enabled, row.updated_at = enabled, ctx.now()
        uow.session.add(row)

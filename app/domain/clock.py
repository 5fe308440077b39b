"""PLACEHOLDER until the lead's clock helpers land on main (take main's version on merge)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def local_to_utc(
    raw: str, *, offset_minutes: int | None = None, tz_name: str | None = None
) -> datetime | None:
    if not raw:
        return None
    try:
        naive = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    if tz_name:
        try:
            return naive.replace(tzinfo=ZoneInfo(tz_name)).astimezone(UTC)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if offset_minutes is not None:
        return (naive + timedelta(minutes=offset_minutes)).replace(tzinfo=UTC)
    return naive.replace(tzinfo=UTC)

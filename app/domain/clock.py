"""Time as the app reads it: aware UTC datetimes, and browser-local input turned into UTC.

Databases hand naive datetimes back (SQLite keeps no zone), so everything read from a row goes
through `as_utc` before it is compared with `utcnow()`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime: a naive one (as stored) is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _zone(tz_name: str | None) -> tzinfo:
    if not tz_name:
        return UTC
    if len(tz_name) > 64:  # no zone's name is longer; a longer one is no file name either
        return UTC
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def local_to_utc(
    raw: str | None, *, offset_minutes: int | None = None, tz_name: str | None = None
) -> datetime | None:
    """A browser's datetime-local value ("2026-11-23T18:30") as an aware UTC datetime.

    The browser tells its zone either as `Date.getTimezoneOffset()` minutes (UTC minus local,
    so +60 west of Greenwich by an hour) or as an IANA name; a value that already carries an
    offset keeps it. None when the text is empty or not a date and time.
    """
    text = (raw or "").strip()
    if not text:
        return None
    try:
        local = datetime.fromisoformat(text)
        if local.tzinfo is not None:
            return local.astimezone(UTC)
        if offset_minutes is not None:
            return (local + timedelta(minutes=offset_minutes)).replace(tzinfo=UTC)
        return local.replace(tzinfo=_zone(tz_name)).astimezone(UTC)
    except (ValueError, OverflowError):  # not a date, or one that leaves the calendar in UTC
        return None

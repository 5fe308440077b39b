"""Numbers that arrive as text (route segments, form fields, handler arguments, webhook
metadata): ASCII digits only and within a database integer.

`str.isdigit()` and `int()` accept far more than people mean: "²" passes `isdigit()` and then
breaks `int()`; "٣" is read as 3; ten digits overflow the database's integer. Every such value
goes through here, so a stray character is "no such thing", never a traceback or a blank page.
"""

from __future__ import annotations

# Row ids are INTEGER columns: 32 bits on PostgreSQL (SQLite would take 64). A larger number
# names no row, and PostgreSQL refuses to even compare an INTEGER column with it.
MAX_ID = 2**31 - 1
_MAX_DIGITS = len(str(MAX_ID))


def is_digits(text: str, max_digits: int = _MAX_DIGITS) -> bool:
    """Only the ASCII digits 0-9, at least one and at most `max_digits`."""
    return 0 < len(text) <= max_digits and text.isascii() and text.isdigit()


def parse_whole(raw: object, low: int = 0, high: int = MAX_ID) -> int | None:
    """A whole number written with ASCII digits between `low` and `high`, or None. Surrounding
    spaces are forgiven; signs, decimals, other scripts' digits and exponents are not."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).strip() if raw is not None else ""
        if not is_digits(text):
            return None
        value = int(text)
    return value if low <= value <= high else None


def parse_id(raw: object) -> int | None:
    """A row id (a positive database integer) from outside, or None when it cannot be one."""
    return parse_whole(raw, 1, MAX_ID)


def id_or_zero(raw: object) -> int:
    """`parse_id`, with 0 (which names no row) for anything that is not an id."""
    return parse_id(raw) or 0


def parse_int(raw: object, low: int = -MAX_ID, high: int = MAX_ID) -> int | None:
    """Like `parse_whole`, with an optional leading minus (a quantity step of -1)."""
    text = raw if isinstance(raw, int) else str(raw).strip() if raw is not None else ""
    if isinstance(text, str) and text.startswith("-"):
        magnitude = parse_whole(text[1:])
        value = None if magnitude is None else -magnitude
    else:
        value = parse_whole(text)
    return value if value is not None and low <= value <= high else None


def int_or_zero(raw: object) -> int:
    """A handler argument as an int, 0 for anything that is not one."""
    return parse_int(raw) or 0

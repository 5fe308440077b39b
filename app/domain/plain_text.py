"""What plain text people write may hold: one test for characters that hide or disguise text.

NUL and other control characters break storage (PostgreSQL refuses NUL in text) and terminals;
bidirectional overrides and isolates make text read as something else ("gpj.exe" shown as
"exe.jpg"); zero-width characters hide words from filters. Line breaks and tabs are allowed
where a field may have several lines; the zero-width joiner is kept, since emoji need it.
"""

from __future__ import annotations

import unicodedata

BIDI_AND_ZERO_WIDTH = frozenset(
    chr(c)
    for c in [0x200B, 0x200C, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x00AD]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
)


def has_hidden_characters(text: str, *, allow: str = "") -> bool:
    """True when `text` holds a control, surrogate or private-use character (those in `allow`
    aside), a bidirectional override or isolate, or a zero-width character."""
    return any(
        ch in BIDI_AND_ZERO_WIDTH
        or (unicodedata.category(ch) in ("Cc", "Cs", "Co") and ch not in allow)
        for ch in text
    )


_SLUG_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
MAX_SLUG_LENGTH = 80  # the widest slug column


def could_be_slug(key: str | None) -> bool:
    """Whether a key from a URL could name something by its slug (ASCII letters, digits,
    dashes). Anything else names nothing, so it is not looked up at all: PostgreSQL refuses NUL
    in a query's text, and a 10,000-character key is not worth a database round trip."""
    return bool(key) and len(key or "") <= MAX_SLUG_LENGTH and set(key or "") <= _SLUG_CHARACTERS


def without_hidden_characters(text: str) -> str:
    """`text` with every character `has_hidden_characters` objects to left out (for look-ups,
    where a stray NUL or bidi mark should find what the visible text finds)."""
    return "".join(ch for ch in text if not has_hidden_characters(ch))


def contains_pattern(term: str) -> str:
    """A LIKE pattern (escape character a backslash) matching text that contains `term`
    literally: its own %, _ and backslashes are not wildcards."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def one_line(raw: str | None, limit: int) -> str:
    """A short free-text note (a report's or a refund's reason) as stored: hidden characters
    left out, spaces folded, cut at `limit` characters."""
    return " ".join(without_hidden_characters((raw or "")[: 4 * limit]).split())[:limit]

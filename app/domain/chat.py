"""Chat rules: room keys, message cleaning and limits, the send throttle (rate limit and slow
mode), the moderators' keyword filter, who may moderate, and splitting text into plain runs and
safe links.

Messages are plain text. Nothing here produces markup: the UI renders each segment as text or
as a link whose address passed `safe_link` (http or https only).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from app.domain.throttle import seconds_text

MAX_MESSAGE_LENGTH = 500
MAX_LINES = 12
RATE_LIMIT_MESSAGES = 5
RATE_LIMIT_SECONDS = 10.0
WINDOW_SIZE = 30  # newest messages pushed to every viewer
PAGE_SIZE = 30  # older messages per "load older"
MAX_SLOW_MODE_SECONDS = 300
SLOW_MODE_CHOICES = (0, 5, 10, 30, 60, 120)
MUTE_MINUTES_CHOICES = (5, 10, 60, 24 * 60)
MAX_MUTE_MINUTES = 7 * 24 * 60
MAX_FILTER_WORDS = 200
MAX_FILTER_WORD_LENGTH = 60
MAX_REPORT_REASON = 200
REPLY_EXCERPT = 80
ROOM_KINDS = ("product", "live", "watch", "community")
MODERATOR_ROLES = frozenset({"moderator", "admin"})

_ROOM_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}(:[A-Za-z0-9_-]{1,32}){0,2}\Z")
# Bidirectional overrides and isolates reorder what people see (a link that reads as another);
# zero-width characters hide words from the filter. Neither belongs in chat.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x00AD]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
)


class Refusal(StrEnum):
    """Why a chat action was refused; the UI shows `message_for(code)`."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    RATE_LIMITED = "rate_limited"
    SLOW_MODE = "slow_mode"
    MUTED = "muted"
    FILTERED = "filtered"
    SIGN_IN = "sign_in"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    INVALID = "invalid"


class ChatRefused(ValueError):
    """A refused chat action with a message fit to show to the person who tried."""

    def __init__(self, code: Refusal, message: str, retry_after: float = 0.0) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after


# ------------------------------------------------------------------------------------ room keys
@dataclass(frozen=True)
class RoomKey:
    kind: str
    ident: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ident}"


def parse_room_key(raw: str) -> RoomKey:
    """ "product:12", "live:7" or "watch:7:3" -> RoomKey; ChatRefused(INVALID) otherwise."""
    kind, _, ident = (raw or "").partition(":")
    if kind not in ROOM_KINDS or not _ROOM_ID.match(ident):
        raise ChatRefused(Refusal.INVALID, "That chat room doesn't exist.")
    return RoomKey(kind, ident)


def chat_channel(room_key: str) -> str:
    """The bus channel (and realtime room) of a chat room: aggregate "chat", id = room key."""
    return f"chat:{room_key}"


# -------------------------------------------------------------------------------------- messages
def clean_message(
    raw: str | None, max_length: int = MAX_MESSAGE_LENGTH, max_lines: int = MAX_LINES
) -> str:
    """The text we store for a message, or ChatRefused (EMPTY / TOO_LONG) with the reason.

    Normalises to NFC, drops control, bidi-override and zero-width characters (keeping line
    breaks and tabs as spaces), trims, and keeps at most two blank lines in a row. Longer
    writings (a community's posts) pass their own `max_length` and `max_lines`."""
    raw = raw or ""
    if len(raw) > 4 * max_length:  # refused before any cleaning work: a huge paste costs nothing
        raise ChatRefused(Refusal.TOO_LONG, f"Messages can be at most {max_length} characters.")
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.translate(_INVISIBLE)
    kept = []
    for ch in text:
        if ch == "\n":
            kept.append(ch)
        elif ch == "\t":
            kept.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"):
            continue
        else:
            kept.append(ch)
    lines = [line.rstrip() for line in "".join(kept).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if not text:
        raise ChatRefused(Refusal.EMPTY, "Write something first.")
    if len(text) > max_length:
        raise ChatRefused(
            Refusal.TOO_LONG,
            f"Messages can be at most {max_length} characters (this one has {len(text)}).",
        )
    if text.count("\n") >= max_lines:
        raise ChatRefused(Refusal.TOO_LONG, f"Messages can have at most {max_lines} lines.")
    return text


def excerpt(text: str, limit: int = REPLY_EXCERPT) -> str:
    """A one-line start of a message for a reply's quote."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def rate_limited(retry_after: float) -> ChatRefused:
    return ChatRefused(
        Refusal.RATE_LIMITED,
        f"Slow down: at most {RATE_LIMIT_MESSAGES} messages every {int(RATE_LIMIT_SECONDS)} "
        f"seconds. Try again in {seconds_text(retry_after)}.",
        retry_after,
    )


def slow_mode_refusal(slow_seconds: int, retry_after: float) -> ChatRefused:
    return ChatRefused(
        Refusal.SLOW_MODE,
        f"Slow mode is on: one message every {seconds_text(slow_seconds)}. "
        f"Try again in {seconds_text(retry_after)}.",
        retry_after,
    )


def muted_refusal(remaining_seconds: float) -> ChatRefused:
    return ChatRefused(
        Refusal.MUTED,
        f"A moderator muted you in this chat. You can write again in "
        f"{seconds_text(remaining_seconds)}.",
        remaining_seconds,
    )


def clean_slow_mode(seconds: int) -> int:
    if not 0 <= seconds <= MAX_SLOW_MODE_SECONDS:
        raise ChatRefused(
            Refusal.INVALID, f"Slow mode can be 0 to {MAX_SLOW_MODE_SECONDS} seconds."
        )
    return seconds


def clean_mute_minutes(minutes: int) -> int:
    if not 1 <= minutes <= MAX_MUTE_MINUTES:
        raise ChatRefused(Refusal.INVALID, "A mute lasts from 1 minute to 7 days.")
    return minutes


# -------------------------------------------------------------------------------- keyword filter
def filter_form(text: str) -> str:
    """Text as the filter compares it: compatibility forms folded (fullwidth letters become
    ASCII), invisible characters dropped, case folded, runs of spaces made one."""
    folded = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).casefold()
    folded = "".join(ch for ch in folded if unicodedata.category(ch) not in ("Cc", "Cf", "Mn"))
    return " ".join(folded.split())


def clean_filter_word(raw: str | None) -> str:
    word = filter_form(raw or "")
    if len(word) < 2:
        raise ChatRefused(Refusal.INVALID, "Filtered words need at least 2 characters.")
    if len(word) > MAX_FILTER_WORD_LENGTH:
        raise ChatRefused(
            Refusal.INVALID, f"Filtered words can be at most {MAX_FILTER_WORD_LENGTH} characters."
        )
    return word


def blocked_word(text: str, words: list[str] | tuple[str, ...] | set[str]) -> str | None:
    """The first filtered word or phrase found in `text` as a whole word, else None."""
    if not words:
        return None
    folded = filter_form(text)
    for word in sorted(words):
        if re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", folded):
            return word
    return None


def filtered_refusal() -> ChatRefused:
    return ChatRefused(
        Refusal.FILTERED,
        "This message contains a word the moderators don't allow here. Please rephrase it.",
    )


# ----------------------------------------------------------------------------------- moderation
def can_moderate(role: str, user_id: int, owner_id: int | None) -> bool:
    """Site moderators and admins moderate every room; a room's owner (a live session's host)
    moderates their own."""
    return role in MODERATOR_ROLES or (owner_id is not None and user_id == owner_id)


# ---------------------------------------------------------------------------------------- links
@dataclass(frozen=True)
class Segment:
    """A run of a message: plain text (href == "") or a link to `href`."""

    text: str
    href: str = ""


# Candidates only; `safe_link` decides. Stops at whitespace, quotes and angle brackets.
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""
MAX_LINK_LENGTH = 300


def safe_link(candidate: str) -> str | None:
    """The address to link to, or None: http(s) only, a real host, printable ASCII only."""
    if len(candidate) > MAX_LINK_LENGTH or not candidate.isascii():
        return None
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None:
        return None  # "https://shop.example@evil.example" reads as one host, goes to another
    if not re.fullmatch(r"[a-z0-9.-]+|\[[0-9a-f:.]+\]", parts.hostname):
        return None
    return parts.scheme.lower() + candidate[len(parts.scheme) :]


def _trim_url(candidate: str) -> str:
    # "(see https://x.example/a)." -> the link ends before ")."; keep balanced parentheses.
    while candidate and candidate[-1] in _TRAILING:
        if candidate[-1] == ")" and candidate.count("(") >= candidate.count(")"):
            break
        candidate = candidate[:-1]
    return candidate


def segments(text: str) -> list[Segment]:
    """Split message text into plain runs and safe links, in order; joining every segment's
    text gives back `text` exactly."""
    out: list[Segment] = []
    position = 0
    for match in _URL.finditer(text):
        start = match.start()
        if start < position:
            continue
        candidate = _trim_url(match.group(0))
        href = safe_link(candidate)
        if href is None or len(candidate) <= len("https://"):
            continue
        if start > position:
            out.append(Segment(text[position:start]))
        out.append(Segment(candidate, href))
        position = start + len(candidate)
    if position < len(text):
        out.append(Segment(text[position:]))
    return out

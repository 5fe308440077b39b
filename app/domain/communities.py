"""Interest communities: their names and addresses, what a post may hold, who founded them and
the order of a community's feed.

A community's posts and replies are chat messages of its room ("community:<id>"), so the chat's
rules (plain text, safe links, mutes, the word filter, the send limit) apply to them unchanged;
only the longer length of a post and the photos are this module's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from app.domain import chat

MAX_NAME_LENGTH = 60
MIN_NAME_LENGTH = 3
MAX_DESCRIPTION_LENGTH = 400
MAX_SLUG_LENGTH = 60
POST_MAX_LENGTH = 2000  # a post; replies are chat-sized (chat.MAX_MESSAGE_LENGTH)
POST_MAX_LINES = 40
MAX_PHOTOS = 4
MAX_PHOTO_BYTES = 8 * 1024 * 1024  # what the console takes for a product picture
POSTS_PER_HOUR = 10  # besides the chat's send limit, which posts and replies share with chat
JOINS_PER_HOUR = 20  # joining redraws the page for everyone on it
FOUNDING_MEMBERS = 10
FACES_SHOWN = 8
FEED_SIZE = 20  # newest posts pushed to everyone on the page (pinned ones come on top)
REPLIES_SHOWN = 20  # newest replies under each post
MAX_PINNED = 3
MEMBER = "member"
HOST = "host"
FEATURE_KINDS = ("deal", "live")


class CommunityRefused(ValueError):
    """A refused community action, with a message fit to show and the form field it is about."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class CommunityDraft:
    name: str
    slug: str
    description: str


def slug_for(name: str) -> str:
    """ "Home baristas!" -> "home-baristas" (ASCII letters and digits joined by dashes)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    return slug[:MAX_SLUG_LENGTH].strip("-")


def _plain(raw: str | None, limit: int) -> str:
    """One paragraph of plain text: invisible and control characters dropped, spaces folded.
    Longer input is cut at four times the limit (still too long, so it is refused)."""
    cut = (raw or "")[: 4 * limit]
    try:
        text = chat.clean_message(cut, max_length=4 * limit, max_lines=4 * limit)
    except chat.ChatRefused:  # nothing left once cleaned
        return ""
    return " ".join(text.split())


def parse_community_form(form: Mapping[str, str]) -> tuple[CommunityDraft | None, dict[str, str]]:
    """A new community's name and description, checked: (draft, {}) or (None, field errors)."""
    errors: dict[str, str] = {}
    name = _plain(form.get("name"), MAX_NAME_LENGTH)
    description = _plain(form.get("description"), MAX_DESCRIPTION_LENGTH)
    if len(name) < MIN_NAME_LENGTH:
        errors["name"] = f"Give the community a name of at least {MIN_NAME_LENGTH} characters."
    elif len(name) > MAX_NAME_LENGTH:
        errors["name"] = f"Names can be at most {MAX_NAME_LENGTH} characters."
    elif not slug_for(name):
        errors["name"] = "The name needs at least one letter or digit."
    if len(description) > MAX_DESCRIPTION_LENGTH:
        errors["description"] = f"Descriptions can be at most {MAX_DESCRIPTION_LENGTH} characters."
    if errors:
        return None, errors
    return CommunityDraft(name, slug_for(name), description), {}


def clean_post(raw: str | None) -> str:
    """A post's text as stored (chat's cleaning, with a post's longer limit); ChatRefused."""
    return chat.clean_message(raw, max_length=POST_MAX_LENGTH, max_lines=POST_MAX_LINES)


def clean_reply(raw: str | None) -> str:
    """A reply's text as stored: exactly a chat message's rules."""
    return chat.clean_message(raw)


def founding(joined: Iterable[tuple[int, datetime]], count: int = FOUNDING_MEMBERS) -> list[int]:
    """The first `count` members by when they joined (ties by user id): the founders. Someone
    who left and came back joins again at the back, so the founders are those still in."""
    ordered = sorted(joined, key=lambda row: (row[1], row[0]))
    return [user_id for user_id, _ in ordered[:count]]


def feed_order(posts: Iterable[tuple[int, datetime | None]]) -> list[int]:
    """Post ids as the feed shows them: pinned posts first (the latest pinned on top), then
    the others newest first (ids grow with time)."""
    rows = list(posts)
    pinned = sorted((r for r in rows if r[1] is not None), key=lambda r: (r[1], r[0]), reverse=True)
    others = sorted((r[0] for r in rows if r[1] is None), reverse=True)
    return [r[0] for r in pinned] + others


def photo_count_refusal(count: int) -> CommunityRefused | None:
    """Too many photos for one post: the refusal, else None."""
    if count > MAX_PHOTOS:
        return CommunityRefused(f"A post can have at most {MAX_PHOTOS} photos.", "photos")
    return None

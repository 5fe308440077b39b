"""Rules about people: names, avatars, roles, friend invite codes."""

from __future__ import annotations

import secrets
import unicodedata
from enum import StrEnum

MAX_NAME_LENGTH = 40
INVITE_CODE_LENGTH = 12  # 31^12, about 2^59: with attempt limits, not guessable
EARLIER_CODE_LENGTH = 8  # codes handed out before; still read until they expire or rotate
# No 0/O, 1/I/L: codes are read aloud and typed on phones.
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
AVATAR_COLOURS = ("tomato", "iris", "grass", "amber", "cyan", "plum", "jade", "orange")


class Role(StrEnum):
    """What a user may do beyond shopping. Stored on the user row."""

    SHOPPER = "shopper"
    HOST = "host"
    MODERATOR = "moderator"
    ADMIN = "admin"


HOSTING_ROLES = frozenset({Role.HOST, Role.ADMIN})
MODERATING_ROLES = frozenset({Role.MODERATOR, Role.ADMIN})
ADMIN_ROLES = frozenset({Role.ADMIN})
# Who may open the console at all (each section checks its own roles).
CONSOLE_ROLES = frozenset({Role.HOST, Role.MODERATOR, Role.ADMIN})
ROLE_LABELS = {
    Role.SHOPPER: "Shopper",
    Role.HOST: "Host",
    Role.MODERATOR: "Moderator",
    Role.ADMIN: "Admin",
}


def may_host(role: str | None) -> bool:
    """Who may run live sessions and create group-buy deals: hosts and admins."""
    return role in HOSTING_ROLES


def may_moderate(role: str | None) -> bool:
    """Who works the moderation queue: moderators and admins."""
    return role in MODERATING_ROLES


def may_administer(role: str | None) -> bool:
    """Who runs the shop (products, users and roles, the audit log): admins."""
    return role in ADMIN_ROLES


def parse_role(raw: str | None) -> Role | None:
    """A role from a form or a command line, or None if there is no such role."""
    try:
        return Role((raw or "").strip().lower())
    except ValueError:
        return None


def looks_like_email(raw: str) -> bool:
    """One @, something before it, a dotted domain after it, no spaces: enough to catch typos
    in configuration; providers vouch for the real address."""
    local, at, domain = raw.partition("@")
    return (
        bool(at and local and domain)
        and "@" not in domain
        and "." in domain.strip(".")
        and not any(ch.isspace() for ch in raw)
    )


def normalise_email(raw: str | None) -> str:
    return (raw or "").strip().lower()


class DisplayNameError(ValueError):
    """A display name we refuse, with a message fit for the form."""


def clean_display_name(raw: str | None) -> str:
    """Trim and check a display name; raise DisplayNameError with the reason."""
    name = " ".join(unicodedata.normalize("NFKC", raw or "").split())
    if not name:
        raise DisplayNameError("Please enter a name.")
    if len(name) > MAX_NAME_LENGTH:
        raise DisplayNameError(f"Names can be at most {MAX_NAME_LENGTH} characters.")
    if any(unicodedata.category(ch)[0] in "C" for ch in name):
        raise DisplayNameError("Names can't contain control characters.")
    return name


def name_from_identity(name: str | None, email: str | None) -> str:
    """A display name for a first sign-in: the provider's name, else the email's local part."""
    for candidate in (name, (email or "").split("@", 1)[0]):
        try:
            return clean_display_name(candidate)[:MAX_NAME_LENGTH]
        except DisplayNameError:
            continue
    return "Shopper"


def initials(name: str) -> str:
    """One or two letters for a generated avatar."""
    words = [w for w in name.split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def avatar_colour(user_id: int) -> str:
    return AVATAR_COLOURS[user_id % len(AVATAR_COLOURS)]


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_CODE_LENGTH))


def normalise_invite_code(raw: str | None) -> str | None:
    """Accept codes typed with spaces, dashes or lower case; None if it cannot be a code."""
    code = "".join(ch for ch in (raw or "").upper() if ch.isalnum())
    if len(code) not in (INVITE_CODE_LENGTH, EARLIER_CODE_LENGTH) or any(
        ch not in INVITE_ALPHABET for ch in code
    ):
        return None
    return code


def short_name(name: str) -> str:
    """First name and the initial of the last word ("Carol Singh" -> "Carol S."), as shown to
    friends in public lists; a single word stays as it is."""
    words = " ".join(unicodedata.normalize("NFKC", name or "").split()).split()
    if not words:
        return "A shopper"
    if len(words) == 1:
        return words[0]
    return f"{words[0]} {words[-1][0].upper()}."

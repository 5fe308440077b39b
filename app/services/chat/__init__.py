"""Chat rooms: posting, replies, reports and moderation, and the views every viewer shares.

Modules by concern: `rooms` (room kinds and who may read or moderate them, the room row and its
news), `sending` (posting with its limits, reporting), `moderation` (delete, mute, slow mode,
word filter, reports), `reading` (the live window, older pages, the reply box, the panel),
`views` (what viewers see).

Every change runs in one unit of work, bumps the room's version with one UPDATE and records a
`chat` event on the room's channel ("chat:<room key>") published after commit. The database is
the truth: the pushed window is always re-read from it, so a viewer who missed an event catches
up on the next push or on reconnect. Every public use case takes the service context first.
"""

from app.domain.events import EventKind
from app.services.buyers import buyers_of
from app.services.chat.moderation import (
    AddFilterWord,
    Command,
    DeleteMessage,
    DismissReports,
    Mute,
    RemoveFilterWord,
    SetSlowMode,
    Unmute,
    add_filter_word,
    delete_message,
    dismiss_reports,
    moderate,
    mute_user,
    remove_filter_word,
    set_slow_mode,
    unmute_user,
)
from app.services.chat.reading import (
    message_brief,
    moderation_panel,
    older_messages,
    open_room,
    viewing,
    window,
)
from app.services.chat.rooms import RoomPolicy, ensure_room, register_room_kind
from app.services.chat.sending import post_message, report_message
from app.services.chat.views import (
    ChatMessageView,
    ChatWindow,
    ModerationView,
    ReportView,
    RoomOpening,
    Viewing,
)

# Event kinds that change what every viewer sees (the others only concern moderators).
WINDOW_KINDS = frozenset(
    {EventKind.CHAT_MESSAGE_POSTED, EventKind.CHAT_MESSAGE_DELETED, EventKind.CHAT_SETTINGS_CHANGED}
)

__all__ = [
    "WINDOW_KINDS",
    "AddFilterWord",
    "ChatMessageView",
    "ChatWindow",
    "Command",
    "DeleteMessage",
    "DismissReports",
    "ModerationView",
    "Mute",
    "RemoveFilterWord",
    "ReportView",
    "RoomOpening",
    "RoomPolicy",
    "SetSlowMode",
    "Unmute",
    "Viewing",
    "add_filter_word",
    "buyers_of",
    "delete_message",
    "dismiss_reports",
    "ensure_room",
    "message_brief",
    "moderate",
    "moderation_panel",
    "mute_user",
    "older_messages",
    "open_room",
    "post_message",
    "register_room_kind",
    "remove_filter_word",
    "report_message",
    "set_slow_mode",
    "unmute_user",
    "viewing",
    "window",
]

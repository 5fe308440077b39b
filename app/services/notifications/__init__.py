"""In-app notifications: what each shopper is told, the bell's unread count, reading them.

Other services call `notify()` inside their own unit of work; it writes the row and records a
`notify:<user id>` event, so every open page of that person (on any process) refreshes its bell
through the rooms broadcast path once the transaction commits.
"""

from __future__ import annotations

from app.services.notifications.derived import notify_from_facts
from app.services.notifications.inbox import (
    NotificationKind,
    NotificationsPage,
    NotificationView,
    mark_all_read,
    mark_read,
    notifications_page,
    notify,
    unread_count,
)

__all__ = [
    "NotificationKind",
    "NotificationView",
    "NotificationsPage",
    "mark_all_read",
    "mark_read",
    "notifications_page",
    "notify",
    "notify_from_facts",
    "unread_count",
]

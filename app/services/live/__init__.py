"""Live shopping: schedule a session, go live, pin products, launch flash deals, end it;
follow hosts; send hearts; watch together with friends.

The session row is the truth: every change is a conditional UPDATE that bumps its version and
records a `live` DomainEvent (published after commit), so viewers on any process redraw from the
database and a viewer who reconnects catches up by loading the page again. Who may run a session
(its host, moderators, admins) is checked on every call, whatever the page did.

Modules by concern: `scheduling` (the /live/new form), `console` (go live, pin, end),
`flash_deals` (launch from the console, join from the stream), `viewing` (the schedule and a
session's page), `follows`, `reactions` (hearts), `shopping` (into one's own cart),
`watch_parties`, `chat_rooms` (who reads and moderates the session and party chats).
Every public use case takes the service context first and the acting user's id.
"""

from app.services.live import chat_rooms
from app.services.live.console import end_session, go_live, may_run, pin_product
from app.services.live.errors import NOT_ALLOWED, NOT_FOUND, LiveError, LiveValidationError
from app.services.live.flash_deals import (
    StreamJoin,
    StreamJoinStatus,
    join_flash_deal,
    launch_flash_deal,
    session_of_deal,
)
from app.services.live.follows import follow_host, follower_count, following, unfollow_host
from app.services.live.reactions import ReactionTally, send_heart
from app.services.live.records import SCHEDULE_CHANNEL_ID
from app.services.live.scheduling import new_session_form, schedule_session
from app.services.live.shopping import CartAdd, add_to_my_cart
from app.services.live.viewing import schedule, schedule_page, session_page, session_view
from app.services.live.views import (
    CoverChoice,
    LiveDealView,
    LiveProductView,
    LiveSessionView,
    NewSessionForm,
    PartyLineView,
    PartyMemberView,
    PartyPanel,
    ProductChoice,
    ScheduleItem,
    SchedulePage,
    SessionPage,
    WatchPartyView,
)
from app.services.live.watch_parties import (
    add_to_party_cart,
    can_see_party,
    invite_to_party,
    party_panel,
    party_room_key,
    start_watch_party,
)

chat_rooms.register()

__all__ = [
    "NOT_ALLOWED",
    "NOT_FOUND",
    "SCHEDULE_CHANNEL_ID",
    "CartAdd",
    "CoverChoice",
    "LiveDealView",
    "LiveError",
    "LiveProductView",
    "LiveSessionView",
    "LiveValidationError",
    "NewSessionForm",
    "PartyLineView",
    "PartyMemberView",
    "PartyPanel",
    "ProductChoice",
    "ReactionTally",
    "ScheduleItem",
    "SchedulePage",
    "SessionPage",
    "StreamJoin",
    "StreamJoinStatus",
    "WatchPartyView",
    "add_to_my_cart",
    "add_to_party_cart",
    "can_see_party",
    "end_session",
    "follow_host",
    "follower_count",
    "following",
    "go_live",
    "invite_to_party",
    "join_flash_deal",
    "launch_flash_deal",
    "may_run",
    "new_session_form",
    "party_panel",
    "party_room_key",
    "pin_product",
    "schedule",
    "schedule_page",
    "schedule_session",
    "send_heart",
    "session_of_deal",
    "session_page",
    "session_view",
    "start_watch_party",
    "unfollow_host",
]

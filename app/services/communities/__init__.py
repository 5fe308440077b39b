"""Interest communities: a page people come back to around a category or a theme.

Modules by concern: `access` (the community's chat room kind, who may write and moderate),
`managing` (starting one, attaching deals and sessions), `membership` (join, leave, hosts, the
founders), `posting` (posts with photos, replies, pins), `reading` (the list, the page, the live
feed), `views`. Posts and replies are chat messages of the room "community:<id>": deleting,
muting, reporting and the console's moderation queue are the chat service's own
(`app.services.chat`), called with `room_key(community_id)`.
"""

from app.domain.communities import CommunityRefused
from app.services.communities.access import ROOM_KIND, room_key
from app.services.communities.managing import CommunityFormError, create_community, feature
from app.services.communities.membership import (
    founding_member_ids,
    join_community,
    leave_community,
    set_host,
)
from app.services.communities.posting import PinPost, pin_post, post, reply
from app.services.communities.reading import community_page, feed, list_communities
from app.services.communities.views import (
    Choice,
    CommunityCard,
    CommunityFeed,
    CommunityHeader,
    CommunityPage,
    Face,
    PostView,
)

__all__ = [
    "ROOM_KIND",
    "Choice",
    "CommunityCard",
    "CommunityFeed",
    "CommunityFormError",
    "CommunityHeader",
    "CommunityPage",
    "CommunityRefused",
    "Face",
    "PinPost",
    "PostView",
    "community_page",
    "create_community",
    "feature",
    "feed",
    "founding_member_ids",
    "join_community",
    "leave_community",
    "list_communities",
    "pin_post",
    "post",
    "reply",
    "room_key",
    "set_host",
]

"""Who may call each Reflex event handler of the app: the authorization matrix's first table.

One line per handler, keyed `module.Class.handler` (the module below app.states, the class
that defines it). The value is a rule from `roles.py` (its docstring explains the roles and the
keyword arguments): who may call it and how the test calls it. `test_matrix.py` fails when a
handler of the app is missing here, or an entry names a handler that no longer exists.

`anyone()` on a page's load means the handler may be called by anyone and answers each with
what is theirs (a guest is asked to sign in); add `shows=`/`who_sees=` when it must not show
someone else's things. `local()` lines are checked not to reach the services at all.

To add a handler: one line, e.g.
    "carts.CartState.lock": owner(state={"cart_id": "@cart"}, effect=True),
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from tests.integration.authorization.roles import (
    ADMIN,
    CART_OWNER,
    DEAL_PARTICIPANT,
    Rule,
    admins,
    allow,
    any_host,
    anyone,
    console,
    hosts,
    local,
    members,
    moderators,
    owner,
    runs_session,
    signed_in,
)

ADMINS = admins().who
HOSTS = hosts().who
# How the cart page's handlers are called: on the shared cart's page, with it loaded.
CART = {"cart_id": "@cart"}
CART_PAGE = "/cart/@cart"
LIVE_PAGE = "/live/@live"
ORDER_PAGE = "/orders/@order_key"
COMMUNITY = "/communities/@community_slug"
COMMUNITY_LOAD = "community.CommunityState.load"
LIVE_ROOM = {"room_key": "live:@live"}
DEAL_PAGE = "/deals/@deal"
NEXT_WEEK = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y-%m-%dT18:00")


def cart(rule: Rule) -> Rule:
    """A cart page handler: on the shared cart's page, the cart loaded."""
    return replace(rule, state={**CART, **rule.state}, path=CART_PAGE)


HANDLERS: dict[str, Rule] = {
    # -- activity, orders, notifications, settings: the signed-in person's own things
    "activity.ActivityState.load": anyone(),
    "orders.OrdersState.load": anyone(shows="orders", who_sees={CART_OWNER}),
    "order_page.OrderPageState.load": anyone(path=ORDER_PAGE, shows="order", who_sees={CART_OWNER}),
    "order_page.OrderPageState.request_refund": owner(
        path=ORDER_PAGE, args={"form": {"amount": "", "reason": ""}}
    ),
    "order_page.OrderPageState.cancel": owner(path=ORDER_PAGE, effect=True),
    "admin_refunds.AdminRefundsState.load": anyone(shows="allowed", who_sees=ADMINS),
    "admin_refunds.AdminRefundsState.approve": admins(args={"request_id": 1}),
    "admin_refunds.AdminRefundsState.reject": admins(args={"request_id": 1}),
    "notifications.BellState.load": anyone(shows="unread", who_sees={CART_OWNER}),
    "notifications.NotificationsState.load": anyone(shows="items", who_sees={CART_OWNER}),
    "notifications.NotificationsState.mark_read": owner(
        args={"notification_id": "@notification"}, effect=True
    ),
    "notifications.NotificationsState.mark_all_read": signed_in(),
    "notifications.NotificationsState.answer": signed_in(args={"form": {"answer": "hi"}}),
    "settings.SettingsState.load": anyone(),
    "settings.SettingsState.toggle": signed_in(
        args={"key": "share.reviews", "enabled": False}, effect=True
    ),
    # -- API keys (a shopper's own; the console's list is admins')
    "api_keys.ApiKeysState.load": anyone(shows="keys", who_sees={CART_OWNER}),
    "api_keys.ApiKeysState.load_console": anyone(shows="keys", who_sees=ADMINS),
    "api_keys.ApiKeysState.set_name": local(),
    "api_keys.ApiKeysState.toggle_scope": local(),
    "api_keys.ApiKeysState.dismiss_token": local(),
    "api_keys.ApiKeysState.create": signed_in(
        state={"name": "Mine", "chosen": ["read_products"]}, effect=True
    ),
    "api_keys.ApiKeysState.revoke": allow(
        {CART_OWNER, ADMIN}, args={"key_id": "@api_key"}, effect=True
    ),
    # -- carts
    "cart_add.AddToCartState.load_targets": anyone(),
    "cart_add.AddToCartState.set_quantity": local(),
    "cart_add.AddToCartState.add": members(
        args={"product_id": "@other_product", "cart_id": "@cart"}, effect=True
    ),
    "cart_start.CartStartState.create_cart": signed_in(
        args={"form": {"name": "Mine"}}, effect=True
    ),
    "cart_start.CartStartState.open_code": anyone(args={"form": {"code": "ABCDEFGHJKMN"}}),
    "cart_join.JoinCartState.load": anyone(path="/join/ABCDEFGHJKMN"),
    "cart_join.JoinCartState.join": signed_in(path="/join/ABCDEFGHJKMN"),
    "carts.CartState.load": anyone(path=CART_PAGE, shows="view", who_sees=members().who),
    "carts.CartState.set_tz_offset": local(),
    "carts.CartState.leave_page": anyone(args={"cart_id": "@cart"}),
    "carts.CartState.add_product": cart(
        members(args={"product_id": "@other_product"}, effect=True)
    ),
    "carts.CartState.change_quantity": cart(
        members(args={"line_id": "@cart_line", "delta": 1}, effect=False)
    ),
    "carts.CartState.set_quantity": cart(members(args={"line_id": "@cart_line", "qty": 2})),
    "carts.CartState.remove_line": cart(members(args={"line_id": "@cart_line"})),
    "carts.CartState.save_note": cart(
        members(args={"form": {"line_id": "@cart_line", "note": "blue"}})
    ),
    "carts.CartState.invite": cart(members(args={"friend_id": "@shopper"})),
    "carts.CartState.remove_member": cart(owner(args={"user_id": "@cart_member"}, effect=True)),
    "carts.CartState.lock": cart(owner(effect=True)),
    "carts.CartState.unlock": cart(owner()),
    "carts.CartState.new_code": cart(owner(effect=True)),
    "carts.CartState.set_deadline": cart(
        owner(args={"form": {"date": "2099-01-01", "time": "12:00"}})
    ),
    "carts.CartState.clear_deadline": cart(owner()),
    "carts.CartState.set_split_mode": cart(owner(args={"mode": "split"})),
    "carts.CartState.delete_cart": cart(owner(effect=True)),
    "carts.CartState.leave_cart": cart(allow({"cart_member"}, effect=True)),
    "cart_checkout.CartCardState.pay_by_card": cart(members(args={"kind": "visa"})),
    "cart_checkout.CartCardState.pay_with_method": cart(members(args={"result": {}})),
    "cart_checkout.CartCardState.bank_check_done": cart(members()),
    "cart_checkout.CartCheckoutState.set_card": local(),
    "cart_checkout.CartCheckoutState.start_checkout": cart(owner(effect=True)),
    "cart_checkout.CartCheckoutState.pay_all": cart(members()),
    "cart_checkout.CartCheckoutState.pay_my_share": cart(members()),
    "cart_checkout.CartCheckoutState.confirm_bank": cart(members(args={"approved": True})),
    "cart_checkout.CartCheckoutState.cancel_checkout": cart(members()),
    "cart_deals.CartDealsState.load": anyone(path=CART_PAGE),
    "cart_deals.CartDealsState.set_card_choice": local(),
    "cart_deals.CartDealsState.hold": members(path=CART_PAGE, args={"deal_id": "@deal"}),
    # -- catalogue, product, home, search: public
    "catalog.CatalogState.load": anyone(),
    "catalog.CatalogState.choose_category": local(),
    "catalog.CatalogState.show_more": local(),
    "home.HomeState.load": anyone(),
    "product.ProductState.load": anyone(path="/product/@product"),
    "product.ProductState.select_image": local(),
    "picks.PicksState.load_home": anyone(),
    "picks.PicksState.load_catalog": anyone(),
    "picks.PicksState.load_product": anyone(path="/product/@product"),
    "search.HeaderSearchState.submit": local(),
    "rooms.LiveStatus.load": anyone(),
    "session.SessionState.load_user": anyone(),
    "session.SessionState.client_address": anyone(),
    "session.SessionState.ask_to_sign_in": local(),
    "people.SignInState.load": anyone(),
    "people.SignInState.load_error": anyone(),
    # -- reviews and questions (the product's page; one's own review)
    "reviews.ReviewsState.load": anyone(path="/product/@product"),
    "reviews.ReviewsState.set_sort": local(),
    "reviews.ReviewsState.set_stars": local(),
    "reviews.ReviewsState.set_friends_only": local(),
    "reviews.ReviewsState.edit": local(),
    "reviews.ReviewsState.save": signed_in(
        path="/product/@product", args={"form": {"stars": "5", "text": "Lovely mug."}}
    ),
    "reviews.ReviewsState.delete": signed_in(path="/product/@product"),
    "reviews.ReviewsState.upload_photos": signed_in(path="/product/@product", args={"files": []}),
    "reviews.ReviewsState.remove_photo": signed_in(path="/product/@product", args={"photo_id": 1}),
    "reviews.ReviewsState.vote": signed_in(path="/product/@product", args={"review_id": "@review"}),
    "reviews.ReviewsState.unvote": signed_in(
        path="/product/@product", args={"review_id": "@review"}
    ),
    "reviews.ReviewsState.report": signed_in(
        path="/product/@product", args={"review_id": "@review"}
    ),
    "questions.QuestionsState.load": anyone(path="/product/@product"),
    "questions.QuestionsState.ask": signed_in(
        path="/product/@product", args={"form": {"question": "Is it dishwasher safe?"}}
    ),
    "questions.QuestionsState.answer": signed_in(
        path="/product/@product", args={"form": {"question_id": "1", "answer": "Yes"}}
    ),
    "questions.QuestionsState.vote": signed_in(path="/product/@product", args={"answer_id": 1}),
    "questions.QuestionsState.unvote": signed_in(path="/product/@product", args={"answer_id": 1}),
    # -- be the buyer and rewards
    "vote.VoteState.load": anyone(),
    "vote.VoteState.vote": signed_in(args={"candidate_id": 1}),
    "vote.VoteState.withdraw": signed_in(args={"candidate_id": 1}),
    "rewards.RewardsState.load": signed_in(shows="loaded", who_sees=signed_in().who),
    "rewards.RewardsState.load_summary": anyone(),
    "page_view.PageViewState.seen": anyone(),  # the caller's own visit, for the analytics
    # -- friends and profile: one's own
    "people.FriendsState.load": anyone(),
    "people.FriendsState.watch_friends": signed_in(runs=False),
    "people.FriendsState.new_code": signed_in(effect=True),
    "people.FriendsState.use_code": signed_in(args={"form": {"code": "ABCDEFGHJKMN"}}),
    "people.FriendsState.remove": signed_in(args={"friend_id": "@cart_owner"}),
    "people.InviteState.load": anyone(path="/invite/ABCDEFGHJKMN"),
    "people.InviteState.accept": signed_in(path="/invite/ABCDEFGHJKMN"),
    "people.InviteState.decline": local(),
    "people.ProfileState.load": anyone(),
    "people.ProfileState.save_name": signed_in(
        args={"form": {"display_name": "New Name"}}, effect=True
    ),
    # -- chat rooms (the live session's chat: anyone reads, the signed-in write, its host,
    #    moderators and admins moderate)
    **{
        f"chat.{slot}.{name}": rule
        for slot in ("ChatState", "SideChatState")
        for name, rule in {
            "close": anyone(args={"room_key": "live:@live"}),
            "sign_in": local(),
            "cancel_reply": local(),
            "start_reply": anyone(state=LIVE_ROOM, args={"message_id": "@message"}),
            "load_older": anyone(
                state=LIVE_ROOM, args={"before_id": "@message", "window_oldest_id": "@message"}
            ),
            "send": signed_in(state=LIVE_ROOM, args={"form": {"message": "hello"}}, effect=True),
            "report": signed_in(state=LIVE_ROOM, args={"message_id": "@message"}, effect=True),
            "delete_message": runs_session(
                state=LIVE_ROOM, args={"message_id": "@message"}, effect=True
            ),
            "dismiss_reports": runs_session(state=LIVE_ROOM, args={"message_id": "@message"}),
            "mute": runs_session(
                state=LIVE_ROOM, args={"user_id": "@shopper", "minutes": 5}, effect=True
            ),
            "unmute": runs_session(state=LIVE_ROOM, args={"user_id": "@shopper"}),
            "set_slow_mode": runs_session(state=LIVE_ROOM, args={"value": "30"}, effect=True),
            "add_filter_word": runs_session(
                state=LIVE_ROOM, args={"form": {"word": "spam"}}, effect=True
            ),
            "remove_filter_word": runs_session(state=LIVE_ROOM, args={"word": "spam"}),
        }.items()
    },
    # -- communities (members post; its hosts moderate; nothing here is one of them)
    "communities.CommunitiesState.load": anyone(),
    "communities.CommunitiesState.set_field": local(),
    "communities.CommunitiesState.create": any_host(
        state={"form": {"name": "Lamp lovers", "description": "Lamps"}}, effect=True
    ),
    "communities.CommunitiesState.join": signed_in(
        args={"community_id": "@community", "slug": "@community_slug"}
    ),
    "community.CommunityState.load": anyone(path=COMMUNITY),
    "community.CommunityState.leave_page": anyone(),
    "community.CommunityState.join": signed_in(path=COMMUNITY, before="load"),
    "community.CommunityState.leave": signed_in(path=COMMUNITY, before="load"),
    "community.CommunityState.set_draft": local(),
    "community.CommunityState.send_post": signed_in(
        path=COMMUNITY, before=COMMUNITY_LOAD, state={"draft": "Hello mugs"}, args={"files": []}
    ),
    "community.CommunityState.send_reply": signed_in(
        path=COMMUNITY, before=COMMUNITY_LOAD, args={"form": {"post_id": "@post", "text": "hi"}}
    ),
    # Its hosts (the host who started it), the shop's moderators and admins moderate.
    "community_moderation.CommunityModerationState.pin": runs_session(
        path=COMMUNITY,
        before=COMMUNITY_LOAD,
        args={"post_id": "@post", "pinned": True},
        effect=True,
    ),
    "community_moderation.CommunityModerationState.delete": runs_session(
        path=COMMUNITY, before=COMMUNITY_LOAD, args={"message_id": "@post"}, effect=True
    ),
    "community_moderation.CommunityModerationState.mute": runs_session(
        path=COMMUNITY,
        before=COMMUNITY_LOAD,
        args={"user_id": "@shopper", "minutes": 5},
        effect=True,
    ),
    "community_moderation.CommunityModerationState.unmute": runs_session(
        path=COMMUNITY, before=COMMUNITY_LOAD, args={"user_id": "@shopper"}
    ),
    "community_moderation.CommunityModerationState.report": signed_in(
        path=COMMUNITY, before=COMMUNITY_LOAD, args={"message_id": "@post"}
    ),
    # Only its creator (the session host) or an admin names its hosts.
    "community_moderation.CommunityModerationState.set_host": hosts(
        path=COMMUNITY,
        before=COMMUNITY_LOAD,
        args={"user_id": "@shopper", "host": True},
        effect=True,
    ),
    "community_moderation.CommunityModerationState.choose_attachment": local(),
    "community_moderation.CommunityModerationState.attach": runs_session(
        path=COMMUNITY, before=COMMUNITY_LOAD
    ),
    # -- the console: its door for staff, each section for its roles
    "console.base.ConsoleState.load": anyone(shows="allowed", who_sees=console().who),
    "console.tabs.ConsoleTabsState.switch": local(),
    "console.analytics.ConsoleAnalyticsState.set_days": anyone(
        args={"value": "7"}, shows="kpis", who_sees=ADMINS
    ),
    "console.analytics.ConsoleAnalyticsState.stop": local(),
    "console.analytics.ConsoleAnalyticsState.watch": admins(runs=False),
    "console.analytics.ConsoleAnalyticsState.download": anyone(args={"key": "traffic"}),
    "console.analytics.ConsoleAnalyticsState.set_comparison": anyone(
        args={"value": "previous"}, shows="kpis", who_sees=ADMINS
    ),
    "console.analytics.ConsoleAnalyticsState.apply_range": anyone(
        args={"form": {"from": "2026-11-01", "to": "2026-11-30"}}, shows="kpis", who_sees=ADMINS
    ),
    "console.candidates.ConsoleCandidatesState.load_section": anyone(
        shows="categories", who_sees=any_host().who
    ),
    "console.candidates.ConsoleCandidatesState.set_field": local(),
    "console.candidates.ConsoleCandidatesState.set_tz": local(),
    "console.candidates.ConsoleCandidatesState.post": any_host(args={"files": []}),
    "console.orders.ConsoleOrdersState.load_section": anyone(shows="orders", who_sees=ADMINS),
    "console.deals.ConsoleDealsState.load_section": anyone(shows="deal_rows", who_sees=HOSTS),
    "console.deals.ConsoleDealsState.submit": any_host(args={"form": {}}),
    "console.deals.ConsoleDealsState.cancel": hosts(args={"deal_id": "@deal"}, effect=True),
    "console.experiments.ConsoleExperimentsState.load_section": anyone(),
    "console.experiments.ConsoleExperimentsState.save": admins(args={"form": {"key": "x"}}),
    "console.moderation.ConsoleModerationState.load_section": anyone(),
    "console.moderation.ConsoleModerationState.keep": moderators(
        args={"kind": "message", "key": "live:@live|@message"}
    ),
    "console.moderation.ConsoleModerationState.remove": moderators(
        args={"kind": "message", "key": "live:@live|@message"}, effect=True
    ),
    "console.moderation.ConsoleModerationState.mute": moderators(
        args={"kind": "message", "key": "live:@live|@message", "user_id": "@shopper"},
        effect=True,
    ),
    "console.products.ConsoleProductsState.load_section": anyone(
        shows="items", who_sees=admins().who
    ),
    "console.products.ConsoleProductsState.set_field": local(),
    "console.products.ConsoleProductsState.edit": local(),
    "console.products.ConsoleProductsState.new_product": local(),
    "console.products.ConsoleProductsState.save": admins(args={"files": []}),
    "console.products.ConsoleProductsState.archive": admins(
        args={"product_id": "@product", "archived": True}, effect=True
    ),
    "console.users.ConsoleUsersState.load_section": anyone(shows="users", who_sees=admins().who),
    "console.users.ConsoleUsersState.search": anyone(
        args={"form": {"query": ""}}, shows="users", who_sees=admins().who
    ),
    "console.users.ConsoleUsersState.set_role": admins(
        args={"user_id": "@shopper", "role": "moderator"}, effect=True
    ),
    "console.webhooks.ConsoleWebhooksState.load_section": anyone(
        shows="endpoints", who_sees=ADMINS
    ),
    "console.webhooks.ConsoleWebhooksState.stop": local(),
    "console.webhooks.ConsoleWebhooksState.watch": admins(runs=False),
    "console.webhooks.ConsoleWebhooksState.toggle_kind": local(),
    "console.webhooks.ConsoleWebhooksState.hide_secret": local(),
    "console.webhooks.ConsoleWebhooksState.register": admins(
        state={"kinds": ["cart.changed"], "chosen": ["cart.changed"]},
        args={"form": {"url": "https://hooks.example.com/in", "description": "x"}},
    ),
    "console.webhooks.ConsoleWebhooksState.set_active": admins(
        args={"endpoint_id": "@endpoint", "active": False}
    ),
    "console.webhooks.ConsoleWebhooksState.rotate": admins(
        args={"endpoint_id": "@endpoint"}, effect=True
    ),
    "console.webhooks.ConsoleWebhooksState.reveal": admins(args={"endpoint_id": "@endpoint"}),
    "console.webhooks.ConsoleWebhooksState.delete": admins(
        args={"endpoint_id": "@endpoint"}, effect=True
    ),
    "console.webhooks.ConsoleWebhooksState.open_attempts": admins(
        args={"endpoint_id": "@endpoint"}
    ),
    "console.webhooks.ConsoleWebhooksState.refresh": anyone(),
    "console.webhooks.ConsoleWebhooksState.replay": admins(args={"message_id": 1}),
    # -- deals
    "deals.cards.DealCardsState.load_home": anyone(),
    "deals.cards.DealCardsState.load_list": anyone(),
    "deals.cards.DealCardsState.load_product": anyone(path="/product/@product"),
    "deals.form.DealFormState.load": anyone(),
    "deals.form.DealFormState.set_tz": local(),
    "deals.form.DealFormState.submit": any_host(args={"form": {}}),
    "deals.ledger.DealLedgerState.load": anyone(path="/deals/@deal/ledger"),
    "deals.page.DealState.load": anyone(path=DEAL_PAGE),
    "deals.page.DealState.set_card_choice": local(),
    "deals.page.DealState.set_quantity": local(),
    "deals.page.DealState.join": signed_in(path=DEAL_PAGE, state={"card_choice": "visa"}),
    "deals.page.DealState.start_team": signed_in(path=DEAL_PAGE, state={"card_choice": "visa"}),
    "deals.page.DealState.join_team": signed_in(path=DEAL_PAGE, args={"team_id": 1}),
    "deals.page.DealState.pay_with_card": signed_in(path=DEAL_PAGE, args={"kind": "visa"}),
    "deals.page.DealState.join_with_method": signed_in(path=DEAL_PAGE, args={"result": {}}),
    "deals.page.DealState.bank_answer": allow(
        {DEAL_PARTICIPANT}, path=DEAL_PAGE, args={"approve": True}
    ),
    "deals.page.DealState.bank_check_done": allow({DEAL_PARTICIPANT}, path=DEAL_PAGE),
    "deals.page.DealState.leave": allow({DEAL_PARTICIPANT}, path=DEAL_PAGE, effect=True),
    # -- live sessions
    "live_schedule.LiveScheduleState.load": anyone(),
    "live_schedule.LiveNewState.load": anyone(),
    "live_schedule.LiveNewState.set_zone": local(),
    "live_schedule.LiveNewState.choose_cover": local(),
    "live_schedule.LiveNewState.submit": any_host(
        state={"cover": "/products/mug-0.webp"},
        args={
            "form": {
                "title": "Evening picks",
                "starts_at": NEXT_WEEK,
                "stream_url": "/live/demo-stream.mp4",
                "product-@product": "on",
            }
        },
        effect=True,
    ),
    "live_console.LiveConsoleState.go_live": runs_session(path="/live/@upcoming", effect=True),
    "live_console.LiveConsoleState.end": runs_session(path=LIVE_PAGE, effect=True),
    "live_console.LiveConsoleState.pin": runs_session(
        path=LIVE_PAGE, args={"product_id": "@product"}, effect=True
    ),
    "live_console.LiveConsoleState.launch_deal": runs_session(path=LIVE_PAGE, args={"form": {}}),
    "live_watch.LiveRoomState.load": anyone(path=LIVE_PAGE),
    "live_watch.LiveRoomState.leave_page": anyone(args={"session_id": "@live"}),
    "live_watch.LiveRoomState.react": signed_in(path=LIVE_PAGE),
    "live_watch.LiveRoomState.toggle_follow": signed_in(path=LIVE_PAGE),
    "live_watch.LiveRoomState.join_deal": signed_in(
        path=LIVE_PAGE, args={"deal_id": "@deal"}, runs=False
    ),
    "live_watch.LiveRoomState.add_to_cart": signed_in(
        path=LIVE_PAGE, args={"product_id": "@product"}, effect=True
    ),
    "live_watch.LiveRoomState.buy_now": signed_in(path=LIVE_PAGE, args={"product_id": "@product"}),
    "watch_party.WatchPartyState.start_party": signed_in(path=LIVE_PAGE, effect=True),
    "watch_party.WatchPartyState.open_party_chat": signed_in(path=LIVE_PAGE),
    "watch_party.WatchPartyState.invite": signed_in(path=LIVE_PAGE, args={"friend_id": "@shopper"}),
    "watch_party.WatchPartyState.add_to_party_cart": signed_in(
        path=LIVE_PAGE, args={"product_id": "@product"}
    ),
    # -- trips (a booking's members pay their share)
    "trips.ExperienceState.load_product": anyone(path="/product/@product"),
    "trips.ExperienceState.organise": signed_in(path="/product/@product", args={"form": {}}),
    "trips.BookingState.load": anyone(path="/book/ABCDEFGHJKMN"),
    "trips.BookingState.watch": signed_in(runs=False),
    "trips.BookingState.set_card_choice": local(),
    "trips.BookingState.join": signed_in(path="/book/ABCDEFGHJKMN"),
    "trips.BookingState.pay": signed_in(path="/book/ABCDEFGHJKMN", args={"member_id": 1}),
    "trips.BookingState.bank_check": signed_in(path="/book/ABCDEFGHJKMN", args={"approve": True}),
}

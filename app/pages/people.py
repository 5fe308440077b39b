"""Sign-in, profile, friends and friend-invite pages."""

from __future__ import annotations

import reflex as rx

from app import routes
from app.components.buttons import link_button
from app.components.confirm import confirm_dialog
from app.components.form_fields import field_error
from app.components.layout import page_shell
from app.components.notice import notice
from app.components.people import sign_out_button, user_avatar
from app.components.rewards import rewards_summary
from app.components.skeletons import spinner
from app.services.accounts import PersonView, UserView
from app.states.keyed_page import shows_address
from app.states.people import (
    FriendsState,
    InviteState,
    ProfileState,
    ProviderButton,
    SignInState,
)


def _panel(*children: rx.Component, **props: object) -> rx.Component:
    return rx.card(
        rx.vstack(*children, spacing="4", align="stretch"),
        size="3",
        max_width="32rem",
        width="100%",
        margin_x="auto",
        margin_y="var(--space-6)",
        **props,
    )


def _provider_button(provider: rx.Var[ProviderButton]) -> rx.Component:
    return rx.el.a(
        rx.button(
            rx.icon("log-in", size=16),
            "Continue with " + provider.label,
            size="3",
            width="100%",
            variant=rx.cond(provider.demo, "soft", "solid"),
        ),
        href=provider.href,
        aria_label="Continue with " + provider.label,
        data_testid="provider-" + provider.name,
        style={"display": "block"},
        # A full page load: the sign-in route lives on the server, not in the client router.
        custom_attrs={"reloadDocument": True},
    )


def sign_in_page() -> rx.Component:
    return page_shell(
        _panel(
            rx.heading("Sign in", size="7", as_="h1"),
            rx.text(
                "Sign in to shop with friends, share carts and join group deals. "
                "You can keep browsing as a guest.",
                color=rx.color("gray", 11),
            ),
            rx.foreach(SignInState.providers, _provider_button),
            rx.cond(
                SignInState.providers.length() == 0,
                rx.callout("No sign-in provider is configured on this server.", icon="info"),
            ),
            rx.cond(
                SignInState.has_demo,
                rx.text(
                    "The demo provider runs on this machine with made-up shoppers "
                    "(alice, bob, carol, dave). It is not a real account.",
                    size="2",
                    color=rx.color("gray", 11),
                ),
            ),
        )
    )


def sign_in_error_page() -> rx.Component:
    return page_shell(
        _panel(
            rx.heading("We couldn't sign you in", size="7", as_="h1"),
            rx.callout(
                SignInState.error_message,
                icon="shield-alert",
                color_scheme="red",
                role="alert",
                data_testid="sign-in-error",
            ),  # fmt: skip
            rx.text("You are not signed in. Nothing was saved.", color=rx.color("gray", 11)),
            link_button("Try again", href=routes.sign_in_url(), size="3"),
        )
    )


def profile_page() -> rx.Component:
    user = ProfileState.user.to(UserView)
    return page_shell(
        rx.cond(
            ProfileState.signed_in,
            _panel(
                rx.hstack(
                    user_avatar(user, size="6"),
                    rx.vstack(
                        rx.heading(user.name, size="6", as_="h1", data_testid="profile-name"),
                        rx.text(user.email, color=rx.color("gray", 11), size="2"),
                        spacing="1",
                    ),
                    align="center",
                    spacing="4",
                ),
                rx.form(
                    rx.vstack(
                        rx.el.label("Display name", html_for="display-name", font_weight="500"),
                        rx.input(
                            id="display-name",
                            name="display_name",
                            default_value=user.name,
                            max_length=60,
                            required=True,
                            aria_invalid=rx.cond(ProfileState.name_error != "", "true", "false"),
                            aria_describedby="display-name-error",
                        ),  # fmt: skip
                        field_error(ProfileState.name_error, "display-name"),
                        rx.button("Save name", type="submit"),
                        spacing="2",
                        align="start",
                    ),
                    on_submit=ProfileState.save_name,
                ),
                rewards_summary(),
                rx.hstack(
                    link_button("Friends", href=routes.friends_url(), variant="soft"),
                    sign_out_button(),
                    spacing="3",
                ),
            ),
            spinner(),
        )
    )


def _friend_row(friend: rx.Var[PersonView]) -> rx.Component:
    return rx.hstack(
        user_avatar(friend, size="3"),
        rx.text(friend.name, weight="medium", flex_grow="1"),
        confirm_dialog(
            rx.button(
                "Remove",
                variant="soft",
                color_scheme="gray",
                size="1",
                aria_label="Remove " + friend.name,
            ),
            "Remove " + friend.name + "?",
            "You can become friends again with an invite.",
            rx.button("Keep", variant="soft", color_scheme="gray"),
            rx.button("Remove", color_scheme="red", on_click=FriendsState.remove(friend.id)),
        ),
        align="center",
        spacing="3",
        width="100%",
        data_testid="friend-row",
    )


def _invite_link() -> rx.Var:
    """The full invite link, joined in the browser from the page's origin."""
    return rx.cond(
        FriendsState.invite_path,
        FriendsState.router.url.origin + FriendsState.invite_path,  # type: ignore[operator]
        "",
    )


def friends_page() -> rx.Component:
    return page_shell(
        rx.cond(
            FriendsState.signed_in,
            _panel(
                rx.heading("Friends", size="7", as_="h1"),
                rx.vstack(
                    rx.text("Your invite code", weight="medium"),
                    rx.hstack(
                        rx.code(FriendsState.invite_code, size="6", data_testid="invite-code"),
                        rx.button(
                            rx.icon("copy", size=14),
                            "Copy link",
                            variant="soft",
                            on_click=[
                                rx.set_clipboard(_invite_link()),
                                rx.toast.success("Invite link copied"),
                            ],
                        ),
                        rx.button(
                            rx.icon("refresh-cw", size=14),
                            "New code",
                            variant="soft",
                            color_scheme="gray",
                            on_click=FriendsState.new_code,
                            aria_label="Make a new invite code; the old link stops working",
                            data_testid="invite-new-code",
                        ),
                        align="center",
                        spacing="3",
                        wrap="wrap",
                    ),
                    rx.text(
                        _invite_link(),
                        size="1",
                        color=rx.color("gray", 11),
                        data_testid="invite-link",
                        word_break="break-all",
                    ),  # fmt: skip
                    spacing="2",
                ),
                rx.form(
                    rx.vstack(
                        rx.el.label(
                            "Have a friend's code?", html_for="friend-code", font_weight="500"
                        ),  # fmt: skip
                        rx.hstack(
                            rx.input(
                                id="friend-code",
                                name="code",
                                placeholder="e.g. K7QM3XPA",
                                max_length=20,
                                aria_describedby="friend-code-error",
                            ),  # fmt: skip
                            rx.button("Open invite", type="submit"),
                            spacing="2",
                        ),
                        field_error(FriendsState.code_error, "friend-code"),
                        spacing="2",
                    ),
                    on_submit=FriendsState.use_code,
                    reset_on_submit=False,
                ),
                rx.divider(),
                rx.cond(
                    FriendsState.friends.length() > 0,
                    rx.vstack(
                        rx.foreach(FriendsState.friends, _friend_row),
                        spacing="3",
                        role="list",
                        aria_label="Your friends",
                    ),  # fmt: skip
                    rx.text(
                        "No friends here yet. Share your code to shop together.",
                        color=rx.color("gray", 11),
                        data_testid="no-friends",
                    ),  # fmt: skip
                ),
            ),
            spinner(),
        )
    )


def invite_page() -> rx.Component:
    inviter = InviteState.inviter.to(PersonView)
    return page_shell(
        rx.cond(
            shows_address(InviteState) & (InviteState.error != ""),
            notice("This invite can't be used", InviteState.error, icon="user-x"),
            rx.cond(
                shows_address(InviteState) & InviteState.inviter.bool(),
                _panel(
                    rx.hstack(
                        user_avatar(inviter, size="5"),
                        rx.heading(
                            inviter.name + " invited you to be friends", size="6", as_="h1"
                        ),  # fmt: skip
                        align="center",
                        spacing="3",
                    ),
                    rx.text(
                        "Friends can shop together, share carts and join deals as a team.",
                        color=rx.color("gray", 11),
                    ),  # fmt: skip
                    rx.cond(
                        InviteState.outcome != "",
                        rx.callout(InviteState.outcome, icon="check", data_testid="invite-outcome"),
                        rx.cond(
                            InviteState.already_friends,
                            rx.callout("You are already friends.", icon="check"),
                            rx.hstack(
                                rx.button("Accept", size="3", on_click=InviteState.accept),
                                rx.button(
                                    "Decline",
                                    size="3",
                                    variant="soft",
                                    color_scheme="gray",
                                    on_click=InviteState.decline,
                                ),  # fmt: skip
                                spacing="3",
                            ),
                        ),
                    ),
                    rx.link("See your friends", href=routes.friends_url()),
                ),
                spinner(),
            ),
        )
    )

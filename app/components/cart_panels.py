"""Panels around a cart: heading with presence, lock banner, members and totals, invites,
owner controls and the activity feed."""

from __future__ import annotations

import reflex as rx

from app.components.confirm import confirm_dialog
from app.components.form_fields import field, invalid
from app.components.people import user_avatar
from app.routes import cart_join_url, friends_url
from app.services.accounts import PersonView
from app.services.carts import CartActivityView, CartMemberView, CartView
from app.services.checkout import CheckoutView
from app.states.cart_room import PresenceView
from app.states.carts import CartState


def _view() -> rx.Var[CartView]:
    return CartState.view.to(CartView)


def is_owner() -> rx.Var[bool]:
    return _view().owner_id == CartState.me_id


def is_shared() -> rx.Var[bool]:
    return _view().kind == "shared"


def panel(title: str, *children: rx.Component, **props: object) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, size="4", as_="h2"), *children, spacing="3", align="stretch"),
        width="100%",
        **props,
    )


def _viewer(viewer: rx.Var[PresenceView]) -> rx.Component:
    return rx.tooltip(
        rx.box(
            user_avatar(viewer, "2"),
            data_testid="viewer",
            custom_attrs={"data-name": viewer.name},
            role="img",
            aria_label=viewer.name + " is viewing",
        ),
        content=viewer.name + " is here",
    )


def presence_bar() -> rx.Component:
    return rx.hstack(
        rx.hstack(rx.foreach(CartState.viewers, _viewer), spacing="1"),
        rx.text(
            CartState.viewer_count,
            " viewing now",
            size="2",
            color=rx.color("gray", 11),
        ),
        align="center",
        spacing="2",
        role="status",
        aria_label="Who is viewing this cart",
        data_testid="presence",
    )


def cart_heading() -> rx.Component:
    view = _view()
    return rx.flex(
        rx.vstack(
            rx.hstack(
                rx.heading(view.name, size="7", as_="h1", data_testid="cart-name"),
                rx.cond(
                    is_shared(),
                    rx.badge("Shared", variant="soft"),
                    rx.badge("Personal", variant="soft", color_scheme="gray"),
                ),
                rx.cond(
                    view.locked,
                    rx.badge(
                        rx.icon("lock", size=12),
                        "Locked",
                        color_scheme="red",
                        data_testid="locked-badge",
                    ),
                ),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.cond(
                view.deadline_label != "",
                rx.hstack(
                    rx.icon("clock", size=14),
                    rx.text("Deadline ", view.deadline_label, size="2", data_testid="deadline"),
                    align="center",
                    spacing="1",
                    color=rx.color("gray", 11),
                ),
            ),
            rx.cond(
                view.budget != "",
                rx.text("Budget per person: ", view.budget, size="2", color=rx.color("gray", 11)),
            ),
            rx.cond(
                (view.activity.length() > 0) & is_shared(),
                rx.hstack(
                    rx.icon("activity", size=14, color=rx.color("accent", 11)),
                    rx.text(
                        view.activity[0].text,
                        size="2",
                        color=rx.color("accent", 11),
                        data_testid="latest-activity",
                    ),
                    align="center",
                    spacing="1",
                    aria_live="polite",
                ),
            ),
            spacing="1",
            align="start",
        ),
        presence_bar(),
        justify="between",
        align="start",
        spacing="3",
        wrap="wrap",
        width="100%",
    )


def lock_banner() -> rx.Component:
    view = _view()
    checking_out = CartState.checkout.to(CheckoutView).status == "pending"
    return rx.cond(
        view.locked,
        rx.callout(
            rx.cond(
                checking_out,
                "Checkout is in progress, so the cart can't be changed right now.",
                rx.cond(
                    view.locked_reason == "deadline",
                    "The deadline has passed, so this cart is locked. No more changes.",
                    "The owner locked this cart. No more changes until they unlock it.",
                ),
            ),
            icon="lock",
            color_scheme="amber",
            role="status",
            width="100%",
            data_testid="lock-banner",
        ),
    )


def _member(member: rx.Var[CartMemberView]) -> rx.Component:
    view = _view()
    return rx.hstack(
        user_avatar(member, "2"),
        rx.vstack(
            rx.hstack(
                rx.text(member.name, weight="medium", size="2"),
                rx.cond(member.role == "owner", rx.badge("Owner", size="1", variant="outline")),
                rx.cond(member.user_id == CartState.me_id, rx.badge("You", size="1")),
                spacing="1",
                align="center",
                wrap="wrap",
            ),
            rx.text(
                "Items ",
                member.subtotal,
                " · pays ",
                member.pays,
                size="1",
                color=rx.color("gray", 11),
            ),
            rx.cond(
                member.budget_state == "over",
                rx.badge("Over budget", color_scheme="red", size="1"),
                rx.cond(
                    member.budget_state == "warn",
                    rx.badge("Near budget", color_scheme="amber", size="1"),
                ),
            ),
            spacing="0",
            flex_grow="1",
            min_width="0",
        ),
        rx.cond(
            is_owner() & (member.user_id != CartState.me_id) & ~view.locked,
            confirm_dialog(
                rx.button(
                    "Remove",
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    aria_label="Remove " + member.name + " from the cart",
                ),
                "Remove " + member.name + "?",
                "Their items leave the cart and they lose access at once.",
                rx.button("Keep", variant="soft", color_scheme="gray"),
                rx.button(
                    "Remove",
                    color_scheme="red",
                    on_click=CartState.remove_member(member.user_id),
                ),
            ),
        ),
        align="center",
        spacing="2",
        width="100%",
        data_testid="member-row",
    )


def members_panel() -> rx.Component:
    view = _view()
    return panel(
        "Members and totals",
        rx.vstack(rx.foreach(view.members, _member), spacing="2", width="100%"),
        rx.divider(),
        rx.hstack(
            rx.text(
                view.item_count,
                rx.cond(view.item_count == 1, " item", " items"),
                size="2",
                color=rx.color("gray", 11),
            ),
            rx.text("Total ", rx.text.strong(view.total, data_testid="cart-total"), size="4"),
            justify="between",
            align="center",
            width="100%",
        ),
    )


def _friend(friend: rx.Var[PersonView]) -> rx.Component:
    view = _view()
    return rx.hstack(
        user_avatar(friend, "1"),
        rx.text(friend.name, size="2", flex_grow="1"),
        rx.cond(
            view.member_ids.contains(friend.id),
            rx.badge("In the cart", variant="soft", color_scheme="grass"),
            rx.button(
                "Add",
                size="1",
                variant="soft",
                disabled=view.locked,
                on_click=CartState.invite(friend.id),
                aria_label="Add " + friend.name + " to the cart",
            ),
        ),
        align="center",
        spacing="2",
        width="100%",
    )


def invite_panel() -> rx.Component:
    view = _view()
    link = CartState.origin + cart_join_url(view.invite_code)
    return panel(
        "Invite friends",
        rx.text(
            "Share the code or the link. Anyone with it can join.",
            size="2",
            color=rx.color("gray", 11),
        ),
        rx.hstack(
            rx.code(view.invite_code, size="5", data_testid="cart-code"),
            rx.button(
                rx.icon("copy", size=14),
                "Copy link",
                variant="soft",
                size="2",
                on_click=[rx.set_clipboard(link), rx.toast.success("Invite link copied")],
            ),
            rx.cond(
                is_owner(),
                rx.button(
                    rx.icon("refresh-cw", size=14),
                    "New code",
                    variant="soft",
                    color_scheme="gray",
                    size="2",
                    on_click=CartState.new_code,
                    aria_label="Make a new invite code; the old link stops working",
                    data_testid="cart-new-code",
                ),
            ),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        rx.text(
            link,
            size="1",
            color=rx.color("gray", 11),
            word_break="break-all",
            data_testid="cart-link",
        ),
        rx.cond(
            CartState.friends.length() > 0,
            rx.vstack(
                rx.text("From your friends", size="2", weight="medium"),
                rx.foreach(CartState.friends, _friend),
                spacing="2",
                width="100%",
            ),
            rx.link("Find friends to invite", href=friends_url(), size="2"),
        ),
    )


def owner_controls() -> rx.Component:
    view = _view()
    delete = confirm_dialog(
        rx.button(rx.icon("trash-2", size=14), "Delete cart", variant="soft", color_scheme="red"),
        "Delete “" + view.name + "”?",
        "Everyone loses access to it. This can't be undone.",
        rx.button("Keep it", variant="soft", color_scheme="gray"),
        rx.button("Delete", color_scheme="red", on_click=CartState.delete_cart),
    )
    leave = confirm_dialog(
        rx.button("Leave cart", variant="soft", color_scheme="gray"),
        "Leave “" + view.name + "”?",
        "Your items leave with you. The code brings you back.",
        rx.button("Stay", variant="soft", color_scheme="gray"),
        rx.button("Leave", color_scheme="red", on_click=CartState.leave_cart),
    )
    deadline = rx.form(
        field(
            "Deadline (your local time)",
            "cart-new-deadline",
            CartState.deadline_error,
            rx.hstack(
                rx.input(
                    id="cart-new-deadline",
                    name="deadline",
                    type="datetime-local",
                    aria_invalid=invalid(CartState.deadline_error),
                    aria_describedby="cart-new-deadline-error",
                    flex_grow="1",
                ),
                rx.button("Save", type="submit", variant="soft", aria_label="Save the deadline"),
                rx.cond(
                    view.deadline != "",
                    rx.button(
                        "Remove",
                        variant="ghost",
                        color_scheme="gray",
                        type="button",
                        on_click=CartState.clear_deadline,
                        aria_label="Remove the deadline",
                    ),
                ),
                spacing="2",
                width="100%",
                wrap="wrap",
            ),
            hint="A passed deadline locks the cart; move it, then unlock.",
        ),
        on_submit=CartState.set_deadline,
        reset_on_submit=False,
        width="100%",
    )
    return rx.cond(
        is_owner(),
        panel(
            "Manage cart",
            deadline,
            rx.hstack(
                rx.cond(
                    CartState.checkout.to(CheckoutView).status == "pending",
                    rx.fragment(),
                    rx.cond(
                        view.locked_reason == "owner",
                        rx.button(
                            rx.icon("lock-open", size=14),
                            "Unlock cart",
                            variant="soft",
                            on_click=CartState.unlock,
                        ),
                        rx.button(
                            rx.icon("lock", size=14),
                            "Lock cart",
                            variant="soft",
                            on_click=CartState.lock,
                            disabled=view.locked,
                        ),
                    ),
                ),
                delete,
                spacing="3",
                wrap="wrap",
            ),
        ),
        leave,
    )


def _activity(item: rx.Var[CartActivityView]) -> rx.Component:
    return rx.text(item.text, size="2", color=rx.color("gray", 12), data_testid="activity-item")


def activity_panel() -> rx.Component:
    return panel(
        "Activity",
        rx.vstack(
            rx.foreach(_view().activity, _activity),
            spacing="1",
            max_height="16rem",
            overflow_y="auto",
            width="100%",
        ),
    )

"""Friends' picks: weighted, de-duplicated per friend, ranked by a rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.picks import Signal, friends_line, rank_picks

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def s(product: int, friend: int, kind: str, minutes: int = 0) -> Signal:
    return Signal(product, friend, kind, T0 + timedelta(minutes=minutes))


def test_purchases_outweigh_joins_and_carts_and_repeats_do_not_count() -> None:
    picks = rank_picks(
        [
            s(1, 7, "carted"),
            s(1, 7, "carted"),
            s(1, 7, "carted"),  # one friend, one kind: counted once
            s(2, 8, "bought"),
            s(3, 8, "joined"),
        ]
    )
    assert [(p.product_id, p.score) for p in picks] == [(2, 3), (3, 2), (1, 1)]


def test_ties_go_to_more_friends_then_the_most_recent() -> None:
    picks = rank_picks(
        [
            s(1, 7, "bought", 0),  # 3 points, one friend
            s(2, 8, "joined", 1),
            s(2, 9, "carted", 2),  # 3 points, two friends
            s(3, 7, "joined", 9),
            s(3, 7, "carted", 9),  # 3 points, one friend, most recent
        ]
    )
    assert [p.product_id for p in picks] == [2, 3, 1]
    assert picks[0].friend_ids == [9, 8]
    assert rank_picks([s(1, 7, "bought")], limit=0) == []


def test_the_friends_line_names_one_and_counts_the_rest() -> None:
    assert friends_line(["Bob"], "bought") == "Bob bought this"
    assert friends_line(["Bob", "Carol"], "bought") == "Bob and Carol bought this"
    assert friends_line(["Bob", "Carol", "Dave"], "bought") == "Bob and 2 friends bought this"
    assert friends_line([], "bought") == ""

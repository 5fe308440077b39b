"""Friends' "watching now": the sharing rule, and the presence it reads across processes."""

import asyncio

from app.domain.sharing import DEFAULTS, watching_now
from app.realtime import rooms as rooms_module
from app.realtime.rooms import Rooms, Viewer
from tests.fakes import FakeApp

BOB, CAROL, DAVE = 2, 3, 4
LIVE_HOSTS = {10: 9, 11: DAVE}  # session -> host; session 12 is not live


def test_watching_live_is_private_until_turned_on() -> None:
    assert DEFAULTS["share.watching"] is False
    assert DEFAULTS["share.reviews"] is True


def test_only_friends_who_share_it_on_live_sessions_they_do_not_host() -> None:
    watching = {BOB: [10, 12], CAROL: [10], DAVE: [11, 10]}
    assert watching_now(watching, {BOB, DAVE}, LIVE_HOSTS) == [(BOB, 10), (DAVE, 10)]


def test_someone_who_does_not_share_leaves_no_trace() -> None:
    """Not an entry, not a count: the result is the same as if they were not watching."""
    with_carol = watching_now({BOB: [10], CAROL: [10, 11]}, {BOB}, LIVE_HOSTS)
    assert with_carol == watching_now({BOB: [10]}, {BOB}, LIVE_HOSTS) == [(BOB, 10)]
    assert watching_now({CAROL: [10]}, set(), LIVE_HOSTS) == []


def _rooms() -> Rooms:
    registry = Rooms()
    registry.bind(FakeApp())
    return registry


async def test_a_listener_hears_who_watches_a_room_on_another_process() -> None:
    """Nobody here is in live:10, yet this process learns who is, and when they leave."""
    here, there = _rooms(), _rooms()
    heard: list[set[str]] = []
    here.listen_presence("live", heard.append)
    await there.enter("b", "live:10", Viewer(BOB, "Bob Baker"))
    here.dispatch(there._presence_event(["live:10"]))
    here._tell_listeners(here._moved)
    here._moved.clear()
    assert heard == [{"live:10"}]
    assert here.channels_of("live") == {"live:10"} and here.user_ids("live:10") == {BOB}
    here.dispatch(there._presence_event(["live:10"]))  # a heartbeat: nothing moved
    assert here._moved == set()
    await there.leave("b", "live:10")
    here.dispatch(there._presence_event(["live:10"]))
    assert here._moved == {"live:10"} and here.user_ids("live:10") == set()


async def test_every_signed_in_viewer_is_known_not_only_the_named_few() -> None:
    here, there = _rooms(), _rooms()
    crowd = rooms_module.PRESENCE_NAMES + 5
    for i in range(crowd):
        await there.enter(f"s{i}", "live:10", Viewer(100 + i, f"Viewer {i:03}"))
    await there.enter("guest", "live:10", Viewer(None, ""))
    here.dispatch(there._presence_event(["live:10"]))
    assert here.user_ids("live:10") == {100 + i for i in range(crowd)}
    assert here.presence("live:10").count == crowd + 1
    assert len(here.presence("live:10").viewers) == rooms_module.PRESENCE_NAMES


async def test_the_presence_loop_tells_listeners_of_local_changes() -> None:
    here = _rooms()
    heard: list[set[str]] = []
    here.listen_presence("live", heard.append)
    published = []
    task = asyncio.create_task(here.run_presence(published.append))
    await here.enter("b", "live:10", Viewer(BOB, "Bob Baker"))
    await here.enter("a", "cart:7", Viewer(1, "Alice"))
    await asyncio.sleep(rooms_module.PRESENCE_INTERVAL * 2.5)
    task.cancel()
    assert heard == [{"live:10"}]

"""Members adding at the same moment all count, on SQLite and PostgreSQL (threads, own sessions)."""

# The fixtures are imported, not defined in a conftest, so test parameters "redefine" them.
# ruff: noqa: F811

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlmodel import col, func, select

from app.adapters.db.models_carts import Cart, CartActivity, CartLine
from app.services import carts
from tests.integration.cart_world import Shop, shop  # noqa: F401

MEMBERS = 20
TIMES = 10


def _run_together(workers: list[Callable[[], None]]) -> None:
    start = threading.Barrier(len(workers))

    def run(work: Callable[[], None]) -> None:
        start.wait()
        work()

    with ThreadPoolExecutor(max_workers=len(workers)) as pool:
        for future in [pool.submit(run, work) for work in workers]:
            future.result()  # re-raise anything a worker hit


def _shared_cart(shop: Shop, members: int) -> tuple[int, list[int], int]:
    owner = shop.user("Owner")
    product = shop.product("Party Cup", price=100, stock=10_000)
    cart = shop.do(carts.create_shared_cart, owner, "Party")
    assert isinstance(cart, int)
    with shop.session() as session:
        code = carts.load_cart(session, cart, owner).invite_code
    people = [shop.user(f"Guest {n}") for n in range(members)]
    for person in people:
        shop.do(carts.join_by_code, person, code)
    return cart, people, product


def _quantity(shop: Shop, cart: int, product: int) -> int:
    with shop.session() as session:
        total = session.exec(
            select(func.sum(CartLine.quantity)).where(
                CartLine.cart_id == cart, CartLine.product_id == product
            )
        ).one()
        return int(total or 0)


def test_twenty_members_adding_ten_times_each_add_up_to_two_hundred(shop: Shop) -> None:
    cart, people, product = _shared_cart(shop, MEMBERS)
    version_before = _version(shop, cart)

    def adder(person: int) -> Callable[[], None]:
        def work() -> None:
            for _ in range(TIMES):
                shop.do(carts.add_item, cart, person, product, 1)

        return work

    _run_together([adder(person) for person in people])

    assert _quantity(shop, cart, product) == MEMBERS * TIMES
    assert _version(shop, cart) == version_before + MEMBERS * TIMES
    with shop.session() as session:
        versions = session.exec(
            select(CartActivity.version).where(CartActivity.cart_id == cart)
        ).all()
    assert len(versions) == len(set(versions))  # every change got its own version
    events = [e for e in shop.bus.events if e.payload["activity"].endswith("Party Cup")]
    assert len(events) == MEMBERS * TIMES


def test_twenty_sessions_incrementing_the_same_line_add_up(shop: Shop) -> None:
    # One member's line hit from twenty tabs at once: the increments are atomic.
    cart, people, product = _shared_cart(shop, 1)
    member = people[0]
    shop.do(carts.add_item, cart, member, product, 1)

    def work() -> None:
        for _ in range(TIMES):
            shop.do(carts.add_item, cart, member, product, 1)

    _run_together([work] * MEMBERS)

    with shop.session() as session:
        lines = session.exec(select(CartLine).where(col(CartLine.cart_id) == cart)).all()
    assert [(line.added_by, line.quantity) for line in lines] == [(member, 1 + MEMBERS * TIMES)]


def _version(shop: Shop, cart: int) -> int:
    with shop.session() as session:
        return carts.load_cart(session, cart, _owner(shop, cart)).version


def _owner(shop: Shop, cart: int) -> int:
    with shop.session() as session:
        row = session.get(Cart, cart)
        assert row is not None
        return row.owner_id

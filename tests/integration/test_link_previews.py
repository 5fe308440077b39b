"""Shared links answer an app that runs no JavaScript with the page's preview tags, whose values
are the ones the page itself shows (confirmed seats only), and a real 1200×630 card picture."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from app.adapters.db.models_carts import Cart
from app.api.share_routes import share_routes
from app.config import settings
from app.domain.live import SessionDraft
from app.services import carts, deals, live
from tests.factories import ShopWorld
from tests.integration.deal_world import FakeGateway, terms

SHELL = (
    '<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/>'
    '<meta content="width=device-width, initial-scale=1" name="viewport"/>'
    '<meta content="favicon.ico" property="og:image"/>'
    '<script type="module" src="/assets/entry.client-abc.js"></script></head>'
    '<body><div id="root"></div></body></html>'
)
MUG_PICTURE = "/products/harbor-stoneware-mug-0.webp"  # a demo picture under assets/


class _Head(HTMLParser):
    """The tags an unfurling app reads: <title>, <meta> by name or property, <link>."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in found or "name" in found):
            self.meta[found.get("property") or found["name"]] = found.get("content", "")
        elif tag == "link":
            self.links[found.get("rel", "")] = found.get("href", "")
        self._in_title = tag == "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


class Site:
    def __init__(self, world: ShopWorld, gateway: FakeGateway, shell_dir: Path) -> None:
        self.world = world
        app = Starlette(
            routes=share_routes(context=lambda: world.ctx(gateway), folder=lambda: shell_dir)
        )
        self.client = TestClient(app)

    def head(self, path: str) -> _Head:
        # An unfurling app: a plain GET, no JavaScript, no cookies.
        response = self.client.get(path, headers={"User-Agent": "Slackbot-LinkExpanding 1.0"})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        # The page's own app still boots from it.
        assert '<script type="module" src="/assets/entry.client-abc.js">' in response.text
        parsed = _Head()
        parsed.feed(response.text)
        return parsed

    def card(self, url: str) -> Image.Image:
        site = settings().site_url
        assert url.startswith(site + "/"), url  # absolute: apps ignore relative pictures
        response = self.client.get(url.removeprefix(site))
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        picture = Image.open(io.BytesIO(response.content))
        assert picture.format == "PNG"
        return picture


@pytest.fixture
def site(database_url: str, tmp_path: Path) -> Iterator[Site]:
    (tmp_path / "404.html").write_text(SHELL)
    with ShopWorld.open(database_url) as world:
        world.product("Harbor Mug", 1800, images=[MUG_PICTURE], category="kitchen")
        world.user("Hana Host", "host")
        yield Site(world, FakeGateway(), tmp_path)


def _absolute(path: str) -> str:
    return settings().site_url.rstrip("/") + path


def test_a_product_link_unfurls_with_its_price_and_picture(site: Site) -> None:
    head = site.head("/product/harbor-mug")
    assert head.title == "Harbor Mug · $18.00 · Bandwagon"
    assert head.meta["og:title"] == "Harbor Mug · $18.00"
    assert head.meta["og:type"] == "product"
    assert head.meta["og:url"] == _absolute("/product/harbor-mug")
    assert head.meta["product:price:amount"] == "18.00"
    assert head.meta["product:price:currency"] == "USD"
    assert head.meta["description"].startswith("$18.00.")
    assert head.meta["twitter:card"] == "summary_large_image"
    assert head.meta["twitter:image"] == head.meta["og:image"]
    assert (head.meta["og:image:width"], head.meta["og:image:height"]) == ("1200", "630")
    assert head.links["canonical"] == _absolute("/product/harbor-mug")
    assert head.links["preload"] == MUG_PICTURE  # the page's main picture, fetched early
    card = site.card(head.meta["og:image"])
    assert card.size == (1200, 630)
    # The product's picture fills the left of the card (not the blank background).
    assert card.convert("RGB").getpixel((315, 315)) != (255, 248, 245)


def test_a_deal_link_counts_only_confirmed_seats(site: Site) -> None:
    world = site.world
    product_id = world.products["harbor-mug"]
    host = world.users["Hana Host"]
    deal_id = deals.create_deal(world.ctx(), host, product_id, terms(team_size=3, team_price=7000))
    gateway = FakeGateway()
    ada, bo, cy, di = world.make_users(4)
    for shopper in (ada, bo):
        deals.join_deal(world.ctx(gateway), shopper, deal_id, 1, "pm_ok")
    # Waiting for the bank, and a team still forming: shown apart on the page, never counted.
    deals.join_deal(world.ctx(gateway), cy, deal_id, 1, "pm_3ds")
    team = deals.start_team(world.ctx(gateway), di, deal_id, 1, "pm_ok")

    head = site.head(f"/deals/{deal_id}")
    # Tiers: 1 -> $100.00, 3 -> $80.00, 5 -> $60.00; two confirmed holds.
    assert head.meta["og:title"] == "Harbor Mug: group deal at $100.00 · 2 joined"
    assert "2 joined; 1 more for $80.00" in head.meta["og:description"]
    assert head.meta["og:url"] == _absolute(f"/deals/{deal_id}")
    assert site.card(head.meta["og:image"]).size == (1200, 630)

    team_head = site.head(f"/deals/{deal_id}?team={team.team_id}")
    assert team_head.meta["og:title"].startswith("Join ")
    assert "team: Harbor Mug for $70.00" in team_head.meta["og:title"]
    assert "1 of 3" in team_head.meta["og:description"]
    assert team_head.meta["og:url"] == _absolute(f"/deals/{deal_id}?team={team.team_id}")
    assert site.card(team_head.meta["og:image"]).size == (1200, 630)


def test_a_shared_cart_invite_says_whose_cart_and_how_many_are_in(site: Site) -> None:
    world = site.world
    owner = world.user("Olive Owner")
    cart_id = carts.start_shared_cart(world.ctx(), owner, "Weekend picnic")
    with world.session() as session:
        code = session.exec(select(Cart.invite_code).where(Cart.id == cart_id)).one()
    head = site.head(f"/cart/join/{code}")
    assert head.meta["og:title"] == "Join Olive Owner's shared cart “Weekend picnic”"
    assert "(1 person in it so far)" in head.meta["og:description"]
    assert site.card(head.meta["og:image"]).size == (1200, 630)


def test_a_live_session_link_names_the_session_and_its_host(site: Site) -> None:
    world = site.world
    draft = SessionDraft(
        title="Mugs at dawn",
        cover_image=MUG_PICTURE,
        starts_at=datetime.now(UTC) + timedelta(hours=1),
        stream_url="",
        product_ids=(world.products["harbor-mug"],),
    )
    session_id = live.schedule_session(world.ctx(), world.users["Hana Host"], draft)
    head = site.head(f"/live/{session_id}")
    assert head.meta["og:title"] == "Mugs at dawn · Starting soon with Hana Host"
    assert site.card(head.meta["og:image"]).size == (1200, 630)


def test_an_unknown_address_still_boots_the_app_without_preview_tags(site: Site) -> None:
    head = site.head("/product/no-such-thing")
    assert "og:title" not in head.meta
    assert site.client.get("/share/card/product/no-such-thing.png").status_code == 404

"""A page's address without its trailing slash is answered with the page, not a redirect (the
static files Reflex serves under `make run` redirect /catalog to /catalog/)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from reflex.utils.precompressed_staticfiles import PrecompressedStaticFiles
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.testclient import TestClient

from app.api.page_paths import SlashlessPages, page_folder_path


@pytest.fixture
def built(tmp_path: Path) -> Path:
    for page, text in (("catalog", "the catalog"), ("deals/new", "a new deal"), ("", "home")):
        (tmp_path / page).mkdir(parents=True, exist_ok=True)
        (tmp_path / page / "index.html").write_text(f"<p>{text}</p>")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    return tmp_path


def _client(folder: Path) -> TestClient:
    frontend = Mount("/", app=PrecompressedStaticFiles(directory=folder, html=True))
    app = Starlette(
        routes=[frontend], middleware=[Middleware(SlashlessPages, folder=lambda: folder)]
    )
    return TestClient(app, follow_redirects=False)


def test_a_page_without_its_slash_is_served_at_once(built: Path) -> None:
    client = _client(built)
    for path, text in (("/catalog", "the catalog"), ("/deals/new", "a new deal")):
        response = client.get(path)
        assert response.status_code == 200 and text in response.text
        assert client.get(path + "/").text == response.text
    assert client.get("/catalog?q=mug").status_code == 200  # the query stays the page's
    assert client.head("/catalog").status_code == 200


def test_other_paths_are_left_as_they_were(built: Path) -> None:
    client = _client(built)
    assert client.get("/").text == "<p>home</p>"
    assert client.get("/favicon.svg").status_code == 200
    assert client.get("/no-such-page").status_code == 404
    assert client.post("/catalog").status_code != 200  # only reads are rewritten


@pytest.mark.parametrize(
    ("path", "served_as"),
    [
        ("/catalog", "/catalog/"),
        ("/deals/new", "/deals/new/"),
        ("/catalog/", None),
        ("/", None),
        ("/favicon.svg", None),
        ("/deals", None),  # no page of its own in this build
        ("/catalog/../catalog", None),
    ],
)
def test_which_paths_name_a_page_folder(built: Path, path: str, served_as: str | None) -> None:
    assert page_folder_path(built, path) == served_as


def test_a_new_build_is_read_again(built: Path) -> None:
    assert page_folder_path(built, "/deals") is None
    (built / "deals" / "index.html").write_text("<p>deals</p>")
    os.utime(built, (built.stat().st_atime, built.stat().st_mtime + 5))  # the build's new folder
    assert page_folder_path(built, "/deals") == "/deals/"
    assert page_folder_path(built / "gone", "/catalog") is None  # no build at all yet


def test_api_calls_and_files_are_never_taken_for_pages(built: Path) -> None:
    for folder in ("api/v1/products", "_upload", "shop.v2"):
        (built / folder).mkdir(parents=True)
        (built / folder / "index.html").write_text("<p>not a page</p>")
    os.utime(built, (built.stat().st_atime, built.stat().st_mtime + 5))
    for path in ("/api/v1/products", "/_upload", "/shop.v2"):
        assert page_folder_path(built, path) is None

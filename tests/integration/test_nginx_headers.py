"""The files nginx serves itself in `make prod` carry the same security headers as the backend's
answers, and the rendered configuration is one nginx accepts."""

from __future__ import annotations

import gzip
import subprocess
import urllib.request
from pathlib import Path

import pytest

from app.api.guards import header_table
from app.launcher.nginx import BROTLI_MODULE, nginx_binary, nginx_command, write_config
from app.launcher.processes import ProcessGroup, free_port, wait_for_http


def test_the_rendered_site_is_valid_and_every_static_location_sends_the_policy(
    tmp_path: Path,
) -> None:
    binary = nginx_binary()
    if binary is None:
        pytest.fail("nginx is missing: `make test` installs it (make nginx)")
    (tmp_path / "root").mkdir()
    config = write_config(
        tmp_path / "run",
        listen="127.0.0.1:1",
        root=tmp_path / "root",
        backends=["127.0.0.1:2"],
        routes=["index", "cart/[cart_id]"],
    )
    checked = subprocess.run(
        [*nginx_command(binary, config), "-t"], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr
    site = (config.parent / "site.conf").read_text()
    policy = header_table(https=False)["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    # /assets/, the pages with a parameter and every other file.
    assert site.count(f'add_header content-security-policy "{policy}" always;') == 3
    assert site.count('add_header x-content-type-options "nosniff" always;') == 3


def _serve_and_fetch(tmp_path: Path, brotli_module: Path | None, encoding: str) -> str:
    """nginx on a free port over a root with one script and its .gz and .br; the
    Content-Encoding of that script asked for with `encoding`."""
    binary = nginx_binary()
    if binary is None:
        pytest.fail("nginx is missing: `make test` installs it (make nginx)")
    root = tmp_path / "root"
    (root / "assets").mkdir(parents=True)
    script = b"console.log('hello');\n" * 200
    (root / "assets" / "app.js").write_bytes(script)
    (root / "assets" / "app.js.gz").write_bytes(gzip.compress(script))
    (root / "assets" / "app.js.br").write_bytes(b"not really brotli, but nginx does not look")
    port = free_port()
    config = write_config(
        tmp_path / "run",
        listen=f"127.0.0.1:{port}",
        root=root,
        backends=["127.0.0.1:2"],
        routes=["index"],
        brotli_module=brotli_module,
    )
    url = f"http://127.0.0.1:{port}/assets/app.js"
    with ProcessGroup() as group:
        server = group.start(nginx_command(binary, config), log=tmp_path / "nginx.log")
        wait_for_http(url, timeout=10, process=server)
        request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
        with urllib.request.urlopen(request, timeout=5) as answer:
            return str(answer.headers.get("Content-Encoding") or "")


def test_nginx_sends_the_builds_brotli_files_to_browsers_that_take_them(tmp_path: Path) -> None:
    if not BROTLI_MODULE.exists():
        pytest.fail("nginx's brotli module is missing: `make nginx` installs it")
    assert _serve_and_fetch(tmp_path, BROTLI_MODULE, "gzip, deflate, br") == "br"
    assert _serve_and_fetch(tmp_path / "old", BROTLI_MODULE, "gzip") == "gzip"


def test_without_the_brotli_module_the_site_still_runs_on_the_gzip_files(tmp_path: Path) -> None:
    assert _serve_and_fetch(tmp_path, None, "gzip, deflate, br") == "gzip"

"""The files nginx serves itself in `make prod` carry the same security headers as the backend's
answers, and the rendered configuration is one nginx accepts."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.api.guards import header_table
from app.launcher.nginx import nginx_binary, nginx_command, write_config


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

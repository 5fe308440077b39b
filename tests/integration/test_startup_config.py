"""A wrong setting stops start-up with the variable's name, before anything is started."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.config import PROJECT_ROOT


def launch(
    env: dict[str, str], *args: str, module: str = "app.launcher"
) -> subprocess.CompletedProcess[str]:
    """Run a launcher with `env` and wait for it to give up on the bad setting."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DATABASE_URL", "mysql://root@db/shop"), ("FRONTEND_PORT", "http"), ("REDIS_URL", "x")],
)
def test_launcher_refuses_a_bad_setting_and_names_it(variable: str, value: str) -> None:
    env = {**os.environ, variable: value}
    result = launch(env)
    assert result.returncode == 2
    assert f"Configuration error: {variable}: expected" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_names_every_missing_variable_and_how_to_get_the_servers() -> None:
    needed = ("DATABASE_URL", "REDIS_URL", "SESSION_SECRET")
    env = {k: v for k, v in os.environ.items() if k not in needed}
    result = launch(env, "--workers", "2", module="app.launcher.production")
    assert result.returncode == 2
    for variable in needed:
        assert f"Configuration error: {variable}: expected" in result.stderr
    assert "apt-get install -y postgresql redis-server" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_sqlite() -> None:
    env = {
        **os.environ,
        "DATABASE_URL": "sqlite:///data/shop.db",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "SESSION_SECRET": "s" * 40,
    }
    result = launch(env, "--workers", "2", module="app.launcher.production")
    assert result.returncode == 2
    assert "Configuration error: DATABASE_URL: expected a PostgreSQL URL" in result.stderr
    assert "REDIS_URL" not in result.stderr.split("PostgreSQL and Redis on a fresh")[0]

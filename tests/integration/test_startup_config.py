"""A wrong setting stops start-up with the variable's name, before anything is started."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.config import PROJECT_ROOT


def launch(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run the launcher with `env` and wait for it to give up on the bad setting."""
    return subprocess.run(
        [sys.executable, "-m", "app.launcher", *args],
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


def test_several_backend_processes_need_redis_and_say_so() -> None:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    result = launch(env, "--workers", "2")
    assert result.returncode == 2
    assert "Configuration error: REDIS_URL: expected a Redis URL" in result.stderr

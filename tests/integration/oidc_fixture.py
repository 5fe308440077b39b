"""The local demo OpenID provider (tools/demo-oidc, npm `oidc-provider`) as a pytest fixture.

Use it from a test module with::

    from tests.integration.oidc_fixture import demo_oidc  # noqa: F401

`run_demo_oidc(...)` starts extra instances with other settings (slow token endpoint, short ID
token lifetime). Each instance runs `node server.js` directly (no npx parent that could be left
behind) on a free 127.0.0.1 port in its own process group, which is killed at the end.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_OIDC_DIR = REPO_ROOT / "tools" / "demo-oidc"

#: The test app side of the redirect URIs (httpx.ASGITransport's default host).
TEST_APP_BASE = "http://testserver"
#: Provider names the tests may register in their SignInClient; each gets a callback URI.
TEST_PROVIDER_NAMES = ("demo", "demo_b", "demo_quirky", "demo_other")


def callback_uri(provider_name: str) -> str:
    return f"{TEST_APP_BASE}/auth/callback/{provider_name}"


@dataclass(frozen=True)
class DemoClient:
    client_id: str
    client_secret: str
    token_endpoint_auth_method: str = "client_secret_basic"
    redirect_uris: tuple[str, ...] = tuple(callback_uri(n) for n in TEST_PROVIDER_NAMES)

    def as_json(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uris": list(self.redirect_uris),
            "token_endpoint_auth_method": self.token_endpoint_auth_method,
        }


PRIMARY_CLIENT = DemoClient("bandwagon-test", "bandwagon-test-secret-1")
SECOND_CLIENT = DemoClient(
    "bandwagon-test-b", "bandwagon-test-secret-2", token_endpoint_auth_method="client_secret_post"
)


@dataclass(frozen=True)
class DemoOIDC:
    """A running demo provider."""

    issuer: str
    client_id: str
    client_secret: str
    #: A second registered client (client_secret_post) for audience / auth-method tests.
    second_client_id: str
    second_client_secret: str
    pid: int
    stderr_path: Path = field(repr=False)

    def stderr(self) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")
        except OSError:
            return ""


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def ensure_demo_oidc_installed() -> None:
    """`npm ci` the demo provider once if its node_modules are missing (lock-protected)."""
    marker = DEMO_OIDC_DIR / "node_modules" / "oidc-provider" / "package.json"
    if marker.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm is not installed: cannot install tools/demo-oidc")
        return
    lock_path = Path(tempfile.gettempdir()) / "bandwagon-demo-oidc-npm.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists():
            return
        verb = "ci" if (DEMO_OIDC_DIR / "package-lock.json").exists() else "install"
        result = subprocess.run(
            [npm, verb, "--prefix", str(DEMO_OIDC_DIR), "--no-audit", "--no-fund"],
            cwd=DEMO_OIDC_DIR,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            pytest.fail(f"npm {verb} in tools/demo-oidc failed:\n{result.stderr[-4000:]}")


def _stop(process: subprocess.Popen[str]) -> None:
    """SIGTERM the provider's process group, SIGKILL it after 5 s."""
    try:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
    finally:
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()


@contextlib.contextmanager
def run_demo_oidc(
    clients: Sequence[DemoClient] = (PRIMARY_CLIENT, SECOND_CLIENT),
    env: Mapping[str, str] | None = None,
    startup_timeout: float = 15.0,
) -> Iterator[DemoOIDC]:
    """Start one demo provider instance on a free port and stop it (process group) afterwards."""
    ensure_demo_oidc_installed()
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed: cannot run tools/demo-oidc")
        raise AssertionError("unreachable")
    child_env = {
        **os.environ,
        "PORT": "0",  # the server picks a free port and reports it in its ready line
        "CLIENTS": json.dumps([c.as_json() for c in clients]),
        "DEMO_OIDC_EXIT_ON_STDIN_CLOSE": "1",  # if pytest dies, the closed pipe stops node
        **(env or {}),
    }
    child_env.pop("ISSUER", None)
    with tempfile.TemporaryDirectory(prefix="demo-oidc-") as tmp:
        stderr_path = Path(tmp) / "stderr.log"
        with stderr_path.open("w") as stderr_file:
            process = subprocess.Popen(
                [node, str(DEMO_OIDC_DIR / "server.js")],
                cwd=DEMO_OIDC_DIR,
                env=child_env,
                stdin=subprocess.PIPE,  # never written; closes when this process ends
                stdout=subprocess.PIPE,
                stderr=stderr_file,
                text=True,
                start_new_session=True,  # own process group: killpg reaches every child
            )
        try:
            lines: queue.Queue[str | None] = queue.Queue()

            def drain() -> None:  # keep reading so the pipe never fills up
                assert process.stdout is not None
                for line in process.stdout:
                    lines.put(line)
                lines.put(None)

            threading.Thread(target=drain, name="demo-oidc-stdout", daemon=True).start()
            issuer = None
            deadline = time.monotonic() + startup_timeout
            while issuer is None:
                remaining = deadline - time.monotonic()
                try:
                    line = lines.get(timeout=max(remaining, 0.01))
                except queue.Empty:
                    line = None
                    remaining = 0
                if line is None:
                    if remaining <= 0 or process.poll() is not None:
                        _stop(process)
                        log = stderr_path.read_text(errors="replace")
                        pytest.fail(f"demo OpenID provider did not start:\n{log[-4000:]}")
                    continue
                if line.startswith("ready "):
                    issuer = line.split(" ", 1)[1].strip()
            primary, second = clients[0], clients[-1]
            yield DemoOIDC(
                issuer=issuer,
                client_id=primary.client_id,
                client_secret=primary.client_secret,
                second_client_id=second.client_id,
                second_client_secret=second.client_secret,
                pid=process.pid,
                stderr_path=stderr_path,
            )
        finally:
            _stop(process)


@pytest.fixture(scope="session")
def demo_oidc() -> Iterator[DemoOIDC]:
    """The demo provider with two clients (basic and post auth), shared by the whole session."""
    with run_demo_oidc() as provider:
        yield provider

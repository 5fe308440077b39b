"""Run localstripe, a stateful fake of the Stripe API, for development and tests.

    python -m app.adapters.payments.local_server --port 8420 --data-dir .data/localstripe

`make run` starts this when no Stripe keys are configured. Compared with localstripe's own
command, it binds 127.0.0.1 only (localstripe's binds every interface), keeps its state in
`<data-dir>/localstripe.pickle` instead of a fixed /tmp file shared by every user and checkout
(or in memory only without --data-dir), and prints `LOCALSTRIPE_URL=http://127.0.0.1:<port>` once
it listens, so `--port 0` (any free port) is usable by a parent process.

Point the app at it with STRIPE_API_BASE=<that url> and any key starting with sk_. Reset all data
with `DELETE <url>/_config/data`; register a webhook receiver with
`POST <url>/_config/webhooks/<name>` (form fields url, secret).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pickle
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATE_FILE = "localstripe.pickle"
URL_PREFIX = "LOCALSTRIPE_URL="


def _use_state_file(path: Path | None) -> None:
    """Redirect localstripe's store from /tmp/localstripe.pickle to `path` (None: memory only).

    localstripe hard-codes the path inside `Store.try_load_from_disk` / `Store.dump_to_disk`, so
    we replace those two methods on the class. (Not on the instance: the store pickles itself,
    and a function in its __dict__ would not pickle.)
    """
    from localstripe.resources import Store

    def load(self: Any) -> None:
        if path is None:
            return
        try:
            with path.open("rb") as handle:
                old = pickle.load(handle)
        except FileNotFoundError:
            return
        self.clear()
        self.update(old)

    def dump(self: Any) -> None:
        if path is None:
            return
        # Write then rename so a crash mid-write never leaves a truncated state file.
        partial = path.with_suffix(".tmp")
        with partial.open("wb") as handle:
            pickle.dump(self, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)

    Store.try_load_from_disk = load
    Store.dump_to_disk = dump


def serve(
    port: int = 8420, data_dir: Path | None = None, *, fresh: bool = False, access_log: bool = False
) -> None:
    """Run localstripe on 127.0.0.1:`port` until interrupted (blocking)."""
    from aiohttp import web
    from aiohttp.log import access_logger
    from localstripe.resources import store
    from localstripe.server import app

    state = None
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        state = data_dir / STATE_FILE
    _use_state_file(state)
    if fresh:
        store.clear()
        store.dump_to_disk()
    else:
        store.try_load_from_disk()

    # Bind ourselves so that port 0 works and the real port can be announced.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    bound = sock.getsockname()[1]

    async def announce(_: web.Application) -> None:
        print(f"{URL_PREFIX}http://127.0.0.1:{bound}", flush=True)

    app.on_startup.append(announce)
    web.run_app(
        app,
        sock=sock,
        print=None,
        access_log=access_logger if access_log else None,
        handle_signals=True,
    )


@dataclass
class LocalStripe:
    """A localstripe subprocess started by `start_subprocess`."""

    url: str
    process: subprocess.Popen[bytes]
    data_dir: Path | None = None
    log_path: Path | None = field(default=None)

    def reset(self) -> None:
        """Forget every customer, payment and webhook registration's data."""
        request = urllib.request.Request(f"{self.url}/_config/data", method="DELETE")
        with urllib.request.urlopen(request, timeout=5) as response:
            response.read()

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM, then SIGKILL after `grace` seconds."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(grace)
        if self.process.stdout is not None:
            self.process.stdout.close()


def _answers(url: str) -> bool:
    request = urllib.request.Request(
        f"{url}/v1/customers?limit=1",
        headers={"Authorization": "Bearer sk_test_localstripe"},
    )
    try:
        with urllib.request.urlopen(request, timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start_subprocess(
    port: int = 0,
    data_dir: Path | None = None,
    *,
    fresh: bool = True,
    timeout: float = 20.0,
    python: str = sys.executable,
) -> LocalStripe:
    """Start localstripe in a child process and wait until it answers.

    Logs go to `<data_dir>/localstripe.log` (or nowhere). The caller must `stop()` it.
    """
    if data_dir is not None:
        data_dir = data_dir.resolve()
    command = [python, "-m", "app.adapters.payments.local_server", "--port", str(port)]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    if fresh:
        command.append("--fresh")
    log_path = None
    stderr: Any = subprocess.DEVNULL
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        log_path = data_dir / "localstripe.log"
        stderr = log_path.open("ab")
    project_root = Path(__file__).resolve().parents[3]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(project_root), *filter(None, [env.get("PYTHONPATH")])])
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=stderr, cwd=project_root, env=env
        )
    finally:
        if stderr is not subprocess.DEVNULL:
            stderr.close()
    server = LocalStripe(url="", process=process, data_dir=data_dir, log_path=log_path)
    try:
        server.url = _read_url(process, timeout)
        deadline = time.monotonic() + timeout
        while not _answers(server.url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"localstripe at {server.url} did not answer")
            time.sleep(0.05)
    except BaseException:
        server.stop()
        raise
    return server


def _read_url(process: subprocess.Popen[bytes], timeout: float) -> str:
    """Read the announced URL from the child's stdout, giving up after `timeout` seconds."""
    import selectors

    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if not selector.select(timeout=0.1):
                if process.poll() is not None:
                    break
                continue
            line = process.stdout.readline().decode("utf-8", "replace").strip()
            if line.startswith(URL_PREFIX):
                return line[len(URL_PREFIX) :]
            if not line and process.poll() is not None:
                break
    raise RuntimeError(f"localstripe did not start (exit code {process.poll()})")


@contextlib.contextmanager
def running(port: int = 0, data_dir: Path | None = None) -> Iterator[LocalStripe]:
    """`with running() as server:` a fresh localstripe for the block's duration."""
    server = start_subprocess(port, data_dir)
    try:
        yield server
    finally:
        server.stop()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run localstripe on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8420, help="0 picks a free port")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="keep state in DATA_DIR/localstripe.pickle (default: memory only)",
    )
    parser.add_argument("--fresh", action="store_true", help="start with no saved data")
    parser.add_argument("--access-log", action="store_true")
    args = parser.parse_args(argv)
    serve(args.port, args.data_dir, fresh=args.fresh, access_log=args.access_log)


if __name__ == "__main__":
    main()

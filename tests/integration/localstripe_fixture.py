"""A real localstripe server for payment tests, imported by the test modules that need it.

Import both fixtures into a test module:
    from tests.integration.localstripe_fixture import localstripe_url, stripe_gateway  # noqa: F401
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest

from app.adapters.payments.local_server import start_subprocess
from app.adapters.payments.stripe_gateway import LOCAL_SECRET_KEY, StripeGateway


@pytest.fixture(scope="session")
def localstripe_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a localstripe subprocess on a free 127.0.0.1 port, for the whole session."""
    data_dir = tmp_path_factory.mktemp("localstripe")
    server = start_subprocess(port=0, data_dir=data_dir, fresh=True)
    try:
        yield server.url
    finally:
        server.stop()


def reset_localstripe(url: str) -> None:
    """Forget all customers and payments (webhook registrations survive: re-register them)."""
    request = urllib.request.Request(f"{url}/_config/data", method="DELETE")
    with urllib.request.urlopen(request, timeout=5) as response:
        response.read()


@pytest.fixture
def stripe_gateway(localstripe_url: str) -> StripeGateway:
    """A gateway on an emptied localstripe."""
    reset_localstripe(localstripe_url)
    return StripeGateway(LOCAL_SECRET_KEY, api_base=localstripe_url)

"""Fixtures for provider tests: a real vcplatform and a real dynamic-provider host."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.provider.harness import Providers, start_host
from tests.support.platform import PlatformServer


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlatformServer]:
    """One platform per test module (starting one is slow); tests use distinct names.

    Each test gets its own provider host, so no read cache outlives a test.
    """
    with PlatformServer(tmp_path_factory.mktemp("platform")) as server:
        yield server


@pytest.fixture
def providers(platform: PlatformServer) -> Iterator[Providers]:
    providers = Providers(start_host(platform), platform)
    try:
        yield providers
    finally:
        providers.host.close()

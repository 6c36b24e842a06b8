"""Fixtures for provider tests: a real vcplatform and a real dynamic-provider host."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.provider.harness import Providers, start_host
from tests.support.platform import PlatformServer


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[PlatformServer]:
    with PlatformServer(tmp_path / "platform") as server:
        yield server


@pytest.fixture
def providers(platform: PlatformServer) -> Iterator[Providers]:
    host = start_host(platform)
    try:
        yield Providers(host, platform)
    finally:
        host.close()

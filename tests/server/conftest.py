"""Fixtures for the reference platform's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.platform import PlatformServer


@pytest.fixture
def vcplatform_server(tmp_path: Path) -> Iterator[PlatformServer]:
    """A fresh server with org ``acme`` and a system-administrator token."""
    with PlatformServer(tmp_path / "platform") as server:
        yield server


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlatformServer]:
    """One server for a whole test module; tests must use unique names."""
    with PlatformServer(tmp_path_factory.mktemp("platform")) as server:
        yield server

"""Fixtures for the reference platform's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.platform import (
    PlatformServer,
    drop_postgres_database,
    fresh_postgres_database,
)


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


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def storage_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[PlatformServer]:
    """A fresh server on each storage backend (PostgreSQL: a new database per test)."""
    db_url = fresh_postgres_database() if request.param == "postgres" else None
    try:
        with PlatformServer(tmp_path / "platform", db_url=db_url) as server:
            yield server
    finally:
        if db_url is not None:
            drop_postgres_database(db_url)

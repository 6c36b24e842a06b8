"""SIGKILL `vcorg apply` at random points of a change set, and on a shared backend.

The other half of tests/e2e/test_crash_healing.py (which says what is checked), in a file
of its own so that the two halves run on different workers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_crash_healing import run_lineage
from tests.support.s3 import S3Server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_killed_change_set_heals_on_rerun(tmp_path: Path) -> None:
    run_lineage(tmp_path, change=True, edit=False)


def test_killed_change_set_heals_after_config_changes(tmp_path: Path) -> None:
    run_lineage(tmp_path, change=True, edit=True)


def test_killed_apply_heals_on_a_shared_backend(tmp_path: Path) -> None:
    """The same guarantees with the state in a bucket (S3 API, moto's server on loopback):
    no lock file to read there, so the lock is healed from the engine's own lock error."""
    with S3Server(tmp_path / "s3") as s3:
        run_lineage(tmp_path / "work", change=False, edit=True, kills=3, s3=s3)

"""One process plans an organisation of several hundred resources twice, as `vcorg apply` does.

pulumi 3.272's `serialize_provider` nests its pickle patch once per dynamic resource, so
a process used to die with RecursionError after some 900 resources (vcorg.resources
guards it: `vcorg.resources.sdk_fixes`). This is the end-to-end regression test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import EXAMPLES, OrgStack, start_platform

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_two_previews_of_600_resources_in_one_process(tmp_path: Path) -> None:
    config = tmp_path / "big.yaml"
    subprocess.run(
        [sys.executable, str(EXAMPLES / "generate.py"), "--units", "20",
         "--organisation", "metro-health", "--out", str(config)],
        check=True,
    )  # fmt: skip
    platform = start_platform(tmp_path / "platform")
    try:
        org = OrgStack(platform, tmp_path)
        # 600 custom resources, the component and the stack; twice is past the old limit.
        assert org.preview(config).change_summary == {"create": 602}
        assert org.preview(config).change_summary == {"create": 602}
    finally:
        platform.stop()

"""Rewrite tests/plan/golden/ from the current renderers; review `git diff` afterwards.

.venv/bin/python tests/plan/regen_golden.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

if __name__ == "__main__":
    test = Path(__file__).with_name("test_plan_golden.py")
    env = {**os.environ, "VCORG_UPDATE_GOLDEN": "1"}
    sys.exit(subprocess.call([sys.executable, "-m", "pytest", "-q", str(test)], env=env))

from __future__ import annotations

import sys
from pathlib import Path

# Test helpers here (plan_scenario) are imported by name; tests/ is not a package.
sys.path.insert(0, str(Path(__file__).parent))

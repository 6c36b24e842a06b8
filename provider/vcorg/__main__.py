"""``python -m vcorg``."""

from __future__ import annotations

import sys

from vcorg.cli import main

sys.exit(main())

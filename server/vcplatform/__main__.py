"""Allow ``python -m vcplatform``."""

from __future__ import annotations

from vcplatform.cli import main

raise SystemExit(main())

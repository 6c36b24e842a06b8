"""`python -m vcorg.engine`: print the directory holding `pulumi`, building it if needed."""

from __future__ import annotations

from vcorg.engine.pulumi_cli import main

raise SystemExit(main())

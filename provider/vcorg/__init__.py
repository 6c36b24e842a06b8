"""vcorg: organisation-as-code for telehealth video-call platforms."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # Lazy, so `import vcorg` (the CLI, the config loader) does not load the Pulumi SDK.
    if name == "Organisation":
        from vcorg.resources import Organisation

        return Organisation
    raise AttributeError(f"module 'vcorg' has no attribute {name!r}")

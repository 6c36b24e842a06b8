"""Locating, building and driving the Pulumi engine.

Submodules are imported lazily: `python -m vcorg.engine.language_host` is started by the
engine as a plugin, and importing its siblings first would make runpy warn on stderr.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PulumiNotAvailable", "ensure_pulumi", "pulumi_bin_dir"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from vcorg.engine import pulumi_cli

        return getattr(pulumi_cli, name)
    raise AttributeError(name)

"""Locating, building and driving the Pulumi engine."""

from __future__ import annotations

from vcorg.engine.pulumi_cli import PulumiNotAvailable, ensure_pulumi, pulumi_bin_dir

__all__ = ["PulumiNotAvailable", "ensure_pulumi", "pulumi_bin_dir"]

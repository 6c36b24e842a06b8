"""`vcorg drift`: what changed on the platform outside vcorg since the last apply.

    check(target, stack, client) -> DriftReport
    render_text(report) | render_markdown(report) | render_json(report)

It reads the state of the last apply and the platform (by paged lists), runs each managed
resource's own read as a refresh would (in-process, writing nothing), describes the
drift as plans do (`vcorg.plan.drift`), finds the objects no configuration manages, and
attributes each change from the audit log since the last apply. See docs/cli.md.
"""

from __future__ import annotations

from .check import Target, check, check_against
from .render import render_json, render_markdown, render_text, report_to_dict
from .report import DriftReport

__all__ = [
    "DriftReport",
    "Target",
    "check",
    "check_against",
    "render_json",
    "render_markdown",
    "render_text",
    "report_to_dict",
]

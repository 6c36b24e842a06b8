"""Reports for auditors and unit managers: who has access (`access`), and usage (`usage`).

Each report is one object built once from the configuration and what the platform
says, and several renderers walk it (text, Markdown, CSV, JSON), as `vcorg.plan` does.
Building a report only reads from the platform; it never changes anything.
"""

from __future__ import annotations

from .access import AccessReport, FlagKind, build_access_report
from .platform import AccessData, ReportScope, read_access_data
from .usage import UsageReport, build_usage_report

__all__ = [
    "AccessData",
    "AccessReport",
    "FlagKind",
    "ReportScope",
    "UsageReport",
    "build_access_report",
    "build_usage_report",
    "read_access_data",
]

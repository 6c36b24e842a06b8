"""Timestamps: stored as naive UTC, shown as RFC 3339 with a ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, as naive UTC (SQLite keeps no zone, so we never store one)."""
    return datetime.now(UTC).replace(tzinfo=None)


def rfc3339(value: datetime) -> str:
    """Format a naive-UTC datetime as RFC 3339 with microseconds."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_rfc3339(text: str) -> datetime:
    """Parse what :func:`rfc3339` wrote back into naive UTC."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")

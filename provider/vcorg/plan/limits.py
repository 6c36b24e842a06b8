"""Defaults shared by the safety rails, the renderers and the CLI."""

from __future__ import annotations

DEFAULT_MAX_DELETE_FRACTION = 0.25
# Deletion shares are only judged once a kind has this many managed objects.
MIN_MANAGED_FOR_FRACTION = 10
# GitHub rejects comments over 65,536 characters; stay clear of it.
MARKDOWN_LIMIT = 65_000

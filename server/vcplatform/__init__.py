"""vcplatform: the reference implementation of the video-call platform API v1."""

from __future__ import annotations

__version__ = "0.1.0"

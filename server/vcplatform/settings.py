"""Server settings, built by the CLI and handed to the app factory."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

DEFAULT_PUBLIC_URL = "https://video.vcplatform.dev"
DEFAULT_MAX_BODY_BYTES = 1_048_576
DEFAULT_INVITATION_TTL = timedelta(days=30)

_PERIODS = {
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "m": 60.0,
    "min": 60.0,
    "minute": 60.0,
    "h": 3600.0,
    "hour": 3600.0,
}


class SettingError(ValueError):
    """An option value the server cannot use; the message names the option."""


class ListenError(Exception):
    """The address to serve on is taken or not available."""


@dataclass(frozen=True)
class RateLimit:
    """At most ``requests`` per ``period_s`` seconds per token (a token bucket)."""

    requests: int
    period_s: float

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*", text.lower())
        if not match or match.group(3) not in _PERIODS or int(match.group(1)) < 1:
            raise SettingError(
                f"--rate-limit {text!r}: expected N/PERIOD such as 5/s, 600/min or 1000/hour"
            )
        count = int(match.group(2) or 1)
        return cls(int(match.group(1)), count * _PERIODS[match.group(3)])

    def __str__(self) -> str:
        return f"{self.requests}/{self.period_s:g}s"


@dataclass(frozen=True)
class Faults:
    """Injected faults. Rates are fractions of requests between 0 and 1."""

    error_rate: float = 0.0
    statuses: tuple[int, ...] = (500, 503)
    latency_ms: int = 0
    drop_rate: float = 0.0
    after_commit_rate: float = 0.0
    seed: int | None = None

    def __post_init__(self) -> None:
        for name in ("error_rate", "drop_rate", "after_commit_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                option = "--fault-" + name.replace("_", "-")
                raise SettingError(f"{option} {value}: must be between 0 and 1")
        bad = [s for s in self.statuses if s not in (500, 503)]
        if bad or not self.statuses:
            raise SettingError("--fault-statuses: use 500, 503 or 500,503")
        if self.latency_ms < 0:
            raise SettingError("--fault-latency-ms: must be 0 or more")

    @property
    def active(self) -> bool:
        return bool(self.error_rate or self.latency_ms or self.drop_rate or self.after_commit_rate)


@dataclass(frozen=True)
class Settings:
    public_url: str = DEFAULT_PUBLIC_URL
    invitation_ttl: timedelta = DEFAULT_INVITATION_TTL
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    rate_limit: RateLimit | None = None
    faults: Faults = field(default_factory=Faults)

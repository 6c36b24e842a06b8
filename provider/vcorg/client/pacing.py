"""Keep to the platform's rate limit once it has said so, instead of hammering it.

Every thread of one client (the dynamic provider runs several) shares one :class:`Pacer`.
Until the platform answers 429, requests go out as fast as the callers send them. A 429
does two things:

- everyone waits out its ``Retry-After`` (not only the thread that got it);
- requests are spaced to the rate the platform accepted just before it refused: the
  successes of the last ``WINDOW`` seconds, less a margin.

The rate then creeps back up (by ``STEP`` every ``WINDOW`` seconds without a 429), so a
limit that was lifted, or a burst allowance, is used again. The effect on a large apply
under `--rate-limit 20/s` is a steady ~20 requests a second with few refusals, and the
apply keeps going instead of failing when its retries run out.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW = 2.0
MARGIN = 0.9
STEP = 1.1


class Pacer:
    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._not_before = 0.0
        self._interval = 0.0  # seconds between request starts; 0 = unpaced
        self._next_slot = 0.0
        self._successes: deque[float] = deque()
        self._last_limited = 0.0
        self.limited = 0

    @property
    def rate(self) -> float | None:
        """Requests per second this client keeps to, or None while unpaced."""
        return 1 / self._interval if self._interval else None

    def acquire(self) -> None:
        """Wait until this request may go."""
        with self._lock:
            now = self._clock()
            self._relax(now)
            start = max(now, self._not_before, self._next_slot)
            if self._interval:
                self._next_slot = start + self._interval
        delay = start - now
        if delay > 0:
            self._sleep(delay)

    def succeeded(self) -> None:
        with self._lock:
            now = self._clock()
            self._successes.append(now)
            while self._successes and self._successes[0] < now - WINDOW:
                self._successes.popleft()

    def limited_for(self, retry_after: float | None) -> None:
        """The platform answered 429: pause everyone, and pace to what it accepted."""
        with self._lock:
            now = self._clock()
            self.limited += 1
            self._last_limited = now
            if retry_after:
                self._not_before = max(self._not_before, now + retry_after)
            recent = sum(1 for t in self._successes if t >= now - WINDOW)
            accepted = max(recent / WINDOW * MARGIN, 1.0)
            interval = 1 / accepted
            # Only ever slow down on a refusal; speeding up is _relax's job.
            self._interval = max(self._interval, interval) if self._interval else interval

    def _relax(self, now: float) -> None:
        if self._interval and now - self._last_limited > WINDOW:
            self._interval /= STEP
            self._last_limited = now
            if self._interval < 0.001:
                self._interval = 0.0

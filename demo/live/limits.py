"""Per-client rate limits: a token bucket per (client, kind of message); a client is a page's
connection, or for wrong control tokens its network address (over all its connections).

A page sends at most a camera's frame rate and a few controls a second; a
client sending far more (a bug, or a flood) has the excess refused, each
with an `error`, before any decoding or work is done, so the others are not
slowed down. This module counts; it must not send anything.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from demo import config


@dataclass
class Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    KEEP = 4096  # buckets kept at most; past it, the longest unused go (a full bucket is a new one)

    def __init__(self, rates: dict[str, tuple[float, float]] | None = None) -> None:
        # kind -> (messages per second, burst)
        self.rates = rates or {"frame": (config.MAX_FRAMES_PER_SECOND, config.FRAME_BURST),
                               "control": (config.MAX_CONTROLS_PER_SECOND, config.CONTROL_BURST),
                               "token guess": (1.0 / config.TOKEN_GUESS_EVERY, config.TOKEN_GUESSES)}
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self._lock = threading.Lock()

    def allow(self, client: str, kind: str, now: float | None = None, spend: bool = True) -> bool:
        """Whether `client` may send one more `kind`; `spend=False` asks without counting it."""
        rate, burst = self.rates[kind]
        now = time.monotonic() if now is None else now
        with self._lock:
            b = self._buckets.get((client, kind))
            if b is None:
                if len(self._buckets) >= self.KEEP:
                    oldest = sorted(self._buckets, key=lambda k: self._buckets[k].stamp)[: self.KEEP // 4]
                    for key in oldest:
                        del self._buckets[key]
                b = self._buckets[(client, kind)] = Bucket(burst, now)
            b.tokens = min(burst, b.tokens + (now - b.stamp) * rate)
            b.stamp = now
            if b.tokens >= 1.0:
                b.tokens -= 1.0 if spend else 0.0
                return True
            return False

    def forget(self, client: str) -> None:
        with self._lock:
            for key in [k for k in self._buckets if k[0] == client]:
                del self._buckets[key]

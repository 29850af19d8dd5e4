"""Frames captured by the page (getUserMedia) and sent as JPEG over Socket.IO.

The Socket.IO handler calls `submit` with the raw bytes; the stream worker
decodes them in `read`, so a slow or bad frame never blocks the handler. The
newest frame wins. This module must not answer clients itself.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from demo.landmarks import Frame
from demo.sources import jpeg
from demo.sources.base import Source


@dataclass
class EncodedFrame:
    data: bytes
    frame_id: int
    client_ts: float | None
    received: float


class BrowserSource(Source):
    kind = "browser"

    def __init__(self, label: str = "browser camera") -> None:
        super().__init__(label)
        self.set_status("ok", "waiting for frames from the page")
        self._t0: float | None = None

    def submit(self, data: bytes, frame_id: int, client_ts: float | None) -> None:
        self.slot.put(EncodedFrame(data, frame_id, client_ts, time.perf_counter()))

    def read(self, timeout: float = 0.5) -> Frame | None:
        """The newest frame, decoded; raises BadFrameError for a bad one."""
        item = self.slot.get(timeout)
        if item is None:
            return None
        t0 = time.perf_counter()
        image = jpeg.decode(item.data)
        # The pose stage needs a monotonic clock; the page's clock is echoed only.
        if self._t0 is None:
            self._t0 = item.received
        frame = Frame(image=image, t=item.received - self._t0, frame_id=item.frame_id,
                      client_ts=item.client_ts, received=item.received)
        frame.timings["decode"] = (time.perf_counter() - t0) * 1000.0
        return frame

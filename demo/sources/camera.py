"""A camera attached to the server (`--camera N`), through cv2.VideoCapture.

When the device disappears (unplugged, taken by another program) the source
says so in its status and keeps trying to reopen it, so the stream recovers
by itself when the camera comes back.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import cv2

from demo import config
from demo.landmarks import Frame
from demo.sources.base import Source


class CameraSource(Source):
    kind = "camera"
    sends_images = True

    def __init__(self, index: int = 0, label: str = "",
                 open_capture: Callable[[int], cv2.VideoCapture] | None = None,
                 retry_seconds: float = config.CAMERA_RECONNECT_SECONDS) -> None:
        super().__init__(label or f"camera {index}")
        self.index = index
        self.retry_seconds = retry_seconds
        self._open = open_capture or cv2.VideoCapture
        self.reconnects = 0

    def produce(self) -> None:
        t0 = time.monotonic()
        while not self.stopped:
            cap = self._open(self.index)
            if cap is None or not cap.isOpened():
                self.set_status("reconnecting",
                                f"Camera {self.index} is not available; retrying. "
                                "Check that it is plugged in and not used by another program.")
                if self.sleep(self.retry_seconds):
                    return
                continue
            fps = cap.get(cv2.CAP_PROP_FPS)
            self.fps = fps if fps and 1.0 <= fps <= 240.0 else 30.0
            self.set_status("ok", f"camera {self.index}")
            while not self.stopped:
                ok, image = cap.read()  # blocks at the camera's own rate
                if not ok or image is None:
                    break
                self.slot.put(Frame(image=image, t=time.monotonic() - t0, frame_id=self.next_id(),
                                    received=time.perf_counter()))
            cap.release()
            if not self.stopped:
                self.reconnects += 1
                self.set_status("reconnecting", f"Camera {self.index} stopped sending frames; "
                                "reconnecting. Check its cable.")
                if self.sleep(self.retry_seconds):
                    return

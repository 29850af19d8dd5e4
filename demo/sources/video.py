"""A video file played at its own frame rate, looping (`--video PATH`).

Frames are paced on the wall clock; when pose is slower than the video, the
latest frame wins and older ones are dropped, as with a live camera.
"""

from __future__ import annotations

import time
from pathlib import Path

import cv2

from demo.errors import SourceError
from demo.landmarks import Frame
from demo.sources.base import PlayedSource


class VideoSource(PlayedSource):
    kind = "video"
    sends_images = True

    def __init__(self, path: Path | str, loop: bool = True, label: str = "") -> None:
        super().__init__(label or Path(path).name)
        self.path = Path(path)
        self.loop = loop
        if not self.path.is_file():
            raise SourceError(f"Video {self.path} does not exist.", "Check the --video path.")
        cap = cv2.VideoCapture(str(self.path))
        ok = cap.isOpened() and cap.read()[0]
        fps = cap.get(cv2.CAP_PROP_FPS)
        cap.release()
        if not ok:
            raise SourceError(f"OpenCV cannot decode video {self.path}.",
                              "Convert it to MP4 (H.264) or AVI (MJPEG) and try again.")
        self.fps = fps if fps and 1.0 <= fps <= 240.0 else 30.0

    def produce(self) -> None:
        pacer = self.pacer.start(self.fps)
        while not self.stopped:
            cap = cv2.VideoCapture(str(self.path))
            self.set_status("ok", f"playing {self.path.name}")
            while not self.stopped:
                ok, image = cap.read()
                if not ok:
                    break
                self.slot.put(Frame(image=image, t=pacer.clock(), frame_id=self.next_id(),
                                    received=time.perf_counter()))
                if pacer.wait(self):
                    break
            cap.release()
            if not self.loop:
                self.set_status("ended", f"{self.path.name} ended")
                return

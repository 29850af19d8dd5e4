"""A landmark recording played back at its own rate, looping (`--replay PATH`).

It yields Pose records, so the stream skips the pose stage entirely: a
lecturer without a camera, or a machine in CI, still sees a moving body.
"""

from __future__ import annotations

import time
from pathlib import Path

from demo import recording
from demo.landmarks import Frame
from demo.sources.base import PlayedSource


class ReplaySource(PlayedSource):
    kind = "replay"

    def __init__(self, path: Path | str, loop: bool = True, label: str = "") -> None:
        self.recording = recording.load(Path(path))
        super().__init__(label or Path(path).name.removesuffix(recording.SUFFIX))
        self.path = Path(path)
        self.loop = loop
        self.fps = self.recording.fps

    def produce(self) -> None:
        rec = self.recording
        pacer = self.pacer.start(self.fps)
        self.set_status("ok", f"replaying {self.label}")
        while not self.stopped:
            for i in range(len(rec)):
                t = pacer.clock()
                self.slot.put(Frame(image=None, t=t, frame_id=self.next_id(),
                                    received=time.perf_counter(), pose=rec.pose(i, t=t)))
                if pacer.wait(self):
                    return
            if not self.loop:
                self.set_status("ended", f"{self.label} ended")
                return

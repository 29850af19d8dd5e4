"""The one interface every source implements.

A source hands the stream worker its newest `Frame` through a LatestSlot:
an image for the pose stage, or (from a recording) a frame that already
carries its pose. Server-side sources run their own producer
thread; the browser source is fed by the Socket.IO handler. A source must
not run pose estimation or emit anything to clients.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from demo.errors import BadMessageError
from demo.landmarks import Frame
from demo.sources.latest import LatestSlot


@dataclass
class SourceStatus:
    """What the page shows about the source ("ok", "reconnecting", "ended", "error")."""

    state: str = "starting"
    message: str = ""


class Source:
    """Base class; subclasses with a producer thread override `produce`."""

    kind = "base"
    # Whether the page should receive the image (a server camera or video:
    # the visitor must see themself). Browser frames are never sent back.
    sends_images = False

    def __init__(self, label: str = "") -> None:
        self.label = label or self.kind
        self.slot: LatestSlot[Frame] = LatestSlot()
        self.status = SourceStatus()
        self.fps: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._frame_id = 0

    # --- producer side -----------------------------------------------------
    def start(self) -> Source:
        if type(self).produce is not Source.produce and self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"source-{self.label}",
                                            daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self.produce()
        except Exception as e:  # a producer crash must show on the page, not kill the server
            self.set_status("error", f"{self.label} stopped: {e}")

    def produce(self) -> None:
        """Loop putting items into self.slot until self.stopped; runs in its own thread."""

    def next_id(self) -> int:
        self._frame_id += 1
        return self._frame_id

    def set_status(self, state: str, message: str = "") -> None:
        self.status = SourceStatus(state, message)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def set_speed(self, speed: float) -> None:
        """Slow motion for sources that play something recorded (see PlayedSource)."""
        raise BadMessageError(f"Slow motion needs a recording or a video; {self.label} is live.",
                              "Choose a bundled recording or a video as the source.")

    def sleep(self, seconds: float) -> bool:
        """Sleep unless stopped; True when the source was stopped meanwhile."""
        return self._stop.wait(seconds)

    # --- consumer side -----------------------------------------------------
    def read(self, timeout: float = 0.5) -> Frame | None:
        return self.slot.get(timeout)

    def close(self) -> None:
        self._stop.set()
        self.slot.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)


class Pacer:
    """Keeps a producer at a fixed rate on the wall clock, without drift, and keeps the
    source's own clock: seconds of the recording or video played, which run slower than
    the wall clock in slow motion (`speed` < 1), so everything downstream slows down alike."""

    MIN_SPEED = 0.1

    def __init__(self, fps: float) -> None:
        self.period = 1.0 / fps
        self.next = time.monotonic()
        self.speed = 1.0
        self._clock = 0.0
        self._stamp = time.monotonic()

    def start(self, fps: float) -> Pacer:
        """(Re)start ticking at `fps`, keeping the speed and the clock."""
        self.period = 1.0 / fps
        self.next = time.monotonic()
        return self

    def set_speed(self, speed: float) -> None:
        self.clock()  # bank the time played at the old speed
        self.speed = min(1.0, max(self.MIN_SPEED, float(speed)))

    def clock(self) -> float:
        now = time.monotonic()
        self._clock += (now - self._stamp) * self.speed
        self._stamp = now
        return self._clock

    def wait(self, source: Source) -> bool:
        """Sleep until the next tick; True when the source was stopped meanwhile."""
        self.next += self.period / self.speed
        delay = self.next - time.monotonic()
        if delay < -self.period:  # fell far behind (a stall): restart the clock
            self.next = time.monotonic()
            delay = 0.0
        return source.sleep(max(0.0, delay))


class PlayedSource(Source):
    """A source playing something recorded, at its own rate or slower (slow motion)."""

    def __init__(self, label: str = "") -> None:
        super().__init__(label)
        self.pacer = Pacer(30.0)

    def set_speed(self, speed: float) -> None:
        self.pacer.set_speed(speed)

    @property
    def speed(self) -> float:
        return self.pacer.speed

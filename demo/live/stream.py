"""One stream: a source, its own pose estimator, one worker thread.

The worker takes the newest frame from the source (older ones were dropped
by the latest-wins slot), runs the pose stage unless the frame already has a
pose, times every stage, and hands one `state` payload per processed frame
to `publish`, plus a `status` event whenever the source's status changes
(a camera unplugged shows even though no frames arrive). An exception in the pose stage restarts this stream's
estimator and is reported; it never reaches other streams. This module must
not know about Socket.IO: `publish` and `report` are plain callables.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from demo import config
from demo.errors import BadFrameError, DemoError
from demo.landmarks import Frame, Pose
from demo.live import protocol
from demo.live.kiosk import Kiosk
from demo.mirror import wire
from demo.mirror.session import MirrorSystem
from demo.pose.estimator import PoseEstimator
from demo.pose.pool import Estimators
from demo.recognition.online import Recogniser
from demo.recognition.training import ActionModel
from demo.sources import jpeg
from demo.sources.base import Source

log = logging.getLogger(__name__)

Publish = Callable[[str, dict], None]  # (event, payload)
Report = Callable[[dict], None]
TIMINGS_KEPT = 2000  # per-frame timings kept for the benchmark and tests


def _no_action_model() -> ActionModel | None:
    return None


@dataclass(frozen=True)
class Wiring:
    """Where a stream sends what it makes, and where it gets its models."""

    publish: Publish
    report: Report  # errors, to whoever sends this stream's frames
    # Asked each frame: the action model may be retrained while the stream runs (a class added).
    action_model: Callable[[], ActionModel | None] = _no_action_model
    mirror: Callable[[ActionModel], MirrorSystem] | None = None  # units laid out for an action model


class RateMeter:
    """Events per second over the last `window` seconds."""

    def __init__(self, window: float = 2.0) -> None:
        self.window = window
        self.times: deque[float] = deque()

    def tick(self, now: float) -> float:
        self.times.append(now)
        while self.times and now - self.times[0] > self.window:
            self.times.popleft()
        if len(self.times) < 2:
            return 0.0
        return (len(self.times) - 1) / (self.times[-1] - self.times[0])


class Stream:
    """Runs source -> pose -> state for one source until stopped."""

    def __init__(self, stream_id: str, source: Source, estimators: Estimators, wiring: Wiring) -> None:
        self.id = stream_id
        self.source = source
        self.estimators = estimators  # borrowed on the first frame to pose, given back on stop
        self.action_model = wiring.action_model
        self._recogniser: Recogniser | None = None
        # The mirror units of this stream: made from the action model, re-laid when it changes.
        self.mirror_factory = wiring.mirror
        self.mirror: MirrorSystem | None = None
        self.kiosk = Kiosk()  # inviting visitors and forgetting the last one
        self._mirror_model: ActionModel | None = None
        self._mirror_lock = threading.Lock()
        # Poses kept for an example being recorded (the record page); None when not recording.
        # Nothing is kept otherwise: a visitor's poses live for one frame.
        self._recording: list[Pose] | None = None
        self._recording_lock = threading.Lock()
        self.why = False  # explain each decision (the lecture page's "why" view asks for it)
        self.publish = wiring.publish
        self.report = wiring.report
        self.rate = RateMeter()
        self.fps = 0.0
        self.processed = 0
        self.restarts = 0
        self.failures = 0                  # frames that failed past the pose stage
        self.failed_at: float | None = None  # monotonic time of the last such failure
        # Recent per-frame timings, bounded: read by the benchmark and tests.
        self.timings: deque[dict[str, float]] = deque(maxlen=TIMINGS_KEPT)
        self._estimator: PoseEstimator | None = None
        self._last_status: dict | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"stream-{stream_id}", daemon=True)

    def start(self) -> Stream:
        self.source.start()
        self._thread.start()
        return self

    def stop(self, wait: bool = True) -> None:
        self._stop.set()
        self.source.close()
        if wait:
            self.join()

    def join(self, timeout: float = 3.0) -> None:
        """Wait for the worker to finish its frame (a stopped stream's pose model is then free)."""
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=timeout)

    @property
    def finishing(self) -> bool:
        """Stopped, but its worker has not ended yet."""
        return self._stop.is_set() and self._thread.is_alive()

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    # --- worker ------------------------------------------------------------
    def _pose(self, frame: Frame) -> Pose:
        if frame.pose is not None:
            return frame.pose
        if self._estimator is None:
            if self.estimators.model_path is None:
                raise DemoError("This stream has no pose model.", "Run `python -m demo pose-models`.")
            self._estimator = self.estimators.borrow()
        return self._estimator.detect(frame.image, frame.t)

    def _restart_estimator(self) -> None:
        if self._estimator is not None:
            try:
                self.estimators.discard(self._estimator)
            except Exception:  # a broken landmarker may fail to close too
                log.exception("closing a failed pose estimator")
        self._estimator = None
        self.restarts += 1

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    frame = self.source.read(timeout=0.5)
                except BadFrameError as e:
                    self.report(protocol.error(e))
                    continue
                self._publish_status_change()
                if frame is None:
                    continue
                try:
                    self.process(frame)
                except Exception as e:  # any later stage: this stream starts afresh, the worker lives on
                    self._after_failure(e, frame.frame_id)
        finally:
            if self._estimator is not None:
                self.estimators.give_back(self._estimator)  # the next stream reuses it
                self._estimator = None

    def _after_failure(self, err: Exception, frame_id: int | None) -> None:
        """A frame failed past the pose stage: say so to the viewers, forget the recogniser's
        and the units' state (it may be what broke), and go on with the next frame."""
        log.exception("stream %s failed on a frame; its recogniser and units start afresh", self.id)
        self.failures += 1
        self.failed_at = time.monotonic()
        self._recogniser = None
        with self._mirror_lock:
            self.mirror = None
        what = f"{type(err).__name__}: {err}"
        self.report(protocol.error(f"The stream failed on a frame ({what}); it was restarted.",
                                   code="stream_failed", frame_id=frame_id))

    def failed_within(self, seconds: float) -> bool:
        return self.failed_at is not None and time.monotonic() - self.failed_at < seconds

    def _recognise(self, pose: Pose):
        model = self.action_model()
        if model is None:
            return None
        if self._recogniser is None or self._recogniser.model is not model:
            self._recogniser = Recogniser(model)
        return self._recogniser.update(pose)

    def mirror_session(self) -> MirrorSystem | None:
        """This stream's mirror units (made on first use; any thread may ask)."""
        model = self.action_model()
        if self.mirror_factory is None or model is None:
            return None
        with self._mirror_lock:
            if self.mirror is None:
                self.mirror = self.mirror_factory(model)
            elif model is not self._mirror_model:
                self.mirror.adopt(model.classes)
            self._mirror_model = model
            return self.mirror

    def _mirror(self, t: float, recognition, present: bool) -> tuple[dict | None, dict | None]:
        session = self.mirror_session()
        if session is None:
            return None, None
        session.apply_commands(t)  # a lecturer's command counts before the kiosk decides
        self.kiosk.update(session, t, present)
        snap = session.update(t, recognition)
        return wire.pack(snap, session.params.dynamics.r_max), wire.agent(snap)

    def start_recording(self) -> None:
        with self._recording_lock:
            self._recording = []

    def stop_recording(self) -> list[Pose]:
        with self._recording_lock:
            poses, self._recording = self._recording or [], None
        return poses

    def _keep(self, pose: Pose) -> None:
        with self._recording_lock:
            if self._recording is None:
                return
            if self._recording and pose.t - self._recording[0].t > config.MAX_RECORD_SECONDS:
                return  # long enough: the page stops it; a forgotten recording cannot grow
            self._recording.append(pose)

    def status(self) -> dict:
        st = self.source.status
        return {"state": st.state, "message": st.message, "source": self.source.kind,
                "label": self.source.label, "stream": self.id}

    def _publish_status_change(self) -> None:
        status = self.status()
        if status != self._last_status:
            self._last_status = status
            self.publish(protocol.STATUS, status)

    def process(self, frame: Frame) -> dict | None:
        """Run one frame through the stages and publish its state."""
        start = time.perf_counter()
        timings = dict(frame.timings)
        # Time spent waiting for the worker: arrival to pick-up, not counting decoding.
        waited = (start - frame.received) * 1000.0 - timings.get("decode", 0.0) if frame.received else 0.0
        timings["wait"] = max(0.0, waited)
        try:
            pose = self._pose(frame)
        except DemoError as e:
            self.report(protocol.error(e, frame_id=frame.frame_id))
            return None
        except Exception as e:  # mediapipe failure: restart this stream's estimator only
            log.exception("pose stage failed on stream %s", self.id)
            self._restart_estimator()
            self.report(protocol.error(f"The pose stage failed ({e}); it was restarted.",
                                       code="pose_failed", frame_id=frame.frame_id))
            return None
        after_pose = time.perf_counter()
        timings["pose"] = (after_pose - start) * 1000.0 if frame.pose is None else 0.0
        self._keep(pose)
        recognition = self._recognise(pose)
        explanation = recognition.explain() if self.why and recognition is not None and recognition.explain \
            else None
        after_recognise = time.perf_counter()
        timings["recognise"] = (after_recognise - after_pose) * 1000.0
        mirror, agent = self._mirror(frame.t, recognition, pose.seen)
        after_mirror = time.perf_counter()
        timings["mirror"] = (after_mirror - after_recognise) * 1000.0
        image = None
        if self.source.sends_images and frame.image is not None:
            image = jpeg.encode(frame.image)
            timings["encode"] = (time.perf_counter() - after_mirror) * 1000.0
        now = time.perf_counter()
        self.fps = self.rate.tick(now)
        timings["total"] = (now - frame.received) * 1000.0 if frame.received else 0.0
        msg = protocol.state(protocol.StateParts(
            stream=self.id, frame=frame, pose=pose, timings=timings, fps=self.fps,
            dropped=self.source.slot.dropped, status=self.status(), image=image,
            recognition=recognition, explanation=explanation, mirror=mirror, agent=agent))
        self.processed += 1
        self.timings.append(timings)
        self.publish(protocol.STATE, msg)
        return msg

"""Server-side sources: a camera that disappears and returns, a looping video."""

from __future__ import annotations

import threading
import time

import cv2
import pytest

from demo.errors import SourceError
from demo.live.stream import Stream, Wiring
from demo.pose.pool import Estimators
from demo.sources import CameraSource, VideoSource

from helpers import wait_for


class FlakyCamera:
    """Opens a real clip as the 'device', but fails to open, or dies, on cue."""

    def __init__(self, clip) -> None:
        self.clip = str(clip)
        self.plugged = threading.Event()
        self.plugged.set()
        self.opens = 0

    def __call__(self, index: int):
        self.opens += 1
        if not self.plugged.is_set():
            return cv2.VideoCapture()  # not opened: the device is gone
        return _Unpluggable(self)


class _Unpluggable:
    def __init__(self, cam: FlakyCamera) -> None:
        self.cam = cam
        self.cap = cv2.VideoCapture(cam.clip)

    def isOpened(self):  # noqa: N802 (OpenCV's name)
        return self.cap.isOpened()

    def get(self, prop):
        return self.cap.get(prop)

    def read(self):
        if not self.cam.plugged.is_set():
            return False, None
        ok, img = self.cap.read()
        if not ok:  # loop the clip like a live camera that never ends
            self.cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, img = self.cap.read()
        time.sleep(0.03)
        return ok, img

    def release(self):
        self.cap.release()


def test_unplugged_camera_shows_status_and_recovers_within_2_seconds(drink_clip, pose_model):
    cam = FlakyCamera(drink_clip)
    source = CameraSource(0, open_capture=cam, retry_seconds=0.2)
    states, statuses = [], []

    def publish(event, payload):
        (states if event == "state" else statuses).append(payload)

    stream = Stream("cam", source, Estimators(pose_model), Wiring(publish, lambda e: None)).start()
    try:
        assert wait_for(lambda: len(states) >= 3, 15)
        cam.plugged.clear()
        assert wait_for(lambda: statuses and statuses[-1]["state"] == "reconnecting", 5)
        assert "camera" in statuses[-1]["message"].lower()
        n = len(states)
        opens = cam.opens
        cam.plugged.set()
        assert wait_for(lambda: len(states) > n + 2, 10)
        # Back at the first retry after it was plugged in (the second, if one was under way):
        # a retry every 0.2 s, not a slower back-off.
        assert cam.opens <= opens + 2
        assert statuses[-1]["state"] == "ok"
        assert source.reconnects >= 1 and cam.opens >= 2
    finally:
        stream.stop()


def test_video_source_loops_at_its_own_rate(drink_clip):
    src = VideoSource(drink_clip).start()
    try:
        got = []
        end = time.monotonic() + 10.5  # the clip is 8.6 s long at 10 fps
        while time.monotonic() < end:
            f = src.read(0.5)
            if f is not None:
                got.append(f)
        assert src.fps == pytest.approx(10.0)
        assert 90 <= len(got) <= 115  # about 10 fps on the wall clock, past the loop point
        assert all(f.image is not None and f.image.shape == (290, 480, 3) for f in got)
    finally:
        src.close()


def test_missing_or_broken_video_is_a_clear_error(tmp_path):
    with pytest.raises(SourceError, match="does not exist"):
        VideoSource(tmp_path / "nope.mp4")
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video")
    with pytest.raises(SourceError, match="cannot decode"):
        VideoSource(bad)


def test_a_pose_failure_restarts_that_stream_only(drink_jpegs, pose_model):
    from demo.sources import BrowserSource

    published, errors = [], []
    streams = [Stream(name, BrowserSource(), Estimators(pose_model),
                      Wiring(lambda e, p, n=name: published.append((n, e)), errors.append)).start()
               for name in ("a", "b")]
    try:
        for i in (1, 2):
            for s in streams:
                s.source.submit(drink_jpegs[i], i, None)
            assert wait_for(lambda i=i: sum(e == "state" for _, e in published) >= 2 * i, 10)
        broken = streams[0]._estimator

        def explode(*args):
            raise RuntimeError("simulated MediaPipe failure")

        broken.detect = explode
        for s in streams:
            s.source.submit(drink_jpegs[3], 3, None)
        assert wait_for(lambda: errors, 10)
        assert errors[0]["code"] == "pose_failed" and "restarted" in errors[0]["message"]
        assert streams[0].restarts == 1 and streams[1].restarts == 0
        streams[0].source.submit(drink_jpegs[4], 4, None)
        assert wait_for(lambda: ("a", "state") in published[-3:], 10)
        assert streams[0]._estimator is not broken
    finally:
        for s in streams:
            s.stop()


def test_a_failure_past_the_pose_stage_is_reported_and_the_stream_goes_on(drink_jpegs, pose_model):
    from demo.sources import BrowserSource

    published, errors = [], []
    stream = Stream("a", BrowserSource(), Estimators(pose_model),
                    Wiring(lambda e, p: published.append(e), errors.append)).start()
    try:
        stream.source.submit(drink_jpegs[1], 1, None)
        assert wait_for(lambda: "state" in published, 10)
        recognise = stream._recognise

        def explode(pose):  # a fault past the pose stage, as NaN times once made one
            stream._recognise = recognise
            raise FloatingPointError("simulated failure in recognition")

        stream._recognise = explode
        stream.source.submit(drink_jpegs[2], 2, None)
        assert wait_for(lambda: errors, 10)
        assert errors[0]["code"] == "stream_failed" and "restarted" in errors[0]["message"]
        assert stream.failures == 1 and stream.failed_within(60.0) and stream.running
        n = published.count("state")
        stream.source.submit(drink_jpegs[3], 3, None)
        assert wait_for(lambda: published.count("state") > n, 10)
    finally:
        stream.stop()


def test_streams_that_come_and_go_reuse_their_pose_estimators(drink_jpegs, pose_model):
    """Twenty visitors' cameras, one after another, each one frame: one landmarker serves
    them all (made and closed each time, memory was not given back), and each finds the
    person from its own first frame on."""
    from demo.sources import BrowserSource

    estimators = Estimators(pose_model, keep=2)
    found = []
    for k in range(20):
        states = []
        stream = Stream(f"cam{k}", BrowserSource(), estimators,
                        Wiring(lambda e, p, states=states: states.append(p) if e == "state" else None,
                               lambda e: None)).start()
        stream.source.submit(drink_jpegs[5 + k % 3], 1, None)
        assert wait_for(lambda states=states: states, 15)
        found.append(states[0]["person"] is not None)
        stream.stop()
    estimators.close()
    assert estimators.made == 1 and all(found), (estimators.made, found)


def test_slow_motion_slows_a_recordings_clock_and_rate():
    from demo import config
    from demo.sources import ReplaySource

    src = ReplaySource(config.DEFAULT_RECORDING).start()
    try:
        def run(seconds: float) -> tuple[int, float]:
            frames, first, last = 0, None, None
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                f = src.read(0.2)
                if f is not None:
                    frames += 1
                    first = f.t if first is None else first
                    last = f.t
            return frames, last - first

        normal_frames, normal_clock = run(1.0)
        src.set_speed(0.25)
        slow_frames, slow_clock = run(1.0)
        assert slow_frames < 0.4 * normal_frames  # a quarter of the frames a second...
        assert slow_clock < 0.4 * normal_clock    # ...and a quarter of the recording's time
        assert src.speed == 0.25
    finally:
        src.close()

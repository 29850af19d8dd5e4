"""Pose estimators kept for reuse by the streams that come and go all day.

A MediaPipe landmarker made and closed for every visitor's camera does not give its memory
back (measured: RSS +1 MB per camera opened, in new threads; flat when landmarkers are
reused), so a kiosk page that reconnects all day would grow until killed. Streams borrow an
estimator here and return it when they stop; it is handed to the next stream with a fresh
clock and person selector. This module keeps estimators; it does not detect anything.
"""

from __future__ import annotations

import threading
from pathlib import Path

from demo import config
from demo.pose.estimator import PoseEstimator


class Estimators:
    """`borrow()` an estimator, `give_back(e)` when done, `discard(e)` when it failed."""

    def __init__(self, model_path: Path | None, max_people: int = config.MAX_POSES, keep: int = 0) -> None:
        self.model_path = model_path
        self.max_people = max_people
        # Idle estimators kept; more are closed when given back. Whoever keeps any must close()
        # the pool: a landmarker left to the garbage collector closes itself from whatever
        # thread collects it, and MediaPipe can deadlock there (seen in the test suite).
        self.keep = keep
        self.made = 0                  # estimators made so far (read by tests and soak)
        self._idle: list[PoseEstimator] = []
        self._closed = False
        self._lock = threading.Lock()

    def borrow(self) -> PoseEstimator:
        with self._lock:
            if self._idle:
                return self._idle.pop()
            self.made += 1
        return PoseEstimator(self.model_path, self.max_people)

    def give_back(self, estimator: PoseEstimator) -> None:
        estimator.start_afresh()
        with self._lock:
            if not self._closed and len(self._idle) < self.keep:
                self._idle.append(estimator)
                return
        estimator.close()

    @staticmethod
    def discard(estimator: PoseEstimator) -> None:
        estimator.close()

    def close(self) -> None:
        with self._lock:  # estimators given back from now on are closed at once
            idle, self._idle, self._closed = self._idle, [], True
        for e in idle:
            e.close()

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

    def __init__(self, model_path: Path | None, max_people: int = config.MAX_POSES, keep: int = 4) -> None:
        self.model_path = model_path
        self.max_people = max_people
        self.keep = keep               # idle estimators kept; more are closed
        self.made = 0                  # estimators made so far (read by tests and soak)
        self._idle: list[PoseEstimator] = []
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
            if len(self._idle) < self.keep:
                self._idle.append(estimator)
                return
        estimator.close()

    @staticmethod
    def discard(estimator: PoseEstimator) -> None:
        estimator.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for e in idle:
            e.close()

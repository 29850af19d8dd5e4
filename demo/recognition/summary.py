"""A stretch of feature frames -> its class descriptor and movement evidence, at one rate.

Shared by training (demo/recognition/training.py) and online recognition
(demo/recognition/online.py), so both describe a movement alike. Pure functions; no state.
"""

from __future__ import annotations

import numpy as np

from demo.recognition import descriptor, kinematics
from demo.recognition.features import order_arms

LEAD_IN = 0.3                  # seconds before the movement's start included in its window
MAX_WINDOW = 8.0               # seconds
SUMMARY_RATE = 10.0            # frames per second that a stretch is described at
MAX_FRAMES = 80                # frames summarised at most (thinned evenly beyond): MAX_WINDOW at that rate
IDLE_WINDOW = 1.5              # seconds summarised when nothing moves


def resample(n: int, fps: float) -> tuple[np.ndarray, float]:
    """Which of n frames at `fps` describe a stretch, and their rate: frames nearest to
    SUMMARY_RATE (slower streams are kept as they are), thinned evenly to MAX_FRAMES.

    How fast a channel wobbles or turns depends on the rate it is sampled at, so the
    library (15 fps recordings, 10 fps videos) and a 30 fps camera must be described at
    one rate. It also bounds the cost per frame whatever the camera's rate (speeds were
    measured on the real clock before, so resampling does not change them)."""
    idx = np.arange(n)
    if fps > SUMMARY_RATE * 1.05 and n > 1:
        idx = np.arange(0.0, n, fps / SUMMARY_RATE).round().astype(int)
        idx, fps = idx[idx < n], SUMMARY_RATE
    if len(idx) > MAX_FRAMES:
        fps = fps * MAX_FRAMES / len(idx)
        idx = idx[np.linspace(0, len(idx) - 1, MAX_FRAMES).round().astype(int)]
    return idx, fps


def summarise(frames: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """A stretch of feature frames -> (class descriptor, kinematic evidence)."""
    idx, fps = resample(len(frames), fps)
    return describe_resampled(np.asarray(frames)[idx], fps)


def describe_resampled(frames: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """summarise() of frames already chosen by resample(), at their rate `fps`."""
    ordered = order_arms(np.asarray(frames, np.float64))
    return descriptor.describe(ordered, fps, ordered=True), kinematics.evidence(ordered, fps, ordered=True)

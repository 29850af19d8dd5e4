"""Kinematic evidence that a movement is aimed at something.

Goal-directed arm movements (reach to a cup, hand to the mouth or ear) have
a smooth, single-peaked speed profile per stroke and end by decelerating
into a stable end point at a target; meaningless movements (arm circles,
waving, flailing) are cyclic or keep moving without settling. These
numbers describe the active hand over a stretch of feature frames; how much
each counts is learned from the library (demo/recogniser.py).
"""

from __future__ import annotations

import numpy as np

from .descriptor import order_arms
from .features import N_ARM

NAMES = ("dwell_near_face", "dwell_away", "cyclic", "peaks_per_s", "straightness",
         "settled_end", "max_up", "min_face", "both_raised", "extension_up")
SIZE = len(NAMES)

# Channel indices within the active arm (see features.ARM_CHANNELS).
_UP, _OUT, _NOSE, _MOUTH, _EAR, _ABOVE, _ELBOW, _COS, _REACH, _SPEED, _VY = range(11)
_SLOW = 0.6      # torso lengths per second: the hand is "still" below this
_NEAR_FACE = 0.6  # torso lengths from the nose, mouth or an ear
_AWAY = 0.55      # hand at least this far from its own shoulder... raised or held out


def _smooth(x: np.ndarray, k: int = 3) -> np.ndarray:
    if len(x) < k:
        return x
    return np.convolve(x, np.ones(k) / k, mode="same")


def _cyclic(y: np.ndarray) -> float:
    """Peak autocorrelation beyond a few frames' lag: 1 for a perfectly periodic signal.

    The slow part (raising the arm, lowering it) is removed first, so that a
    wave inside a raise-wave-lower movement still counts as cyclic."""
    n = len(y)
    if n < 8:
        return 0.0
    k = 5
    y = y - np.convolve(np.pad(y, k // 2, mode="edge"), np.ones(k) / k, mode="valid")
    energy = float(y @ y)
    if energy < 1e-6 * n:
        return 0.0
    hi = max(4, n // 2)
    ac = np.correlate(y, y, mode="full")[n + 2:n - 1 + hi]
    return max(0.0, float(ac.max()) / energy) if len(ac) else 0.0


def evidence(values: np.ndarray, fps: float, ordered: bool = False) -> np.ndarray:
    """(T, F) feature frames of one movement -> (SIZE,) kinematic evidence.

    `ordered`: the frames already have the active arm first (descriptor.order_arms)."""
    if len(values) < 3:
        return np.zeros(SIZE, np.float32)
    arm = (values if ordered else order_arms(values))[:, :11]
    speed = _smooth(arm[:, _SPEED])
    face = np.minimum(np.minimum(arm[:, _NOSE], arm[:, _MOUTH]), arm[:, _EAR])
    still = speed < _SLOW
    near_face = still & (face < _NEAR_FACE)
    away = still & (arm[:, _REACH] > _AWAY) & ~(face < _NEAR_FACE) & (arm[:, _UP] > -0.6)
    # Peaks: local maxima of speed well above the still level.
    s = speed
    peaks = np.sum((s[1:-1] > s[:-2]) & (s[1:-1] >= s[2:]) & (s[1:-1] > 2 * _SLOW))
    duration = len(values) / fps
    path = np.abs(np.diff(arm[:, [_UP, _OUT]], axis=0)).sum()
    span = np.ptp(arm[:, _UP]) + np.ptp(arm[:, _OUT])
    tail = max(2, len(values) // 5)
    up_b = values[:, N_ARM + _UP]
    both = float(np.mean((arm[:, _UP] > -0.2) & (up_b > -0.2)))
    # Straight arm high up: stretching, circling, waving (a grasp up high is one arm, briefly).
    ext_up = float(np.mean((arm[:, _COS] > 0.6) & (arm[:, _UP] > 0.3)))
    return np.array([
        near_face.mean(),
        away.mean(),
        max(_cyclic(arm[:, _UP]), _cyclic(arm[:, _OUT])),
        peaks / duration,
        span / (path + 1e-6),
        float(still[-tail:].mean()),
        arm[:, _UP].max(),
        face.min(),
        both,
        ext_up,
    ], np.float32)

"""Kinematic evidence that a movement is aimed at something.

Goal-directed arm movements (reach to a cup, hand to the mouth or ear) have
a smooth, single-peaked speed profile per stroke and end by decelerating
into a stable end point at a target; meaningless movements (arm circles,
waving, flailing) are cyclic or keep moving without settling. These
numbers describe the active hand over a stretch of feature frames; how much
each counts is learned from the library (demo/recognition/training.py).
"""

from __future__ import annotations

import numpy as np

from demo.recognition.features import N_ARM, order_arms

NAMES = ("dwell_near_face", "dwell_away", "cyclic", "peaks_per_s", "straightness",
         "settled_end", "max_up", "min_face", "both_raised", "extension_up",
         "contact", "bend_at_top")
SIZE = len(NAMES)

# Channel indices within the active arm (see features.ARM_CHANNELS).
_UP, _OUT, _NOSE, _MOUTH, _EAR, _ABOVE, _ELBOW, _COS, _REACH, _SPEED, _VY = range(11)
_SLOW = 0.6      # torso lengths per second: the hand is "still" below this
_NEAR_FACE = 0.6  # torso lengths from the nose, mouth or an ear
_AWAY = 0.55      # hand at least this far from its own shoulder... raised or held out
_CONTACT = 0.3    # torso lengths: the hand touches the face (drinking, phoning, wiping, scratching)
# Many people wave with the hand 0.35-0.4 torso beside the face: that is not touching it
# (docs/recognition.md, "The two open targets").


_BOX3 = np.ones(3) / 3
_BOX5 = np.ones(5) / 5


def _smooth(x: np.ndarray) -> np.ndarray:
    return x if len(x) < 3 else np.convolve(x, _BOX3, mode="same")


def _cyclic(y: np.ndarray) -> float:
    """Peak autocorrelation beyond a few frames' lag: 1 for a perfectly periodic signal.

    The slow part (raising the arm, lowering it) is removed first, so that a
    wave inside a raise-wave-lower movement still counts as cyclic."""
    n = len(y)
    if n < 8:
        return 0.0
    padded = np.concatenate(((y[0], y[0]), y, (y[-1], y[-1])))  # np.pad is slow
    y = y - np.convolve(padded, _BOX5, mode="valid")
    energy = float(y @ y)
    if energy < 1e-6 * n:
        return 0.0
    hi = max(4, n // 2)
    ac = np.correlate(y, y, mode="full")[n + 2:n - 1 + hi]
    return max(0.0, float(ac.max()) / energy) if len(ac) else 0.0


def evidence(values: np.ndarray, fps: float, ordered: bool = False) -> np.ndarray:
    """(T, F) feature frames of one movement -> (SIZE,) kinematic evidence.

    `ordered`: the frames already have the active arm first (features.order_arms)."""
    n = len(values)
    if n < 3:
        return np.zeros(SIZE, np.float32)
    v = values if ordered else order_arms(values)
    up, cos, reach = v[:, _UP], v[:, _COS], v[:, _REACH]
    speed = _smooth(v[:, _SPEED])
    face = np.minimum(np.minimum(v[:, _NOSE], v[:, _MOUTH]), v[:, _EAR])
    still = speed < _SLOW
    at_face = face < _NEAR_FACE
    away = still & (reach > _AWAY) & ~at_face & (up > -0.6)
    # Peaks: local maxima of speed well above the still level.
    mid = speed[1:-1]
    peaks = int(((mid > speed[:-2]) & (mid >= speed[2:]) & (mid > 2 * _SLOW)).sum())
    # Up and out together, in few numpy calls (this runs on every frame).
    up_out = v[:, _UP:_OUT + 1]
    path = np.abs(np.diff(up_out, axis=0)).sum()
    span = float((up_out.max(axis=0) - up_out.min(axis=0)).sum())
    tail = max(2, n // 5)
    share = np.count_nonzero  # a fraction of frames; bool .mean() is ten times slower here
    return np.array([
        share(still & at_face) / n,
        share(away) / n,
        # One signal for both directions: a wave swings sideways, a circle both ways.
        _cyclic(up_out.sum(axis=1)),
        peaks * fps / n,
        span / (path + 1e-6),
        share(still[-tail:]) / tail,
        up.max(),
        face.min(),
        # Both hands up together: stretching, circling with both arms.
        share((up > -0.2) & (v[:, N_ARM + _UP] > -0.2)) / n,
        # Straight arm high up: stretching, circling, waving (a grasp up high is one arm, briefly).
        share((cos > 0.6) & (up > 0.3)) / n,
        # Real people's goals touch the face whatever the speed (a waving or stretching hand
        # passes it by); "dwell_near_face" also asks for stillness, which a wiping hand lacks.
        share(face < _CONTACT) / n,
        # The elbow at the hand's highest point: bent to bring the hand to the head, straight to
        # wave or stretch (docs/recognition.md).
        cos[int(np.argmax(up))],
    ], np.float32)

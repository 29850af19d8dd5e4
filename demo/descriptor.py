"""Summarise a stretch of feature frames as one fixed-length vector.

The arm that moved more in the stretch becomes "arm A", the other "arm B",
so a left-handed and a right-handed drink give the same description. Each
channel is then summarised by its mean, spread, extremes, its first and
last values and the means of three equal parts (coarse time order). Pure
functions of arrays; nothing is learned here.
"""

from __future__ import annotations

import numpy as np

from .features import ARM_CHANNELS, N_ARM, N_FEATURES

_SPEED = ARM_CHANNELS.index("speed")
_UP = ARM_CHANNELS.index("up")

N_STATS = 13
SIZE = N_FEATURES * N_STATS


def order_arms(values: np.ndarray) -> np.ndarray:
    """(T, F) features with the more active arm's channels first."""
    if not len(values):
        return values
    left = values[:, _SPEED].sum() + np.ptp(values[:, _UP])
    right = values[:, N_ARM + _SPEED].sum() + np.ptp(values[:, N_ARM + _UP])
    if right >= left:
        return np.concatenate([values[:, N_ARM:2 * N_ARM], values[:, :N_ARM], values[:, 2 * N_ARM:]], axis=1)
    return values


def describe(values: np.ndarray) -> np.ndarray:
    """(T, F) -> (SIZE,) float32; T may be 1."""
    v = order_arms(np.asarray(values, np.float64))
    if len(v) == 0:
        return np.zeros(SIZE, np.float32)
    thirds = np.array_split(v, 3) if len(v) >= 3 else [v, v, v]
    q10, q50, q90 = np.percentile(v, [10, 50, 90], axis=0)
    # The stretch where the acting hand is up (the action itself, not the rest before and after).
    raised = v[v[:, 0] > np.percentile(v[:, 0], 60)] if len(v) >= 5 else v
    stats = ([v.mean(0), v.std(0), v.min(0), v.max(0), q10, q50, q90, v[0], v[-1]]
             + [p.mean(0) for p in thirds] + [raised.mean(0)])
    return np.concatenate(stats).astype(np.float32)

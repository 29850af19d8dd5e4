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


def describe(values: np.ndarray, ordered: bool = False) -> np.ndarray:
    """(T, F) -> (SIZE,) float32; T may be 1. `ordered`: order_arms was applied already."""
    v = np.asarray(values, np.float64)
    if not ordered:
        v = order_arms(v)
    n = len(v)
    if n == 0:
        return np.zeros(SIZE, np.float32)
    srt = np.sort(v, axis=0)
    # Percentiles by rank (nearest), from one sort: cheaper than np.percentile thrice.
    q = srt[[int(0.1 * (n - 1) + 0.5), int(0.5 * (n - 1) + 0.5), int(0.9 * (n - 1) + 0.5),
             int(0.6 * (n - 1) + 0.5)]]
    # Means and spread from a few sums: this runs on every frame, and on a few dozen frames
    # numpy's per-call overhead costs more than the arithmetic.
    mean = v.sum(axis=0) / n
    a, b = n // 3, 2 * n // 3
    thirds = (np.add.reduceat(v, [0, a, b], axis=0) / np.array([[a], [b - a], [n - b]]) if n >= 3
              else (mean, mean, mean))
    std = np.sqrt(np.maximum(np.einsum("ij,ij->j", v, v) / n - mean * mean, 0.0))
    # The stretch where the acting hand is up (the action itself, not the rest before and after).
    raised_mean = mean
    if n >= 5:
        up = (v[:, 0] > q[3, 0]).astype(np.float64)
        k = up.sum()
        if k:
            raised_mean = up @ v / k
    out = np.concatenate([mean, std, srt[0], srt[-1], q[0], q[1], q[2], v[0], v[-1], *thirds, raised_mean])
    return out.astype(np.float32)

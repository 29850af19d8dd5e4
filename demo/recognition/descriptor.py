"""Summarise a stretch of feature frames as one fixed-length vector.

The acting arm (the seen hand whose height ranged further) becomes "arm A", the other "arm B",
so a left-handed and a right-handed drink give the same description. Each
channel is then summarised by its mean, spread, extremes, its first and
last values and the means of three equal parts (coarse time order); and by
how fast it changes. The acting arm's and the head's channels also say how
they oscillate (scratching, waving, a sneeze's jerk against a held phone).
Pure functions of arrays; nothing is learned here.
"""

from __future__ import annotations

import numpy as np

from demo.recognition.features import ARM_CHANNELS, N_ARM, N_FEATURES, order_arms

_UP = ARM_CHANNELS.index("up")
_SEEN = ARM_CHANNELS.index("seen")

STATS = ("mean", "std", "min", "max", "p10", "p50", "p90", "first", "last",
         "first third", "middle third", "last third", "raised")
N_STATS = len(STATS)
# The feature channels described: all but how well the pose model sees each hand, which says
# which arm to trust (order_arms) but describes the camera's angle, not the action
# (docs/recognition.md, "What the richer descriptor gained").
DESCRIBED = np.setdiff1d(np.arange(N_FEATURES), [_SEEN, N_ARM + _SEEN])
# Oscillation is described for the acting arm and the shared (body, head) channels
# (positions among the DESCRIBED channels).
OSCILLATING = np.flatnonzero((DESCRIBED < N_ARM) | (DESCRIBED >= 2 * N_ARM))
DYNAMICS = ("speed mean", "speed std")                     # of every channel
OSCILLATION = ("wobble", "turns per second", "path per range")  # of the OSCILLATING channels
SIZE = len(DESCRIBED) * (N_STATS + len(DYNAMICS)) + len(OSCILLATING) * len(OSCILLATION)
# For each value of the descriptor: the feature channel it describes and the statistic.
CHANNEL_OF = np.concatenate([np.tile(DESCRIBED, N_STATS + len(DYNAMICS)),
                             np.tile(DESCRIBED[OSCILLATING], len(OSCILLATION))])
STAT_OF = np.concatenate([np.repeat(np.array(STATS + DYNAMICS), len(DESCRIBED)),
                          np.repeat(np.array(OSCILLATION), len(OSCILLATING))])


def describe(values: np.ndarray, fps: float, ordered: bool = False) -> np.ndarray:
    """(T, F) frames at `fps` -> (SIZE,) float32; T may be 1. `ordered`: order_arms was applied already."""
    v = np.asarray(values, np.float64)
    if not ordered:
        v = order_arms(v)
    v = v[:, DESCRIBED]
    n = len(v)
    if n == 0:
        return np.zeros(SIZE, np.float32)
    srt = np.sort(v, axis=0)
    # Percentiles by rank (nearest), from one sort: cheaper than np.percentile thrice.
    q = srt[[int(0.1 * (n - 1) + 0.5), int(0.5 * (n - 1) + 0.5), int(0.9 * (n - 1) + 0.5),
             int(0.6 * (n - 1) + 0.5)]]
    # The mean, the means of three parts and of the stretch where the acting hand is up (the
    # action itself, not the rest before and after) as one product of weights and frames:
    # this runs on every frame, and on a few dozen frames numpy's per-call overhead costs
    # more than the arithmetic.
    w = np.zeros((5, n))
    w[0] = 1.0 / n
    if n >= 3:
        a, b = n // 3, 2 * n // 3
        w[1, :a], w[2, a:b], w[3, b:] = 1.0 / a, 1.0 / (b - a), 1.0 / (n - b)
    else:
        w[1:4] = 1.0 / n
    raised = v[:, 0] > q[3, 0]
    k = int(np.count_nonzero(raised)) if n >= 5 else 0
    if k:
        w[4, raised] = 1.0 / k
    else:
        w[4] = 1.0 / n
    means = w @ v
    mean = means[0]
    std = np.sqrt(np.maximum(w[0] @ (v * v) - mean * mean, 0.0))
    out = np.concatenate([mean, std, srt[0], srt[-1], q[0], q[1], q[2], v[0], v[-1], *means[1:],
                          *_dynamics(v, fps, srt[-1] - srt[0])])
    return out.astype(np.float32)


def _dynamics(v: np.ndarray, fps: float, ranges: np.ndarray) -> list[np.ndarray]:
    """Speed of every channel; wobble, turns and path of the oscillating ones.

    Wobble is the size of the second difference (scratching on top of holding the
    hand up); turns are reversals of direction per second; path per range is
    how far a channel travelled for the ground it covered (1 for a single stroke).
    Column sums are taken as products with a row of weights, several at once."""
    n, f = v.shape
    zeros = np.zeros(len(OSCILLATING))
    if n < 2:
        return [np.zeros(f), np.zeros(f), zeros, zeros, zeros]
    d = v[1:] - v[:-1]
    sums = np.full(n - 1, 1.0 / (n - 1)) @ np.concatenate([d, np.abs(d), d * d], axis=1)
    drift, mean_abs, mean_sq = sums[:f], sums[f:2 * f], sums[2 * f:]
    speed_mean = mean_abs * fps
    speed_std = np.sqrt(np.maximum(mean_sq - drift * drift, 0.0)) * fps
    if n < 6:
        return [speed_mean, speed_std, zeros, zeros, zeros]
    # Computed for every channel and picked afterwards: fewer numpy calls than picking first.
    dd = d[1:] - d[:-1]  # a second difference: what is left after the smooth part of the movement
    down = np.signbit(d)
    sums = np.ones(n - 2) @ np.concatenate([dd * dd, down[1:] != down[:-1]], axis=1)
    wobble = np.sqrt(sums[:f] / (n - 2)) * fps
    turns = sums[f:] * (fps / n)
    path = mean_abs * (n - 1) / (ranges + 1e-3)
    return [speed_mean, speed_std, wobble[OSCILLATING], turns[OSCILLATING], path[OSCILLATING]]

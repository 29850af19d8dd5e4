"""Find where a movement starts and ends, online, from feature frames.

A hand is "active" when it moves (in the picture or, from the world
landmarks, towards the camera) or is held away from its rest position at
the side (raised towards the face, held out in front).
A movement starts when a hand has been active for a short while and ends
when both hands have been at rest for a while; held postures (a phone at
the ear) are part of the movement. Thresholds are in torso lengths and
seconds, so they do not depend on the camera or the frame rate. No
classification here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demo.recognition.features import ARM_CHANNELS, N_ARM

_SPEED = ARM_CHANNELS.index("speed")
_UP = ARM_CHANNELS.index("up")
_SPEED3 = ARM_CHANNELS.index("speed3")
_FWD3 = ARM_CHANNELS.index("fwd3")

MOVING_SPEED = 0.9   # torso lengths per second
RAISED_UP = -0.55    # hand height above the shoulder line, torso lengths (rest is about -1)
HELD_FORWARD = 0.45  # hand this far in front of the shoulders (3D), torso lengths: reaching out...
# ...but a hand this low (online) must be further forward: facing the camera, MediaPipe puts
# hanging hands 0.4-0.63 torso lengths forward, and a visitor standing still must be shown at
# rest; a hand putting something down on a table is 0.67-0.78 forward. Finding the action in
# an example keeps the plain rule (docs/recognition.md, "Rest is rest").
HANGING = -0.8
LOW_FORWARD = 0.65
# Online, hands kept still below the head and short of a reach are at rest however they are
# held (clasped, holding a bottle at the chest): a visitor who stops is shown at rest. Held
# actions keep a hand at the head (a phone at the ear) or out in front (pointing).
STILL_SPEED = 0.35   # torso lengths per second: slower than this is still (pose jitter is below)
STILL_FOR = 0.8      # seconds of stillness before it counts as rest
AT_HEAD = -0.2       # a hand above this height (shoulder line 0) is at the head
OUT_FRONT = 0.9      # a hand this far in front (3D, torso lengths) is reaching or pointing
START_AFTER = 0.15   # seconds of activity before a movement counts
END_AFTER = 0.6      # seconds of rest before it ends


def active(values: np.ndarray, hanging_rests: bool = True) -> bool:
    """Is either hand moving or away from rest in this frame? With `hanging_rests`, a low
    hand counts as held forward only beyond LOW_FORWARD."""
    for k in (0, N_ARM):
        low = hanging_rests and values[k + _UP] < HANGING
        if (values[k + _SPEED] > MOVING_SPEED or values[k + _SPEED3] > MOVING_SPEED
                or values[k + _UP] > RAISED_UP
                or values[k + _FWD3] > (LOW_FORWARD if low else HELD_FORWARD)):
            return True
    return False


def quiet(values: np.ndarray) -> bool:
    """Are both hands still, below the head and short of a reach in this frame?"""
    for k in (0, N_ARM):
        if (values[k + _SPEED] > STILL_SPEED or values[k + _SPEED3] > STILL_SPEED
                or values[k + _UP] > AT_HEAD or values[k + _FWD3] > OUT_FRONT):
            return False
    return True


@dataclass
class Movement:
    start: float
    end: float | None = None  # None while it lasts


class Segmenter:
    """Feed `update(t, values, seen)` in time order; `current` is the movement under way.

    `hanging_rests` and `still_rests` are the online rest rules (HANGING, STILL_FOR); finding
    the action in an example leaves them off."""

    def __init__(self, hanging_rests: bool = True, still_rests: bool = True) -> None:
        self.hanging_rests = hanging_rests
        self.still_rests = still_rests
        self.current: Movement | None = None
        self.last: Movement | None = None
        self._active_since: float | None = None
        self._rest_since: float | None = None
        self._quiet_since: float | None = None

    def reset(self) -> None:
        self.__init__(self.hanging_rests, self.still_rests)

    def _held_still(self, t: float, values: np.ndarray, seen: bool) -> bool:
        """Still long enough to count as rest; the rest then dates from when stillness began."""
        if not (self.still_rests and seen and quiet(values)):
            self._quiet_since = None
            return False
        if self._quiet_since is None:
            self._quiet_since = t
        if t - self._quiet_since < STILL_FOR:
            return False
        if self._rest_since is None or self._rest_since > self._quiet_since:
            self._rest_since = self._quiet_since
        return True

    def update(self, t: float, values: np.ndarray, seen: bool) -> Movement | None:
        still = self._held_still(t, values, seen)
        is_active = seen and not still and active(values, self.hanging_rests)
        if is_active:
            self._rest_since = None
            if self._active_since is None:
                self._active_since = t
            if self.current is None and t - self._active_since >= START_AFTER:
                self.current = Movement(self._active_since)
        else:
            self._active_since = None
            if self._rest_since is None:
                self._rest_since = t
            if self.current is not None and t - self._rest_since >= END_AFTER:
                self.current.end = self._rest_since
                self.last, self.current = self.current, None
        return self.current


def segments(t: np.ndarray, values: np.ndarray, seen: np.ndarray, online_rests: bool = True) -> list[Movement]:
    """Every movement in a whole sequence (offline use of the same rule)."""
    seg = Segmenter(online_rests, online_rests)
    found: list[Movement] = []
    for ti, v, s in zip(t, values, seen, strict=True):
        before = seg.current
        seg.update(float(ti), v, bool(s))
        if before is not None and seg.current is None:
            found.append(seg.last)
    if seg.current is not None:
        found.append(Movement(seg.current.start, float(t[-1])))
    return found

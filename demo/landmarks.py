"""The records that flow between stages, and the 33-landmark body layout.

`Frame` is what a source yields (an image), `Pose` is what the pose stage
yields (landmarks of the followed person). Arrays inside, plain dataclasses
outside. This module holds data definitions only: no I/O, no inference.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

LANDMARK_NAMES = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner",
    "right_eye", "right_eye_outer", "left_ear", "right_ear", "mouth_left",
    "mouth_right", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
    "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index",
    "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index",
)
INDEX = {name: i for i, name in enumerate(LANDMARK_NAMES)}
# Each hand's points (wrist, index, pinky, thumb), left then right: where a hand is, and how well
# the pose model sees it.
HAND_POINTS = tuple(tuple(INDEX[f"{side}_{p}"] for p in ("wrist", "index", "pinky", "thumb"))
                    for side in ("left", "right"))

# Bones drawn by the page; the page receives this list in the `hello` event,
# so there is one source of truth for the skeleton.
SKELETON_EDGES = (
    (0, 1), (1, 2), (2, 3), (3, 7), (0, 4), (4, 5), (5, 6), (6, 8), (9, 10),
    (11, 12), (11, 13), (13, 15), (15, 17), (15, 19), (15, 21), (17, 19),
    (12, 14), (14, 16), (16, 18), (16, 20), (16, 22), (18, 20), (11, 23),
    (12, 24), (23, 24), (23, 25), (24, 26), (25, 27), (26, 28), (27, 29),
    (28, 30), (29, 31), (30, 32), (27, 31), (28, 32),
)


@dataclass
class Pose:
    """The followed person in one frame; `landmarks` is None when nobody is seen.

    landmarks: (33, 4) float32: x, y in [0, 1] of the image width/height, z in
    the same scale as x (MediaPipe's convention, relative to the hips), and
    visibility in [0, 1]. world: (33, 4) float32: x, y, z in metres about the
    hip centre, and visibility.
    """

    t: float
    landmarks: np.ndarray | None
    world: np.ndarray | None
    people: int = 0
    box: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 normalised
    others: list[tuple[float, float, float, float]] = field(default_factory=list)  # not followed
    image_size: tuple[int, int] = (0, 0)  # width, height

    @property
    def seen(self) -> bool:
        return self.landmarks is not None


@dataclass
class Frame:
    """One item from a source: an image for the pose stage, or (from a
    recording) a ready-made pose. `t` is the source clock in seconds."""

    image: np.ndarray | None  # HxWx3 uint8, BGR (OpenCV's order)
    t: float
    frame_id: int
    client_ts: float | None = None  # the page's clock, echoed back for latency
    received: float = 0.0  # server time it arrived (time.perf_counter)
    pose: Pose | None = None  # set by sources that need no pose stage
    timings: dict[str, float] = field(default_factory=dict)


def bounding_box(landmarks: np.ndarray) -> tuple[float, float, float, float]:
    """Box around a (33, >=2) landmark array in its own coordinates."""
    xy = landmarks[:, :2]
    lo = xy.min(axis=0)
    hi = xy.max(axis=0)
    return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])

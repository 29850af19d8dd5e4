"""Where a video's person's upper body is, to learn an example as a visitor close to the camera sees it.

At a kiosk people stand close: the picture ends at the waist and the hands at
rest are outside it, where the pose model guesses them. A library learnt from
whole bodies recognises such visitors less well (docs/recognition.md, "Limits");
`actions add --close-ups` also learns each example video cropped to the upper
body. This module finds that crop from the example's own landmarks and applies
it to a picture; it reads, writes and learns nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from demo.landmarks import INDEX
from demo.recording import Recording

ABOVE_NOSE = 0.9   # torso lengths of picture kept above the nose
ABOVE_HIPS = 0.25  # the picture ends this far above the hips: they are out of it
BESIDE = 0.5       # torso lengths kept beside the body
MAX_ZOOM = 4.0
# A person who crosses the picture cannot be held in one crop (a wide strip would leave
# them tiny once the pose model scales it down); their video gets no close-up.
MAX_ASPECT = 1.6

_BODY = slice(0, 25)  # face, arms, hands and hips: not the legs


@dataclass(frozen=True)
class Crop:
    """A part of the picture, in pixels, enlarged by `zoom`."""

    x0: int
    y0: int
    x1: int
    y1: int
    zoom: float

    def apply(self, image: np.ndarray) -> np.ndarray:
        return cv2.resize(image[self.y0:self.y1, self.x0:self.x1], None, fx=self.zoom, fy=self.zoom,
                          interpolation=cv2.INTER_CUBIC)

    @property
    def tag(self) -> str:
        """Names the crop in cache files: a different crop is a different extraction."""
        return f"closeup-{self.x0}-{self.y0}-{self.x1}-{self.y1}-{self.zoom:.2f}"


def upper_body(rec: Recording) -> Crop | None:
    """The crop from above the head to just above the hips, or None when the person is
    not seen or moves across the picture."""
    w, h = rec.image_size
    seen = rec.seen
    if not seen.any() or not w or not h:
        return None
    xy = rec.landmarks[seen][:, _BODY, :2] * np.array([w, h])
    hips = (xy[:, INDEX["left_hip"], 1] + xy[:, INDEX["right_hip"], 1]) / 2
    shoulders = (xy[:, INDEX["left_shoulder"], 1] + xy[:, INDEX["right_shoulder"], 1]) / 2
    hip_y = float(np.median(hips))
    torso = hip_y - float(np.median(shoulders))
    if torso <= 0:
        return None
    # Percentiles, not extremes: one frame's wild landmark must not widen the crop.
    top = max(0.0, float(np.percentile(xy[:, INDEX["nose"], 1], 5)) - ABOVE_NOSE * torso)
    bottom = min(float(h), hip_y - ABOVE_HIPS * torso)
    left = max(0.0, float(np.percentile(xy[:, :, 0].min(axis=1), 2)) - BESIDE * torso)
    right = min(float(w), float(np.percentile(xy[:, :, 0].max(axis=1), 98)) + BESIDE * torso)
    if bottom - top < 16 or right - left < 16 or (right - left) > MAX_ASPECT * (bottom - top):
        return None
    zoom = min(MAX_ZOOM, h / (bottom - top))
    return Crop(int(left), int(top), int(right), int(bottom), round(zoom, 2))

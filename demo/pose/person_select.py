"""Choose which of several detected people to follow, and keep following them.

Rule (documented in docs/protocol.md): when nobody is followed, pick the
person with the largest box weighted by closeness to the image centre; then
keep the person whose box overlaps the last followed box most (IoU at least
FOLLOW_IOU), so that someone walking past does not steal the focus. When the
followed person leaves, choose again. Pure geometry: no inference here.
"""

from __future__ import annotations

from collections.abc import Sequence

from demo import config

Box = tuple[float, float, float, float]


def iou(a: Box, b: Box) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def salience(box: Box) -> float:
    """Area, halved for a person at the image edge compared with one in the middle."""
    area = max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])
    cx = (box[0] + box[2]) / 2 - 0.5
    cy = (box[1] + box[3]) / 2 - 0.5
    off_centre = min(1.0, (cx * cx + cy * cy) ** 0.5 / 0.5)
    return area * (1.0 - 0.5 * off_centre)


class PersonSelector:
    """Stateful per stream: `choose(boxes)` returns the index to follow or None."""

    def __init__(self, keep_iou: float = config.FOLLOW_IOU) -> None:
        self.keep_iou = keep_iou
        self.last: Box | None = None

    def choose(self, boxes: Sequence[Box]) -> int | None:
        if not boxes:
            self.last = None
            return None
        pick = None
        if self.last is not None:
            overlaps = [iou(self.last, b) for b in boxes]
            best = max(range(len(boxes)), key=overlaps.__getitem__)
            if overlaps[best] >= self.keep_iou:
                pick = best
        if pick is None:
            pick = max(range(len(boxes)), key=lambda i: salience(boxes[i]))
        self.last = tuple(boxes[pick])
        return pick

    def reset(self) -> None:
        self.last = None

"""The pose stage: image in, the followed person's landmarks out.

One PoseEstimator per stream: a VIDEO-mode PoseLandmarker is not thread-safe
and needs strictly increasing timestamps, so an estimator belongs to the one
worker thread that feeds it. It must not decode, queue or send anything.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from demo import config
from demo.errors import ModelCorruptError
from demo.landmarks import Pose, bounding_box
from demo.pose.person_select import PersonSelector


def _to_array(points) -> np.ndarray:
    return np.array(
        [(p.x, p.y, p.z, p.visibility if p.visibility is not None else 0.0) for p in points],
        dtype=np.float32,
    )


class PoseEstimator:
    """Wraps mediapipe's PoseLandmarker (VIDEO mode) and the person selector."""

    def __init__(self, model_path: Path, max_poses: int = config.MAX_POSES) -> None:
        from mediapipe.tasks.python.core.base_options import BaseOptions
        from mediapipe.tasks.python.vision import pose_landmarker as pl
        from mediapipe.tasks.python.vision.core.vision_task_running_mode import (
            VisionTaskRunningMode,
        )

        self.model_path = Path(model_path)
        options = pl.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(self.model_path)),
            running_mode=VisionTaskRunningMode.VIDEO,
            num_poses=max_poses,
            min_pose_detection_confidence=config.MIN_POSE_DETECTION_CONFIDENCE,
            min_pose_presence_confidence=config.MIN_POSE_PRESENCE_CONFIDENCE,
            min_tracking_confidence=config.MIN_TRACKING_CONFIDENCE,
        )
        try:
            self._landmarker = pl.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as e:
            raise ModelCorruptError(
                f"MediaPipe could not load the pose model {self.model_path}: {e}",
                "Run `python -m demo pose-models` to provision it again.",
            ) from e
        self.selector = PersonSelector()
        self._last_ms = -1
        self._offset_ms: int | None = 0  # added to a stream's clock; None: set on the next frame

    def start_afresh(self) -> None:
        """For another stream: a new person to choose, and its clock placed a second after this
        one's last frame (MediaPipe's tracking reads the gap as a new scene)."""
        self.selector = PersonSelector()
        self._offset_ms = None

    def _timestamp_ms(self, t: float) -> int:
        # VIDEO mode rejects equal or decreasing timestamps, which happen when a
        # video loops or two frames share a millisecond: nudge forward instead.
        ms = int(round(t * 1000.0))
        if self._offset_ms is None:
            self._offset_ms = self._last_ms + 1000 - ms
        ms = max(ms + self._offset_ms, self._last_ms + 1)
        self._last_ms = ms
        return ms

    def detect(self, image_bgr: np.ndarray, t: float) -> Pose:
        """Landmarks of the followed person in `image_bgr` taken at `t` seconds."""
        import mediapipe as mp

        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        result = self._landmarker.detect_for_video(
            mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), self._timestamp_ms(t))
        h, w = image_bgr.shape[:2]
        people = [_to_array(p) for p in result.pose_landmarks]
        if not people:
            self.selector.choose([])
            return Pose(t=t, landmarks=None, world=None, people=0, image_size=(w, h))
        boxes = [bounding_box(p) for p in people]
        i = self.selector.choose(boxes)
        world = _to_array(result.pose_world_landmarks[i]) if result.pose_world_landmarks else None
        return Pose(t=t, landmarks=people[i], world=world, people=len(people), box=boxes[i],
                    others=[b for j, b in enumerate(boxes) if j != i], image_size=(w, h))

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

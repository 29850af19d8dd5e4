"""The pose stage: image in, the followed person's landmarks out.

One PoseEstimator per stream: a VIDEO-mode PoseLandmarker is not thread-safe
and needs strictly increasing timestamps, so an estimator belongs to the one
worker thread that feeds it. With several people allowed, MediaPipe runs one
landmark pass per person in view (and its person detector on every frame while
fewer than that are in view); so while several people are in view, everyone is
looked for on one frame in LOOK_EVERY, the documented rule chooses whom to
follow, and in between a second, one-person landmarker tracks just that person
in a crop around them. With one person in view everyone is looked for on every
frame, as MediaPipe does.
It must not decode, queue or send anything.
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

    def __init__(self, model_path: Path, max_poses: int = config.MAX_POSES,
                 look_every: int = config.LOOK_EVERY) -> None:
        self.model_path = Path(model_path)
        self._landmarker = self._create(max_poses)  # everyone in view
        # The followed person alone, in a crop: made when a look first finds several people (a
        # landmarker holds about 80 MB, and with one person in view looking costs little more).
        self._may_follow = max_poses > 1 and look_every > 1
        self._follower = None
        self.look_every = look_every
        self._since_look = 0
        self._crop: tuple[int, int, int, int] | None = None  # pixels the follower sees: x0, y0, x1, y1
        self._others: list = []  # the other people's boxes, as last looked for
        self._people = 0
        self.selector = PersonSelector()
        self._last_ms = -1
        self._offset_ms: int | None = 0  # added to a stream's clock; None: set on the next frame

    def _create(self, num_poses: int):
        from mediapipe.tasks.python.core.base_options import BaseOptions
        from mediapipe.tasks.python.vision import pose_landmarker as pl
        from mediapipe.tasks.python.vision.core.vision_task_running_mode import (
            VisionTaskRunningMode,
        )

        options = pl.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(self.model_path)),
            running_mode=VisionTaskRunningMode.VIDEO,
            num_poses=num_poses,
            min_pose_detection_confidence=config.MIN_POSE_DETECTION_CONFIDENCE,
            min_pose_presence_confidence=config.MIN_POSE_PRESENCE_CONFIDENCE,
            min_tracking_confidence=config.MIN_TRACKING_CONFIDENCE,
        )
        try:
            return pl.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as e:
            raise ModelCorruptError(
                f"MediaPipe could not load the pose model {self.model_path}: {e}",
                "Run `python -m demo pose-models` to provision it again.",
            ) from e

    def start_afresh(self) -> None:
        """For another stream: a new person to choose, and its clock placed a second after this
        one's last frame (MediaPipe's tracking reads the gap as a new scene)."""
        self.selector = PersonSelector()
        self._offset_ms = None
        self._crop = None

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
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        ms = self._timestamp_ms(t)
        following = self._follower is not None and self._crop is not None and self._people > 1
        if following and self._since_look < self.look_every - 1:
            self._since_look += 1
            pose = self._follow(rgb, ms, t)
            if pose is not None:
                return pose
        self._since_look = 0
        return self._look(rgb, ms, t)

    def _look(self, rgb: np.ndarray, ms: int, t: float) -> Pose:
        """Everyone in view; the rule chooses whom to follow."""
        import mediapipe as mp

        result = self._landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), ms)
        h, w = rgb.shape[:2]
        people = [_to_array(p) for p in result.pose_landmarks]
        self._people = len(people)
        if not people:
            self.selector.choose([])
            self._crop, self._others = None, []
            return Pose(t=t, landmarks=None, world=None, people=0, image_size=(w, h))
        boxes = [bounding_box(p) for p in people]
        i = self.selector.choose(boxes)
        world = _to_array(result.pose_world_landmarks[i]) if result.pose_world_landmarks else None
        if len(people) > 1 and self._may_follow and self._follower is None:
            self._follower = self._create(1)
        self._others = [b for j, b in enumerate(boxes) if j != i]
        self._crop = _crop_around(boxes[i], w, h)
        return Pose(t=t, landmarks=people[i], world=world, people=len(people), box=boxes[i],
                    others=self._others, image_size=(w, h))

    def _follow(self, rgb: np.ndarray, ms: int, t: float) -> Pose | None:
        """The followed person alone, in the crop around where they were; None when lost there."""
        import mediapipe as mp

        x0, y0, x1, y1 = self._crop
        crop = np.ascontiguousarray(rgb[y0:y1, x0:x1])
        result = self._follower.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=crop), ms)
        if not result.pose_landmarks:
            return None
        h, w = rgb.shape[:2]
        lm = _to_array(result.pose_landmarks[0])
        # Crop coordinates to the picture's: x and z scale with the width, y with the height.
        lm[:, 0] = (lm[:, 0] * (x1 - x0) + x0) / w
        lm[:, 1] = (lm[:, 1] * (y1 - y0) + y0) / h
        lm[:, 2] *= (x1 - x0) / w
        box = bounding_box(lm)
        self.selector.last = box  # the rule keeps following this box at the next look
        # The crop keeps its size until the next look (one that changed size each frame would move
        # MediaPipe's own tracking region against the person), and moves only once the person has
        # moved a tenth of it: recentred on every frame, its own jitter fed back into the landmarks
        # and a person standing still never looked still.
        centre = ((box[0] + box[2]) / 2 * w, (box[1] + box[3]) / 2 * h)
        shift = max(abs(centre[0] - (x0 + x1) / 2) / (x1 - x0), abs(centre[1] - (y0 + y1) / 2) / (y1 - y0))
        if shift > config.FOLLOW_RECENTRE:
            self._crop = _crop_centred(centre, (x1 - x0, y1 - y0), w, h)
        world = _to_array(result.pose_world_landmarks[0]) if result.pose_world_landmarks else None
        return Pose(t=t, landmarks=lm, world=world, people=self._people, box=box, others=self._others,
                    image_size=(w, h))

    def close(self) -> None:
        for landmarker in (self._landmarker, self._follower):
            if landmarker is not None:
                landmarker.close()
        self._landmarker = self._follower = None

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _crop_around(box: tuple[float, float, float, float], w: int, h: int) -> tuple[int, int, int, int] | None:
    """Pixels around a normalised box, grown by FOLLOW_MARGIN on every side, within the picture;
    None for a box too small to follow in."""
    bw, bh = box[2] - box[0], box[3] - box[1]
    m = config.FOLLOW_MARGIN
    x0, x1 = max(0, int((box[0] - m * bw) * w)), min(w, int((box[2] + m * bw) * w) + 1)
    y0, y1 = max(0, int((box[1] - m * bh) * h)), min(h, int((box[3] + m * bh) * h) + 1)
    return (x0, y0, x1, y1) if x1 - x0 >= 16 and y1 - y0 >= 16 else None


def _crop_centred(centre: tuple[float, float], size: tuple[int, int], w: int, h: int) -> tuple[int, ...]:
    """A crop of `size` pixels around `centre`, shifted to lie within the picture."""
    cw, ch = min(size[0], w), min(size[1], h)
    x0 = int(min(max(centre[0] - cw / 2, 0), w - cw))
    y0 = int(min(max(centre[1] - ch / 2, 0), h - ch))
    return x0, y0, x0 + cw, y0 + ch

"""Turn videos into landmark recordings (`python -m demo extract VIDEO... -o DIR`).

Each video gets its own PoseEstimator in VIDEO mode, stamped with the video's
own frame times. This module reads videos and writes recordings; it must not
serve or stream anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np

from . import pose_models
from .errors import SourceError
from .landmarks import Pose
from .pose import PoseEstimator
from .recording import SUFFIX, Recording


def video_frames(path: Path) -> tuple[float, Iterator[tuple[float, np.ndarray]]]:
    """The video's frame rate and an iterator of (seconds, BGR image)."""
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise SourceError(f"Cannot open video {path}.", "Check the path and that OpenCV can decode it.")
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    if not 1.0 <= fps <= 240.0:
        fps = 30.0

    def frames() -> Iterator[tuple[float, np.ndarray]]:
        i = 0
        try:
            while True:
                ok, img = cap.read()
                if not ok:
                    return
                yield i / fps, img
                i += 1
        finally:
            cap.release()

    return fps, frames()


def extract_video(path: Path, model_path: Path | None = None) -> Recording:
    model_path = model_path or pose_models.resolve()
    fps, frames = video_frames(path)
    poses: list[Pose] = []
    with PoseEstimator(model_path) as est:
        for t, img in frames:
            poses.append(est.detect(img, t))
    if not poses:
        raise SourceError(f"Video {path} has no frames.", "Check that the file is a complete video.")
    return Recording.from_poses(poses, fps, source=Path(path).name, pose_model=model_path.name)


def output_path(video: Path, out_dir: Path) -> Path:
    return Path(out_dir) / (Path(video).stem + SUFFIX)


def extract_all(videos: list[Path], out_dir: Path, model_path: Path | None = None,
                log=print) -> list[Path]:
    model_path = model_path or pose_models.resolve()
    written = []
    for v in videos:
        rec = extract_video(Path(v), model_path)
        path = rec.save(output_path(v, out_dir))
        log(f"{v} -> {path} ({len(rec)} frames, person seen in {rec.seen.mean():.0%})")
        written.append(path)
    return written

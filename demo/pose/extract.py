"""Turn videos into landmark recordings (`python -m demo extract VIDEO... -o DIR`).

Each video gets its own PoseEstimator in VIDEO mode, stamped with the video's
own frame times. This module reads videos and writes recordings; it must not
serve or stream anything.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import cv2
import numpy as np

from demo import config
from demo.errors import SourceError
from demo.landmarks import Pose
from demo.pose import bundles as pose_models
from demo.pose.close_up import Crop
from demo.pose.estimator import PoseEstimator
from demo.recording import SUFFIX, Recording, load


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


def extract_video(path: Path, model_path: Path | None = None, max_poses: int = 1,
                  crop: Crop | None = None) -> Recording:
    """Landmarks of the one person in a clip (max_poses=1: MediaPipe tracks them);
    with `crop`, of that part of every frame (demo/pose/close_up.py)."""
    model_path = model_path or pose_models.resolve()
    fps, frames = video_frames(path)
    poses: list[Pose] = []
    with PoseEstimator(model_path, max_poses=max_poses) as est:
        for t, img in frames:
            poses.append(est.detect(crop.apply(img) if crop else img, t))
    if not poses:
        raise SourceError(f"Video {path} has no frames.", "Check that the file is a complete video.")
    name = Path(path).name + (" (close-up)" if crop else "")
    return Recording.from_poses(poses, fps, source=name, pose_model=model_path.name)


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


def _file_key(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def cached_extract(video: Path, model_path: Path, cache_dir: Path | None = None,
                   max_poses: int = 1, crop: Crop | None = None) -> Recording:
    """extract_video, remembered on disk by (video bytes, model bytes, max_poses, crop)."""

    cache_dir = Path(cache_dir or config.LANDMARK_CACHE) / f"{_file_key(model_path)}-p{max_poses}"
    path = cache_dir / f"{Path(video).stem}-{_file_key(video)}{'-' + crop.tag if crop else ''}{SUFFIX}"
    if path.is_file():
        return load(path)
    rec = extract_video(Path(video), model_path, max_poses=max_poses, crop=crop)
    rec.save(path)
    return rec


def _pin_to_one_core(counter) -> None:
    # MediaPipe spreads one landmarker over every core; several of them then
    # fight. One core each is about twice as fast in total here.

    with counter.get_lock():
        core = counter.value
        counter.value += 1
    cores = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cores[core % len(cores)]})


def _cached_worker(job: tuple[str, str, str | None, int, Crop | None]) -> str:
    video, model, cache, max_poses, crop = job
    try:
        cached_extract(Path(video), Path(model), Path(cache) if cache else None, max_poses, crop)
    except Exception:  # the caller extracts this one again and raises its error itself
        pass
    return video


def extract_many(videos: list[Path], model_path: Path, cache_dir: Path | None = None, max_poses: int = 1,
                 crops: list[Crop | None] | None = None) -> list[Recording]:
    """Cached extraction of many videos, one process per core (each pose call is mostly serial);
    `crops`: one per video (demo/pose/close_up.py), or None for whole pictures.

    A video that fails is extracted again here, so that its error is raised in this process
    with its explanation, not lost on the way back from a worker."""

    crops = crops or [None] * len(videos)
    workers = max(1, len(os.sched_getaffinity(0)))
    jobs = [(str(v), str(model_path), str(cache_dir) if cache_dir else None, max_poses, c)
            for v, c in zip(videos, crops, strict=True)]
    if workers > 1 and len(jobs) > 1:
        counter = multiprocessing.Value("i", 0)
        with ProcessPoolExecutor(workers, initializer=_pin_to_one_core, initargs=(counter,)) as pool:
            list(pool.map(_cached_worker, jobs, chunksize=4))
    return [cached_extract(Path(v), model_path, cache_dir, max_poses, c)
            for v, c in zip(videos, crops, strict=True)]

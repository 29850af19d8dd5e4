"""What the lab's measurements share: the clip they play, its frames, percentiles, memory.

Measuring helpers only; nothing here starts a server or asserts a target.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from demo import config
from demo.errors import SourceError
from demo.pose.extract import video_frames

DEFAULT_CLIP = config.SHARED_DATA / "biisc" / "videos" / "S001_M_DRIN_STD_FCE.avi"
SECOND_PERSON_CLIP = DEFAULT_CLIP.with_name("S003_M_WAVE_STD_FCE.avi")  # another person, for two in view
SIZE = (640, 480)


def pct(values, q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


def load_frames(path: Path, n: int) -> list[np.ndarray]:
    _, frames = video_frames(path)
    clip = [cv2.resize(img, SIZE) for _, img in frames]
    if not clip:
        raise SourceError(f"{path} has no frames.", "Pass another clip with --video.")
    return [clip[i % len(clip)] for i in range(n)]


def two_people_frames(a: Path, b: Path, n: int) -> list[np.ndarray]:
    """Two real clips side by side, each cut to the middle half of its width (where its person
    stands), scaled to SIZE: two people in view at once."""
    first, second = list(video_frames(a)[1]), list(video_frames(b)[1])
    if not first or not second:
        raise SourceError(f"{a if not first else b} has no frames.", "Pass other clips.")
    out = []
    for i in range(n):
        halves = [img[:, img.shape[1] // 4: 3 * img.shape[1] // 4]
                  for img in (first[i % len(first)][1], second[i % len(second)][1])]
        out.append(cv2.resize(np.hstack(halves), SIZE))
    return out


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process (this one by default), in MB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")

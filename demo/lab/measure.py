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

DEFAULT_CLIP = config.ROOT.parent / "shared" / "data" / "biisc" / "videos" / "S001_M_DRIN_STD_FCE.avi"
SIZE = (640, 480)


def pct(values, q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


def load_frames(path: Path, n: int) -> list[np.ndarray]:
    _, frames = video_frames(path)
    clip = [cv2.resize(img, SIZE) for _, img in frames]
    if not clip:
        raise SourceError(f"{path} has no frames.", "Pass another clip with --video.")
    return [clip[i % len(clip)] for i in range(n)]


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process (this one by default), in MB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")

"""Debian's Chromium for measurements and tests: where it is, how it starts, fake cameras from clips.

Knows nothing of pytest; `tests/browser/chromium.py` and `bench --only page` build on it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--autoplay-policy=no-user-gesture-required"]


def write_y4m(frames, path: Path, size=(640, 480), fps: int = 30, repeat: int = 3) -> Path:
    """A y4m clip for Chromium's fake camera; each 10 fps frame repeated to make 30 fps."""
    w, h = size
    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W{w} H{h} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for img in frames:
            # Letterbox, keeping the clip's aspect, as a real camera would not stretch.
            s = min(w / img.shape[1], h / img.shape[0])
            fitted = cv2.resize(img, (round(img.shape[1] * s), round(img.shape[0] * s)))
            top = (h - fitted.shape[0]) // 2
            left = (w - fitted.shape[1]) // 2
            canvas = cv2.copyMakeBorder(fitted, top, h - fitted.shape[0] - top, left,
                                        w - fitted.shape[1] - left, cv2.BORDER_CONSTANT)
            yuv = cv2.cvtColor(canvas, cv2.COLOR_BGR2YUV_I420).tobytes()
            for _ in range(repeat):
                f.write(b"FRAME\n" + yuv)
    return path

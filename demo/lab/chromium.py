"""Debian's Chromium for measurements and tests: where it is, how it starts, fake cameras from clips.

Knows nothing of pytest; `tests/browser/chromium.py` and `bench --only page` build on it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2

from demo.errors import DemoError

try:  # a development requirement: the bench's other parts run without it
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

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


def start(profile: Path, camera: Path | None, viewport=(1280, 720), bypass_csp: bool = False):
    """Playwright and a headless Chromium context on `profile`, the fake camera playing `camera`.

    Returns (playwright, context); stop both with `stop`. `bypass_csp`: Playwright's
    wait_for_function needs the page's Content-Security-Policy off.
    """
    if sync_playwright is None:
        raise DemoError("Playwright is not installed.", "pip install -r requirements-dev.txt")
    if not Path(CHROMIUM).exists():
        raise DemoError("Debian's chromium is not installed.", "apt-get install chromium")
    args = list(ARGS)
    if camera is not None:
        args += ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                 f"--use-file-for-fake-video-capture={camera}"]
    pw = sync_playwright().start()
    ctx = pw.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, args=args,
        viewport={"width": viewport[0], "height": viewport[1]}, bypass_csp=bypass_csp)
    return pw, ctx


def stop(pw, ctx) -> None:
    ctx.close()
    pw.stop()

"""The page in real headless Chromium, with a fake camera made from a real clip."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import cv2
import pytest

from conftest import ARTIFACTS, free_port, read_frames, start_demo

pytestmark = pytest.mark.browser

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


@pytest.fixture(scope="module")
def fake_camera(tmp_path_factory, drink_clip):
    # S001 is one of the subjects whose terms allow showing them in screenshots.
    return write_y4m(read_frames(drink_clip), tmp_path_factory.mktemp("cam") / "clip.y4m")


def open_page(tmp_path, url: str, camera: Path | None):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        if os.environ.get("MIRROR_REQUIRE_BROWSER"):
            pytest.fail("chromium is missing: apt-get install chromium")
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    args = list(ARGS)
    if camera is not None:
        args += ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                 f"--use-file-for-fake-video-capture={camera}"]
    pw = sync_playwright().start()
    ctx = pw.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=args,
        viewport={"width": 1280, "height": 720}, bypass_csp=True)
    page = ctx.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.goto(url)
    return pw, ctx, page, console


def close(pw, ctx):
    ctx.close()
    pw.stop()


def test_camera_page_draws_the_skeleton(server_factory, fake_camera, tmp_path):
    srv, hub = server_factory()
    pw, ctx, page, console = open_page(tmp_path, srv.url + "/", fake_camera)
    try:
        page.wait_for_function("window.mirror && window.mirror.mode === 'camera'", timeout=15000)
        page.wait_for_function("window.mirror.view.drawn > 15", timeout=30000)
        fps = page.inner_text("#fps")
        latency = page.inner_text("#latency")
        assert fps.isdigit() and int(fps) > 0
        assert latency.isdigit()
        state = page.evaluate("window.mirror.state")
        assert state["person"] is not None and state["stream"].startswith("cam:")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "page-camera.png"))
        assert page.is_visible("text=No video is stored")
    finally:
        close(pw, ctx)
    assert not console, console


def test_without_a_camera_the_bundled_recording_plays(server_factory, tmp_path):
    srv, hub = server_factory()
    pw, ctx, page, console = open_page(tmp_path, srv.url + "/", None)
    try:
        page.wait_for_function("window.mirror && window.mirror.mode === 'watch'", timeout=15000)
        page.wait_for_function("window.mirror.view.drawn > 30", timeout=20000)
        assert page.evaluate("window.mirror.state.stream") == "replay:default"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "page-recording.png"))
    finally:
        close(pw, ctx)
    assert not [c for c in console if "Requested device not found" not in c], console


def test_page_reports_an_unreachable_server_and_reconnects(pose_model, tmp_path):
    port = free_port()
    server = start_demo(port)
    pw, ctx, page, console = open_page(tmp_path, f"http://127.0.0.1:{port}/?source=replay:default", None)
    try:
        page.wait_for_function("window.mirror.view.drawn > 5", timeout=20000)
        server.kill()
        server.wait()
        page.wait_for_function(
            "document.getElementById('banner').textContent.includes('unreachable')", timeout=15000)
        received = page.evaluate("window.mirror.statesReceived")
        server = start_demo(port)
        page.wait_for_function(f"window.mirror.statesReceived > {received + 10}", timeout=20000)
        assert not page.is_visible("#banner")
    finally:
        close(pw, ctx)
        server.kill()
        server.wait()


def test_a_refused_camera_says_so_and_plays_the_recording(server_factory, fake_camera, tmp_path):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    srv, hub = server_factory()
    pw = sync_playwright().start()
    # A camera exists, but the permission prompt is answered "no".
    ctx = pw.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, bypass_csp=True,
        args=ARGS + ["--use-fake-device-for-media-stream", "--deny-permission-prompts",
                     f"--use-file-for-fake-video-capture={fake_camera}"])
    try:
        page = ctx.new_page()
        page.goto(srv.url + "/")
        page.wait_for_function("window.mirror && window.mirror.mode === 'watch'", timeout=15000)
        assert "refused" in page.inner_text("#banner")
        page.wait_for_function("window.mirror.view.drawn > 5", timeout=15000)
    finally:
        close(pw, ctx)


def test_the_raster_moves_and_the_model_acts_on_screen(server_factory, tmp_path):
    srv, hub = server_factory()
    pw, ctx, page, console = open_page(tmp_path, srv.url + "/?source=replay:default", None)
    try:
        page.wait_for_function("window.mirror.raster.spikesReceived > 200", timeout=20000)
        regions = page.evaluate("window.mirror.hello.mirror.regions.map(r => r.key)")
        assert regions == ["STS", "PF", "F5"]
        assert page.evaluate("window.mirror.raster.regionRates.length") == 3
        # The raster's pixels change from one moment to the next: it scrolls.
        first = page.locator("#raster").screenshot()
        page.wait_for_timeout(600)
        assert page.locator("#raster").screenshot() != first
        assert page.inner_text("#agent-label") == ""
        page.evaluate("window.mirror.control('act', { class: 'grasp-to-mouth' })")
        page.wait_for_function("window.mirror.agent && window.mirror.agent.command > 0.5", timeout=10000)
        assert "Drink" in page.inner_text("#agent-label") and "acting" in page.get_attribute("#agent-box", "class")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "page-mirror.png"))
        page.wait_for_function("!window.mirror.agent", timeout=15000)  # the action ends by itself
        assert page.inner_text("#agent-label") == ""
    finally:
        close(pw, ctx)
    assert not console, console

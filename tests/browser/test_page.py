"""The page in real headless Chromium, with a fake camera made from a real clip."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.lab.chromium import ARGS, CHROMIUM, write_y4m

from chromium import close, open_page
from helpers import ARTIFACTS, free_port, read_frames, start_demo

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module")
def fake_camera(tmp_path_factory, drink_clip):
    # S001 is one of the subjects whose terms allow showing them in screenshots.
    return write_y4m(read_frames(drink_clip), tmp_path_factory.mktemp("cam") / "clip.y4m")


def test_camera_page_draws_the_skeleton(server_factory, fake_camera, tmp_path):
    srv, hub = server_factory()
    pw, ctx, page, console = open_page(tmp_path, srv.url + "/", fake_camera)
    try:
        page.wait_for_function("window.mirror && window.mirror.mode === 'camera'", timeout=15000)
        page.wait_for_function("window.mirror.view.drawn > 15", timeout=30000)
        # The rate is the server's, over a sliding window: when the first states come further
        # apart than that (MediaPipe's first inferences on a loaded machine) it reads 0 a while.
        page.wait_for_function("Number(document.getElementById('fps').textContent) > 0", timeout=15000)
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
        assert page.inner_text("#agent-label") == "The model's figure: it is watching you"  # never an empty box
        page.evaluate("window.mirror.control('act', { class: 'grasp-to-mouth' })")
        page.wait_for_function("window.mirror.agent && window.mirror.agent.command > 0.5", timeout=10000)
        assert "Drink" in page.inner_text("#agent-label") and "acting" in page.get_attribute("#agent-box", "class")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "page-mirror.png"))
        page.wait_for_function("!window.mirror.agent", timeout=15000)  # the action ends by itself
        assert page.inner_text("#agent-label") == "The model's figure: it is watching you"
    finally:
        close(pw, ctx)
    assert not console, console

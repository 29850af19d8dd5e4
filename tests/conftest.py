"""Shared fixtures (real data from ../shared/data, the real pose model, real servers) and markers.

Each test's kind is its folder (unit, live, browser, footage); the markers follow from it and
from the fixtures it uses: `browser` for tests in browser/, `footage` for any test that runs
MediaPipe on real footage or reads the BIISC set. The fast loop is
`python -m pytest -m "not footage and not browser" -n 2`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from demo.config import Settings
from demo.lab.figures import TESTS_OUT
from demo.pose import bundles as pose_models
from demo.pose.extract import extract_many
from demo.recognition.library import Library
from demo.sources import jpeg
from demo.web.server import create_app
from demo.web.server_thread import ServerThread

from helpers import BIISC, FIGURES, NAME, biisc, build_library, read_frames

# Fixtures that put real people's footage through the pose model (a test using one is `footage`).
FOOTAGE_FIXTURES = {"drink_clip", "drink_jpegs", "biisc_clips", "biisc_library", "detections", "extracted",
                    "fake_camera", "msr_clip", "built_bundle"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        kind = Path(item.fspath).parent.name
        if kind == "browser":
            item.add_marker(pytest.mark.browser)
        if kind == "footage" or FOOTAGE_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.footage)


def pytest_sessionfinish(session, exitstatus):
    """The figures tests recorded (helpers.figure), for `python -m demo figures run`."""
    out = os.environ.get(TESTS_OUT)
    if out and FIGURES:
        Path(out).write_text(json.dumps(FIGURES, indent=2, ensure_ascii=False) + "\n")


@pytest.fixture(scope="session")
def pose_model() -> Path:
    """The real pose bundle; provisioned (offline route here) when missing."""
    return pose_models.provision(log=lambda m: None)


@pytest.fixture(scope="session")
def drink_clip() -> Path:
    return biisc("S001_M_DRIN_STD_FCE.avi")


@pytest.fixture(scope="session")
def drink_jpegs(drink_clip) -> list[bytes]:
    return [jpeg.encode(f, 85) for f in read_frames(drink_clip)]


@pytest.fixture
def server_factory(pose_model):
    """Start real servers on free ports; stopped (with their streams) after the test."""
    started = []

    def start(host: str = "127.0.0.1", server_source=None, **settings):
        app, socketio, hub = create_app(Settings(pose_model=pose_model, **settings), server_source)
        srv = ServerThread(app, host=host).start()
        started.append((srv, hub))
        return srv, hub

    yield start
    for srv, hub in started:
        hub.stop_all()
        srv.stop()


@pytest.fixture(scope="session")
def biisc_clips(pose_model):
    """Every BIISC clip here, its landmarks extracted once (cached across runs)."""
    videos = sorted(BIISC.glob("*.avi"))
    if len(videos) < 400:
        pytest.skip("the BIISC clips are not in the shared data folder")
    recs = extract_many(videos, pose_model)
    out = []
    for v, rec in zip(videos, recs, strict=True):
        m = NAME.match(v.name)
        out.append({"path": v, "subject": int(m.group(1)), "action": m.group(2), "rec": rec})
    return out


@pytest.fixture(scope="session")
def biisc_library(tmp_path_factory, biisc_clips) -> Library:
    """Every S001-S005 clip, added class by class with `actions add` (made once per test run)."""
    return build_library(tmp_path_factory.mktemp("biisc"), biisc_clips)

"""Shared fixtures: real data from ../shared/data, the real pose model, real servers."""

from __future__ import annotations

import os
import time
from pathlib import Path

import cv2
import pytest

from demo import jpeg, pose_models
from demo.server import create_app
from demo.server_thread import ServerThread

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("MIRROR_DATA", ROOT.parent / "shared" / "data"))
BIISC = DATA / "biisc" / "videos"
ARTIFACTS = ROOT / "test-artifacts"


def biisc(name: str) -> Path:
    path = BIISC / name
    if not path.is_file():
        pytest.skip(f"real footage {path} is not here (set MIRROR_DATA to the shared data folder)")
    return path


def read_frames(path: Path, limit: int | None = None) -> list:
    cap = cv2.VideoCapture(str(path))
    frames = []
    while limit is None or len(frames) < limit:
        ok, img = cap.read()
        if not ok:
            break
        frames.append(img)
    cap.release()
    return frames


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

    def start(**kwargs):
        kwargs.setdefault("model_path", pose_model)
        app, socketio, hub = create_app(**kwargs)
        srv = ServerThread(app).start()
        started.append((srv, hub))
        return srv, hub

    yield start
    for srv, hub in started:
        hub.stop_all()
        srv.stop()


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.02) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()

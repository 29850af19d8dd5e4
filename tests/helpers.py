"""What the tests share besides fixtures: where the data is, real clients, waiting, libraries from BIISC."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from demo import config
from demo.cli.main import main
from demo.lab.clients import InOrderClient
from demo.lab.net import free_port, wait_until_up  # noqa: F401  (free_port: for the tests)
from demo.recognition.library import Library

ROOT = Path(__file__).resolve().parent.parent
DATA = config.SHARED_DATA
BIISC = DATA / "biisc" / "videos"
ARTIFACTS = ROOT / "test-artifacts"


# Figures tests measured for README and docs (`figure`); conftest writes them out when
# `python -m demo figures run` asks (demo/lab/figures.py), and the documents quote them from there.
FIGURES: dict[str, str] = {}


def figure(key: str, text: str) -> None:
    """A figure a test measured: printed, and kept under `key` for the documents."""
    print(f"{key}: {text}")
    FIGURES[key] = text


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


def lan_address() -> str | None:
    """This machine's address on its network (not loopback), to act as 'another device'."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.254", 9))  # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def start_demo(port: int, *args: str, scheme: str = "http", log: Path | None = None,
               probe_host: str = "127.0.0.1", env: dict | None = None):
    """`python -m demo` in a subprocess, as a user starts it; returns once it answers at
    `probe_host`. `log`: a file for its standard error (the operator's log), else discarded;
    `env`: its environment (default: this one)."""
    import subprocess
    import sys

    err = open(log, "wb") if log is not None else subprocess.DEVNULL  # noqa: SIM115 (the child holds it)
    proc = subprocess.Popen([sys.executable, "-m", "demo", "--port", str(port), "--no-provision", *args],
                            cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=err, env=env)
    if wait_until_up(f"{scheme}://{probe_host}:{port}", 30, alive=lambda: proc.poll() is None):
        return proc
    if proc.poll() is not None:
        raise AssertionError(f"the demo server exited with {proc.returncode}")
    proc.kill()
    raise AssertionError("the demo server did not start")


class Client:
    """A python-socketio client that records every event it gets."""

    def __init__(self, url: str) -> None:
        self.sio = InOrderClient(reconnection=False)
        self.events: dict[str, list] = {"hello": [], "state": [], "status": [], "error": []}
        self.lock = threading.Lock()
        for name in self.events:
            self.sio.on(name, self._recorder(name))
        self.sio.connect(url, transports=["websocket"], wait_timeout=10)
        assert wait_for(lambda: self.events["hello"], 5)

    def _recorder(self, name):
        def record(payload=None):
            with self.lock:
                self.events[name].append(payload)
        return record

    @property
    def states(self) -> list[dict]:
        return list(self.events["state"])

    @property
    def errors(self) -> list[dict]:
        return list(self.events["error"])

    def send(self, jpeg: bytes, frame_id: int) -> None:
        self.sio.emit("frame", {"jpeg": jpeg, "id": frame_id, "ts": time.time() * 1000})

    def close(self) -> None:
        self.sio.disconnect()


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.02) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


# --- BIISC: real people, labelled actions ---------------------------------------------
ACTIONS = ["DRIN", "CALL", "WIPE", "SCRA", "WAVE", "STRE", "COUG", "SNEE"]
GOAL = {"DRIN": 1, "CALL": 1, "WIPE": 1, "SCRA": 1, "WAVE": 0, "STRE": 0}
NAME = re.compile(r"S(\d+)_._(\w{4})_(\w{3})_(\w{3})")


def build_library(tmp_path, clips, per_class: int | None = None, seed: int = 0,
                  close_ups: bool = False) -> Library:
    """A library made the way a developer would: `actions add` per class, from videos."""
    rng = np.random.default_rng(seed)
    lib = tmp_path / f"biisc-{per_class}-{seed}{'-close-ups' if close_ups else ''}"
    for action in ACTIONS:
        files = [c["path"] for c in clips if c["subject"] <= 5 and c["action"] == action]
        if per_class:
            files = [files[i] for i in rng.choice(len(files), per_class, replace=False)]
        kind = "--goal-directed" if GOAL.get(action) else "--meaningless"
        more = ["--close-ups"] if close_ups else []
        assert main(["actions", "add", action.lower(), kind, *more, "--library", str(lib), *map(str, files)]) == 0
    return Library(lib)

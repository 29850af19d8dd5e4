"""The recording format: round trips exactly, and bad files name file and field."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from demo import recording
from demo.cli.main import main
from demo.errors import RecordingFormatError
from demo.pose.estimator import PoseEstimator
from demo.sources import ReplaySource

from helpers import read_frames


@pytest.fixture(scope="module")
def extracted(tmp_path_factory, drink_clip, pose_model):
    out = tmp_path_factory.mktemp("rec")
    assert main(["extract", str(drink_clip), "-o", str(out)]) == 0
    return out / (drink_clip.stem + recording.SUFFIX)


def test_extract_save_load_matches_the_pose_stage(extracted, drink_clip, pose_model):
    rec = recording.load(extracted)
    frames = read_frames(drink_clip)
    assert len(rec) == len(frames)
    assert rec.fps == pytest.approx(10.0)
    assert rec.source == drink_clip.name
    assert rec.seen.mean() >= 0.95
    # Running the pose stage again gives the landmarks that were stored.
    with PoseEstimator(pose_model, max_poses=1) as est:  # extraction follows the clip's one person
        direct = [est.detect(img, i / rec.fps) for i, img in enumerate(frames)]
    for i, p in enumerate(direct):
        if p.seen:
            np.testing.assert_allclose(rec.landmarks[i], p.landmarks, atol=1e-6)
            np.testing.assert_allclose(rec.world[i], p.world, atol=1e-6)
        else:
            assert not rec.seen[i]


def test_replay_gives_the_same_landmarks(extracted):
    rec = recording.load(extracted)
    src = ReplaySource(extracted, loop=False)
    src.fps = 200.0  # play fast; pacing is not what is tested here
    src.start()
    got = []
    deadline = time.monotonic() + 10
    while len(got) < len(rec) and time.monotonic() < deadline:
        item = src.slot.get(0.2)
        if item is not None:
            got.append(item)
        elif src.status.state == "ended":
            break
    src.close()
    # Latest-wins may drop frames if the test thread lags; every frame it got must match.
    assert len(got) >= len(rec) * 0.5
    for frame in got:
        i = frame.frame_id - 1
        if rec.seen[i]:
            np.testing.assert_array_equal(frame.pose.landmarks, rec.landmarks[i])
        else:
            assert frame.pose.landmarks is None


def test_bytes_round_trip_keeps_meta(extracted):
    rec = recording.load(extracted)
    rec.segments = [recording.Segment(0.5, 2.0, "drink")]
    rec.label = "drink"
    again = recording.from_bytes(recording.to_bytes(rec))
    assert again.segments == rec.segments and again.label == "drink"
    np.testing.assert_array_equal(again.landmarks, rec.landmarks)


def _rewrite(src, dst, **changes):
    with np.load(src) as data:
        arrays = dict(data)
    meta = json.loads(arrays["meta"].tobytes())
    for key, value in changes.items():
        if key.startswith("meta."):
            meta[key[5:]] = value
        elif value is None:
            arrays.pop(key)
        elif callable(value):
            arrays[key] = value(arrays[key])
        else:
            arrays[key] = value
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    np.savez(dst, **arrays)
    return dst


@pytest.mark.parametrize("changes, field", [
    ({"landmarks": None}, "landmarks"),
    ({"world": np.zeros((3, 33, 3), np.float32)}, "world"),
    ({"meta.version": 99}, "meta.version"),
    ({"meta.fps": -1}, "meta.fps"),
    ({"meta.format": "other"}, "meta.format"),
    ({"t": np.zeros(86)}, "t"),
    ({"meta.segments": [{"start": 0}]}, "meta.segments"),
    # Files that once passed and then broke the server (issue 24): each refused where it is read.
    ({"t": lambda t: np.where(np.arange(len(t)) == 5, np.nan, t)}, "t"),
    ({"t": lambda t: t.astype(str)}, "t"),
    ({"t": lambda t: t[:0], "landmarks": lambda a: a[:0], "world": lambda a: a[:0]}, "t"),
    ({"landmarks": lambda a: np.where(a == a.max(), np.inf, a)}, "landmarks"),
    ({"world": lambda a: np.concatenate([a[:1, :1] * np.nan, a[:1, 1:]], 1).repeat(len(a), 0)}, "world"),
    ({"meta.image_size": "big"}, "meta.image_size"),
    ({"meta.image_size": [-1, 480]}, "meta.image_size"),
    ({"meta.image_size": [640.5, 480]}, "meta.image_size"),
])
def test_malformed_recording_names_file_and_field(extracted, tmp_path, changes, field):
    bad = _rewrite(extracted, tmp_path / "bad.mirror.npz", **changes)
    with pytest.raises(RecordingFormatError) as err:
        recording.load(bad)
    assert str(bad) in err.value.message and f"'{field}'" in err.value.message


def test_garbage_file_is_refused(tmp_path):
    bad = tmp_path / "x.mirror.npz"
    bad.write_bytes(b"\x00garbage" * 10)
    with pytest.raises(RecordingFormatError, match="x.mirror.npz"):
        recording.load(bad)


def test_bundled_default_recording_loads_and_credits_hdm05():
    from demo import config

    rec = recording.load(config.DEFAULT_RECORDING)
    assert len(rec) > 300 and rec.seen.all()
    assert "HDM05" in rec.attribution
    assert {s.label for s in rec.segments} >= {"grabHighR", "depositFloorR"}
    # An upright figure inside the picture (it bends down to put things on the floor).
    lm = rec.landmarks
    assert (lm[:, 0, 1] < lm[:, 23, 1]).mean() > 0.8
    visible = lm[..., 3] > 0.5
    assert ((lm[..., :2] >= 0) & (lm[..., :2] <= 1)).all(axis=-1)[visible].all()
    assert visible[:, :25].mean() > 0.95  # the upper body stays in the picture

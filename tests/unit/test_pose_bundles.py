"""Pose model provisioning: the offline bundle builds and loads; damage is caught."""

from __future__ import annotations

import shutil
import zipfile

import numpy as np
import pytest

from demo.errors import ModelCorruptError, ModelMissingError
from demo.pose import bundles as pose_models
from demo.pose import offline
from demo.pose.estimator import PoseEstimator
from demo.pose.offline import WHEEL_MODELS, build_bundle, find_cached_wheel
from demo.pose.tflite_metadata import read_image_normalization


@pytest.fixture(scope="module")
def built_bundle(tmp_path_factory, pose_model):
    wheel = find_cached_wheel()
    assert wheel is not None, "provisioning should have cached the 0.10.21 wheel"
    said.clear()
    return build_bundle(tmp_path_factory.mktemp("pose") / "pose_landmarker_full.offline.task", wheel,
                        log=said.append)


said: list[str] = []  # what the build said, step by step


def test_the_offline_build_says_each_step_in_a_line_of_its_own(built_bundle):
    assert len(said) == 3 and all(line.startswith("pose model (") for line in said), said
    assert "attaching input metadata" in said[1] and said[2].endswith(" MB") and " 0.0 " not in said[2]


def test_offline_bundle_is_an_uncompressed_zip_with_metadata(built_bundle):
    with zipfile.ZipFile(built_bundle) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        assert set(infos) == {"pose_detector.tflite", "pose_landmarks_detector.tflite"}
        for m in WHEEL_MODELS:
            info = infos[m.bundle_name]
            assert info.compress_type == zipfile.ZIP_STORED
            assert read_image_normalization(zf.read(m.bundle_name)) == m.normalization
            # Members are aligned so that MediaPipe can map them without copying.
            offset = info.header_offset + 30 + len(info.filename) + len(info.extra)
            assert offset % 64 == 0


def test_offline_bundle_loads_and_finds_a_person(built_bundle, drink_clip):
    import cv2

    cap = cv2.VideoCapture(str(drink_clip))
    ok, image = cap.read()
    assert ok
    with PoseEstimator(built_bundle) as est:
        pose = est.detect(image, 0.0)
    assert pose.seen
    nose_y = pose.landmarks[0, 1]
    hip_y = pose.landmarks[[23, 24], 1].mean()
    assert nose_y < hip_y, "the head should be above the hips in an upright person"


def test_corrupt_bundle_is_detected_with_the_fixing_command(built_bundle, tmp_path):
    bad = tmp_path / "pose_landmarker_full.offline.task"
    data = built_bundle.read_bytes()
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelCorruptError) as err:
        pose_models.verify(bad)
    assert "python -m demo pose-models" in str(err.value)
    with pytest.raises(ModelCorruptError):
        pose_models.resolve("full", tmp_path)


def test_flipped_byte_is_detected_by_the_recorded_hash(built_bundle, tmp_path):
    copy = tmp_path / built_bundle.name
    shutil.copy(built_bundle, copy)
    (tmp_path / (copy.name + ".sha256")).write_text(pose_models._sha256(copy))
    pose_models.verify(copy)
    data = bytearray(copy.read_bytes())
    data[len(data) // 3] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(ModelCorruptError):
        pose_models.verify(copy)


def test_official_file_with_wrong_hash_is_refused(tmp_path):
    fake = tmp_path / "pose_landmarker_lite.task"
    fake.write_bytes(b"not the model")
    with pytest.raises(ModelCorruptError, match="SHA-256"):
        pose_models.verify(fake)


def test_missing_model_names_the_command(tmp_path):
    with pytest.raises(ModelMissingError) as err:
        pose_models.resolve(None, tmp_path)
    assert "python -m demo pose-models" in err.value.fix
    with pytest.raises(ModelMissingError, match="Unknown pose model"):
        pose_models.resolve("tiny", tmp_path)


def test_mediapipe_refusal_becomes_a_clear_error(tmp_path):
    bad = tmp_path / "broken.task"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("pose_detector.tflite", b"x" * 100)
        zf.writestr("pose_landmarks_detector.tflite", b"y" * 100)
    with pytest.raises(ModelCorruptError, match="python -m demo pose-models"):
        pose_models.check_loads(bad)


def test_estimator_accepts_repeated_timestamps(pose_model):
    # A looping video restarts its clock; VIDEO mode must still see increasing stamps.
    img = np.zeros((120, 160, 3), np.uint8)
    with PoseEstimator(pose_model) as est:
        for t in (0.0, 0.0, 0.5, 0.1):
            assert not est.detect(img, t).seen


@pytest.mark.parametrize("variant", ["lite", "heavy"])
def test_every_variant_builds_offline_and_finds_a_person(variant, pose_model, tmp_path, drink_clip):
    """lite and heavy from the npm package @mediapipe/pose (pinned hashes), the detector from the
    wheel: each bundle loads and finds the drinking person, upright."""
    import cv2

    path = pose_models.provision(variant, tmp_path, online=False, log=lambda m: None)
    assert path.name == f"pose_landmarker_{variant}.offline.task"
    assert pose_models.resolve(variant, tmp_path) == path and set(pose_models.available(tmp_path)) == {variant}
    ok, image = cv2.VideoCapture(str(drink_clip)).read()
    with PoseEstimator(path) as est:
        pose = est.detect(image, 0.0)
    assert pose.seen and pose.landmarks[0, 1] < pose.landmarks[[23, 24], 1].mean()


def test_a_damaged_npm_tarball_names_the_fix(tmp_path):
    bad = tmp_path / "pose.tgz"
    bad.write_bytes(b"not a tarball")
    with pytest.raises(ModelMissingError) as err:
        offline.read_npm_landmarks(bad, "lite")
    assert str(bad) in err.value.message and "pose-models --offline" in err.value.fix

"""Kinect skeleton sets become landmark recordings the recogniser can read."""

from __future__ import annotations

import numpy as np
import pytest

from demo.datasets import kinect

from helpers import DATA

SKELETONS = DATA / "skeletons"


@pytest.fixture(scope="module")
def msr_clip():
    path = SKELETONS / "msr-action3d" / "real3d" / "a01_s01_e01_skeleton3D.txt"
    if not path.is_file():
        pytest.skip("the skeleton sets are not in the shared data folder")
    return kinect.load_msr(path)


def test_msr_skeleton_maps_to_an_upright_figure_in_the_picture(msr_clip):
    lm = msr_clip.landmarks
    assert lm.shape[1:] == (33, 4) and msr_clip.fps == pytest.approx(15.0)
    assert (lm[:, 0, 1] < lm[:, 23, 1]).all()                     # head above hips
    assert (lm[:, [11, 12], 1].mean(1) < lm[:, [25, 26], 1].mean(1)).all()  # shoulders above knees
    inside = (lm[..., :2] > 0) & (lm[..., :2] < 1)
    assert inside[:, :25].all()
    world = msr_clip.world
    assert np.abs(world[:, [23, 24], :3].mean(1)).max() < 1e-5  # centred on the hips


def test_utkinect_labelled_stretches_are_read():
    if not (SKELETONS / "utkinect" / "actionLabel.txt").is_file():
        pytest.skip("UTKinect is not in the shared data folder")
    pairs = kinect.load_utkinect(SKELETONS / "utkinect")
    actions = {a for _, a in pairs}
    assert {"pickUp", "waveHands", "clapHands", "push"} <= actions
    assert all(len(r) >= 5 and np.isfinite(r.landmarks).all() for r, _ in pairs)

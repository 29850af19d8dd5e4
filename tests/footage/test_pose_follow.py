"""Several people in view: everyone is looked for on one frame in ten, and in between only the
followed person is tracked in a crop (demo/pose/estimator.py). Its landmarks must be those of
looking at everyone on every frame, for the same person, on real footage."""

from __future__ import annotations

import numpy as np

from demo.lab.measure import SECOND_PERSON_CLIP, load_frames, two_people_frames
from demo.pose.estimator import PoseEstimator

from helpers import biisc


def run(model, frames, look_every, max_poses=2):
    with PoseEstimator(model, max_poses=max_poses, look_every=look_every) as est:
        return [est.detect(f, (i + 1) / 10) for i, f in enumerate(frames)]


def gaps(reference, other) -> np.ndarray:
    """Per frame seen by both: the largest landmark displacement, in picture units."""
    return np.array([np.abs(a.landmarks[:, :2] - b.landmarks[:, :2]).max()
                     for a, b in zip(reference, other, strict=True) if a.seen and b.seen])


def two_people(n: int) -> list[np.ndarray]:
    return two_people_frames(biisc("S001_M_DRIN_STD_FCE.avi"), biisc(SECOND_PERSON_CLIP.name), n)


def test_following_in_a_crop_gives_the_landmarks_of_looking_at_everyone(pose_model):
    """Two people side by side: the one the rule chose, followed in a crop between looks."""
    frames = two_people(60)
    everyone, followed = run(pose_model, frames, 1), run(pose_model, frames, 10)
    both = [(a, b) for a, b in zip(everyone, followed, strict=True) if a.seen and b.seen]
    assert len(both) >= 0.95 * sum(a.seen for a in everyone) and len(both) >= 40
    apart = gaps(everyone, followed)
    print(f"followed in a crop, landmarks apart by {np.median(apart):.4f} (median), "
          f"{np.percentile(apart, 95):.4f} (p95) picture units")
    assert np.median(apart) < 0.01 and np.percentile(apart, 95) < 0.02
    # The same person throughout, whom the rule chose, with the other one beside.
    assert all(b.people == 2 and len(b.others) == 1 for _, b in both[1:])
    assert all(abs(a.box[0] - b.box[0]) < 0.05 for a, b in both)


def test_when_the_followed_person_leaves_the_other_is_followed(pose_model):
    """The followed person (left) leaves the picture: the crop loses them, everyone is looked
    for at once, and the rule follows the one still there (right)."""
    frames = two_people(40)
    for f in frames[20:]:
        f[:, : f.shape[1] // 2] = 0
    poses = run(pose_model, frames, 10)
    assert all(p.seen and p.box[2] < 0.55 for p in poses[2:20])
    assert all(p.seen and p.box[0] > 0.45 and p.people == 1 for p in poses[21:])


def test_a_person_alone_after_two_is_looked_at_on_every_frame(pose_model):
    """An estimator serves the streams one after another: after two people, a visitor alone who
    stands still must look still (a crop recentred on every frame fed its jitter back)."""
    alone = load_frames(biisc("S010_F_SNEE_STD_RGT.avi"), 40)
    alone += [alone[-1]] * 20
    with PoseEstimator(pose_model, max_poses=2) as est:
        for i, f in enumerate(two_people(20)):
            est.detect(f, (i + 1) / 10)
        est.start_afresh()
        poses = [est.detect(f, (i + 1) / 10) for i, f in enumerate(alone)]
    held = np.array([p.landmarks[:, :2] for p in poses[-15:]])
    assert all(p.people == 1 for p in poses if p.seen)
    assert np.abs(np.diff(held, axis=0)).max() < 1e-3

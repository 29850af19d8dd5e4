"""When the recogniser may name a class: the sure threshold, calibration measures, rest."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from demo.recognition import confidence, online, segmenter, training
from demo.recognition.features import ARM_CHANNELS, N_FEATURES
from demo.recognition.library import Library
from demo.synth import virtual_actor


def test_the_sure_threshold_trades_right_claims_against_twice_as_costly_wrong_ones():
    rng = np.random.default_rng(0)
    conf = rng.uniform(0.3, 1.0, 4000)
    correct = rng.uniform(size=4000) < conf  # calibrated: right as often as the score says
    sure = confidence.choose_sure(conf, correct)
    assert abs(sure - confidence.DEFAULT_SURE) <= 0.05  # the break-even for calibrated scores
    always_right = np.ones(4000, bool)
    assert confidence.choose_sure(conf, always_right) == confidence.CANDIDATES[0]  # name everything


def test_expected_calibration_error_is_small_only_for_calibrated_scores():
    rng = np.random.default_rng(1)
    conf = rng.uniform(0.3, 1.0, 20000)
    calibrated = rng.uniform(size=20000) < conf
    overconfident = rng.uniform(size=20000) < conf - 0.2
    assert confidence.expected_calibration_error(conf, calibrated) < 0.02
    assert confidence.expected_calibration_error(conf, overconfident) > 0.15
    bins = confidence.reliability(conf, calibrated)
    assert len(bins) == confidence.BINS and sum(b["count"] for b in bins) == 20000


def test_no_class_is_named_below_the_sure_threshold():
    """The same movements with the threshold at its floor and far above any score: only the
    threshold differs, and only the first names classes."""
    model = training.fit_library(Library())
    named = {}
    for sure in (0.0, 1.01):
        strict = replace(model, sure=sure)
        named[sure] = 0
        for k, action in enumerate(("grasp-to-mouth", "hand-to-ear", "point")):
            r = online.Recogniser(strict)
            for pose in virtual_actor.recording(action, 300 + k).poses():
                out = r.update(pose)
                named[sure] += out.label is not None
                assert out.label is None or max(out.scores.values()) >= sure
    assert named[0.0] > 20 and named[1.01] == 0


def test_at_rest_the_idle_classes_lead_whatever_the_still_window_looks_like():
    idle = np.array([False, True, False])
    out = online.at_rest(np.array([0.9, 0.02, 0.08]), idle)
    assert out.argmax() == 1 and np.isclose(out.sum(), 1.0) and out[1] >= online.REST
    assert np.isclose(out[0] / out[2], 0.9 / 0.08)  # the others keep their proportions
    assert np.array_equal(online.at_rest(np.array([0.3, 0.7]), np.array([False, False])), [0.3, 0.7])


def _arms(up: float, fwd3: float) -> np.ndarray:
    values = np.zeros(N_FEATURES)
    for k in (0, len(ARM_CHANNELS)):
        values[k + ARM_CHANNELS.index("up")] = up
        values[k + ARM_CHANNELS.index("fwd3")] = fwd3
    return values


def test_hanging_hands_that_mediapipe_puts_forward_are_at_rest_online_only():
    """Facing the camera, MediaPipe puts hanging hands 0.4-0.6 torso lengths forward."""
    hanging, reaching, placing = _arms(-1.05, 0.55), _arms(-0.6, 0.55), _arms(-1.05, 0.72)
    assert not segmenter.active(hanging) and segmenter.active(reaching) and segmenter.active(placing)
    assert segmenter.active(hanging, hanging_rests=False)  # finding the action in an example
    seg = segmenter.Segmenter()
    for i in range(30):
        seg.update(i / 10, hanging, True)
    assert seg.current is None


def _held(values: np.ndarray, seconds: float, still_rests: bool = True) -> list[bool]:
    """Whether a movement is under way, frame by frame, for hands held still after a reach."""
    seg = segmenter.Segmenter(still_rests=still_rests)
    moving = []
    for i in range(int(seconds * 10)):
        seg.update(i / 10, values, True)
        moving.append(seg.current is not None)
    return moving


def test_hands_held_still_at_the_chest_are_at_rest_but_a_hand_at_the_head_is_the_action():
    """Clasped in front or holding a bottle at the chest is rest within a second; a phone at
    the ear or a pointing arm is still the action. Without the rule the chest stays 'moving'."""
    chest, ear, pointing = _arms(-0.45, 0.6), _arms(0.3, 0.1), _arms(-0.05, 1.2)
    after_one_second = slice(10, None)  # frames at 10 fps from 1 s on
    assert not any(_held(chest, 3)[after_one_second])
    assert all(_held(ear, 3)[2:]) and all(_held(pointing, 3)[2:])
    assert all(_held(chest, 3, still_rests=False)[2:])

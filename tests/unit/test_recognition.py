"""Action recognition without footage: the features' invariances, the virtual actor, the movement
model, the caches, "why" and the online belief."""


from __future__ import annotations

import json
from dataclasses import replace

import numpy as np

from demo import landmarks
from demo.cli.main import main
from demo.landmarks import Pose
from demo.recognition import clips, features, kinematics, online, summary, training
from demo.recognition.descriptor import describe
from demo.recognition.library import Library
from demo.synth import virtual_actor


def test_grasp_to_mouth_and_to_place_part_before_the_end():
    """Classes sharing a beginning (reach, grasp) are told apart before the movement ends."""
    model = training.fit(Library())
    right, decided = 0, []
    for action in ("grasp-to-mouth", "grasp-to-place"):
        for seed in range(1000, 1010):  # performances the library has never seen
            res = clips.classify_recording(model, virtual_actor.recording(action, seed))
            right += res.label == action
            if res.label == action and res.decided_at is not None:
                decided.append(res.decided_at)
    assert right >= 16
    assert np.median(decided) < 0.8


def test_the_virtual_actor_walks_while_it_acts():
    """A walker's hips travel, its feet take turns in front and a hand at rest swings with
    them; what the acting hand does is still recognised."""
    standing, walking = (virtual_actor.recording("hand-to-ear", 7, walking=w) for w in (False, True))
    at = landmarks.INDEX
    for rec, moves in ((standing, False), (walking, True)):
        xy = rec.landmarks[:, [at["left_hip"], at["right_hip"]], :2].mean(axis=1)
        torso = np.linalg.norm(rec.landmarks[:, at["left_shoulder"], :2] - xy, axis=1)
        travelled = np.abs(xy[-1] - xy[0]).max() + abs(np.log(torso[-1] / torso[0]))  # across, or nearer
        feet = rec.world[:, at["left_ankle"], :3] - rec.world[:, at["right_ankle"], :3]
        stride = np.ptp(np.linalg.norm(feet, axis=1))
        assert (travelled > 0.2, stride > 0.15) == (moves, moves), (rec.source, travelled, stride)
    other = "left" if virtual_actor.random_body(np.random.default_rng(7)).handed == "right" else "right"
    hand = [rec.world[:, at[f"{other}_wrist"], :3] - rec.world[:, at[f"{other}_shoulder"], :3]
            for rec in (standing, walking)]
    sway = [np.ptp(h, axis=0).max() for h in hand]
    assert sway[1] > 2 * sway[0] and sway[1] > 0.08
    from demo.synth.shipped_library import DEFAULTS

    model = training.fit(Library())
    right = total = 0
    for d in DEFAULTS:
        for script, _ in d.scripts:
            for seed in range(3000, 3004):  # performances the library has never seen
                rec = virtual_actor.recording(script, seed, walking=d.cls.kind != "idle")
                right += clips.classify_recording(model, rec).label == d.cls.name
                total += 1
    print(f"{right} of {total} walked performances recognised")
    assert right >= 0.9 * total  # measured 38 of 40


def test_the_virtual_actor_sometimes_drinks_from_a_mug_in_both_hands():
    """As people do (a third of BIISC's drinks raise both hands): both wrists at the mouth."""
    both = 0
    for seed in range(40):
        points, marks = virtual_actor.perform_marked("grasp-to-mouth", np.random.default_rng(seed))
        at_mouth = points[int(marks["goal"] * virtual_actor.FPS)]
        mouth = at_mouth[[landmarks.INDEX["mouth_left"], landmarks.INDEX["mouth_right"]]].mean(axis=0)
        near = [np.linalg.norm(at_mouth[landmarks.INDEX[f"{s}_wrist"]] - mouth) < 0.25 for s in ("left", "right")]
        assert any(near)
        both += all(near)
    assert 6 <= both <= 22  # about BOTH_HANDS["grasp-to-mouth"] of 40


def test_the_movement_model_is_not_swayed_by_how_many_examples_are_goal_directed():
    """Its prior is not the library's mix: three times the goal-directed examples (the same
    ones again) leave its judgement of every movement as it was."""
    from demo.recognition.library import ActionClass

    classes = [ActionClass("grasp-to-mouth", "Drink", "x", True, "the mouth", "#000000"),
               ActionClass("arm-circles", "Circles", "x", False, None, "#000000")]
    once = {c.name: [virtual_actor.recording(c.name, 70 + i) for i in range(4)] for c in classes}
    thrice = {**once, "grasp-to-mouth": once["grasp-to-mouth"] * 3}
    probe = np.array([summary.summarise(training.movement_windows(r)[-4][0], r.fps)[1]
                      for r in (virtual_actor.recording(a, 90) for a in ("hand-to-ear", "waving", "point"))])
    p_once, p_thrice = (training.fit(classes, ex, own_movement_model=True).goal_model.proba(probe)[:, 1]
                        for ex in (once, thrice))
    np.testing.assert_allclose(p_thrice, p_once, atol=0.02)


def _phone_and_wave():
    """A small library of other classes than the shipped ones: (classes, examples)."""
    from demo.recognition.library import ActionClass

    classes = [ActionClass("hand-to-ear", "Phone", "x", True, "the ear", "#000000"),
               ActionClass("waving", "Wave", "x", False, None, "#000000")]
    return classes, {c.name: [virtual_actor.recording(c.name, 50 + i) for i in range(3)] for c in classes}


def test_every_library_leans_on_the_movement_model_the_shipped_library_teaches():
    """models/movement-model.json is what `actions rebuild-defaults` learns from the shipped
    examples (not stale); a library blends its own movement model with it, by how many
    examples each was learnt from."""
    from demo.recognition import movement_model

    builtin = movement_model.load()
    taught = training.fit(Library(), own_movement_model=True).goal_model
    for field in ("mean", "scale", "weights", "bias"):
        np.testing.assert_allclose(getattr(builtin.model, field), getattr(taught, field), rtol=1e-4, atol=1e-5)
    assert builtin.examples == sum(len(c.examples) for c in Library())
    classes, examples = _phone_and_wave()
    probe = np.array([summary.summarise(training.movement_windows(r)[-4][0], r.fps)[1]
                      for r in (virtual_actor.recording(a, 91) for a in ("grasp-to-mouth", "arm-circles"))])
    shares = []
    for n in (3, 30):
        ex = {name: recs * (n // 3) for name, recs in examples.items()}
        model = training.fit(classes, ex)
        own = training.fit(classes, ex, own_movement_model=True).goal_model
        share = builtin.examples / (builtin.examples + 2 * n)
        np.testing.assert_allclose(model.goal_model.proba(probe),
                                   (1 - share) * own.proba(probe) + share * builtin.model.proba(probe), atol=1e-6)
        shares.append(model.goal_model.builtin_share)
    assert shares[0] > 0.9 and shares[1] < 0.65  # a few examples lean on it, many take over


def test_a_broken_movement_model_file_is_named_and_a_missing_one_is_learnt_instead(tmp_path, monkeypatch, caplog):
    import pytest

    from demo import config
    from demo.errors import ModelCorruptError
    from demo.recognition import movement_model

    good = json.loads(config.MOVEMENT_MODEL.read_text())
    for broken, says in (("{not json", "cannot be read"),
                         (json.dumps({**good, "evidence": good["evidence"][:-1]}), "other kinematic evidence"),
                         (json.dumps({**good, "weights": good["weights"][:3]}), "'weights' of shape (3, 2)"),
                         (json.dumps({**good, "scale": [0.0] * len(good["scale"])}), "not positive"),
                         (json.dumps({**good, "examples": "many"}), "'examples' of 'many'")):
        path = tmp_path / "movement-model.json"
        path.write_text(broken)
        with pytest.raises(ModelCorruptError) as e:
            movement_model.load(path)
        assert str(path) in str(e.value) and says in str(e.value) and "rebuild-defaults" in str(e.value)
    classes, examples = _phone_and_wave()
    monkeypatch.setattr(config, "MOVEMENT_MODEL", tmp_path / "gone.json")
    with caplog.at_level("WARNING"):
        model = training.fit(classes, examples)
    assert "No built-in movement model" in caplog.text and "gone.json" in caplog.text
    own = training.fit(classes, examples, own_movement_model=True)
    np.testing.assert_array_equal(model.goal_model.weights, own.goal_model.weights)


def _mirror(pose: Pose) -> Pose:
    """The same person, mirrored: left and right swap places and sides."""
    from demo.landmarks import LANDMARK_NAMES

    swap = [LANDMARK_NAMES.index(n.replace("left", "@").replace("right", "left").replace("@", "right"))
            for n in LANDMARK_NAMES]
    lm = pose.landmarks[swap].copy()
    lm[:, 0] = 1 - lm[:, 0]
    world = pose.world[swap].copy()
    world[:, 0] = -world[:, 0]
    return replace(pose, landmarks=lm, world=world)


def test_features_treat_left_and_right_handed_the_same():
    rec = virtual_actor.recording("grasp-to-mouth", 3)
    _, a, _ = features.sequence(rec.poses())
    _, b, _ = features.sequence(_mirror(p) for p in rec.poses())
    np.testing.assert_allclose(describe(a, rec.fps), describe(b, rec.fps), atol=1e-3)


def test_features_do_not_depend_on_size_position_or_frame_rate():
    rec = virtual_actor.recording("hand-to-ear", 5, fps=30)
    _, a, _ = features.sequence(rec.poses())

    def shrink(p: Pose) -> Pose:
        lm = p.landmarks.copy()
        lm[:, :2] = lm[:, :2] * 0.6 + 0.1  # further away and off to one side
        return replace(p, landmarks=lm)

    _, b, _ = features.sequence(shrink(p) for p in rec.poses())
    np.testing.assert_allclose(a[5:], b[5:], atol=0.05)
    # Half the frames (15 fps): speeds are per second, so the summary hardly moves.
    _, c, _ = features.sequence(list(rec.poses())[::2])
    speed = features.ARM_CHANNELS.index("speed")
    for arm in (0, features.N_ARM):
        assert abs(np.median(a[:, arm + speed]) - np.median(c[:, arm + speed])) < 0.15


def test_the_acting_arm_is_the_raised_one_not_a_swinging_or_guessed_one():
    """Walking swings the other arm all the time; side-on, MediaPipe guesses the far arm, and
    the guess can wander. Neither is taken for the arm that acts."""
    rec = virtual_actor.recording("grasp-to-mouth", 3)
    _, clean, _ = features.sequence(rec.poses())
    up, seen = features.ARM_CHANNELS.index("up"), features.ARM_CHANNELS.index("seen")
    acting = int(np.ptp(clean[:, features.N_ARM + up]) > np.ptp(clean[:, up]))  # 0 left, 1 right
    other = ("right", "left")[acting]
    other_hand = [landmarks.INDEX[f"{other}_{p}"] for p in ("wrist", "index", "pinky", "thumb")]

    def first_arm(dx, dy, visibility: float) -> tuple[int, np.ndarray]:
        def moved(p: Pose) -> Pose:
            lm = p.landmarks.copy()
            lm[other_hand, 0] += dx(p.t)
            lm[other_hand, 1] += dy(p.t)
            lm[other_hand, 3] = visibility
            return replace(p, landmarks=lm)

        _, v, _ = features.sequence(moved(p) for p in rec.poses())
        ordered = features.order_arms(v)
        return (0 if np.array_equal(ordered[:, 0], v[:, 0]) else 1), ordered

    # A walker's arm, well seen, swings faster and for longer than the hand that drinks.
    def swing(t):
        return 0.1 * np.sin(2 * np.pi * 1.2 * t)

    def bob(t):
        return 0.01 * np.sin(2 * np.pi * 2.4 * t)

    assert first_arm(swing, bob, 0.95)[0] == acting
    # A guess wandering further up and down than the drinking hand rises: it would be taken if
    # seen alike; barely seen, it counts less.

    def wander(t):
        return 0.15 * np.sin(2 * np.pi * 0.8 * t)

    assert first_arm(lambda t: 0.0, wander, 0.95)[0] == 1 - acting
    guessed, ordered = first_arm(lambda t: 0.0, wander, 0.2)
    assert guessed == acting
    assert ordered[:, seen].mean() > 0.9 > 0.3 > ordered[:, features.N_ARM + seen].mean()


def test_one_euro_filter_removes_jitter_but_follows_moves():
    rng = np.random.default_rng(0)
    f = features.OneEuroFilter()
    t = np.arange(120) / 30
    truth = np.where(t < 2, 0.0, 1.0)  # still, then a jump
    out = np.array([f(np.array([v + rng.normal(0, 0.01)]), ti)[0] for v, ti in zip(truth, t, strict=True)])
    assert np.std(out[10:55] - truth[10:55]) < 0.5 * 0.01  # jitter at rest at least halved
    assert abs(out[-1] - 1.0) < 0.02                   # and the move is followed


def test_bad_labels_file_names_the_problem(tmp_path, capsys):
    bad = tmp_path / "labels.csv"
    bad.write_text("path,label\nx.avi,DRIN\n")
    assert main(["eval", "--labels", str(bad)]) == 2
    assert "'file'" in capsys.readouterr().err


def test_eval_live_without_clips_says_what_to_give(tmp_path, capsys):
    assert main(["eval", "--live"]) == 2
    assert "--biisc DIR" in capsys.readouterr().err
    assert main(["eval", "--live", "--biisc", str(tmp_path)]) == 2  # a folder without BIISC clips
    assert "No BIISC clips" in capsys.readouterr().err


def test_why_names_body_parts_stretches_of_time_and_closest_examples():
    model = training.fit(Library())
    r = online.Recogniser(model)
    explained = None
    for pose in virtual_actor.recording("hand-to-ear", 1003).poses():
        out = r.update(pose)
        if out.moving and out.explain is not None:
            explained = (out.label, out.explain())
    label, why = explained
    assert abs(sum(why.parts.values()) - 1) < 1e-6 and abs(sum(why.times.values()) - 1) < 1e-6
    assert max(why.parts, key=why.parts.get) == "acting arm"  # an arm action is told by the arm
    assert len(why.nearest) == 3 and all(d >= 0 for _, _, d in why.nearest)
    assert [d for _, _, d in why.nearest] == sorted(d for _, _, d in why.nearest)
    # An example the library holds is its own closest example.
    cls = Library()["point"]
    r = online.Recogniser(model)
    for pose in cls.recordings()[0].poses():
        out = r.update(pose)
        if out.moving and out.explain is not None:
            last = out.explain()
    assert any(name == cls.examples[0].name for _, name, _ in last.nearest)


def test_a_library_is_learnt_once_until_its_files_change(tmp_path):
    import shutil

    for name in ("idle", "point"):
        shutil.copytree(Library().root / name, tmp_path / name)
    first = training.fit_library(Library(tmp_path))
    assert training.fit_library(Library(tmp_path)) is first  # every server in the process shares it
    manifest = tmp_path / "point" / "action.json"
    manifest.write_text(manifest.read_text() + "\n")  # same meaning, a changed file
    assert training.fit_library(Library(tmp_path)) is not first


def test_reusing_a_description_changes_no_answer():
    """At 30 fps the recogniser reuses a stretch's description between 10 Hz samples:
    every frame's answer must equal the one computed afresh."""
    lib = Library()
    model = training.fit_library(lib)

    class Afresh(online.Recogniser):
        def _judge(self, frames, times):
            desc, kin = summary.summarise(frames, self.history.fps())
            return desc, kin, self.model.class_proba(desc)

    reused = 0
    for k, action in enumerate(("grasp-to-mouth", "waving", "hand-to-ear")):
        rec = virtual_actor.recording(action, 40 + k, fps=30)
        cached, fresh = online.Recogniser(model), Afresh(model)
        for pose in rec.poses():
            key = cached._judged_key
            a, b = cached.update(pose), fresh.update(pose)
            reused += a.moving and key is not None and cached._judged_key == key
            assert a.scores == b.scores and a.goal == b.goal and a.label == b.label
    assert reused > 50  # the reuse did happen


def test_belief_accumulates_within_a_movement_and_starts_afresh_with_the_next():
    model = training.fit_library(Library())
    r = online.Recogniser(model)
    names = model.names
    prev, onsets, smoothed = None, set(), 0
    rec = virtual_actor.recording("grasp-to-place", 77, fps=30)  # ends with the hand back at rest
    poses = list(rec.poses())
    for pose in poses + [replace(p, t=p.t + rec.duration + 2.0) for p in poses]:  # two movements
        out = r.update(pose)
        if not out.moving:
            prev = None
            continue
        belief = np.array([out.scores[n] for n in names])
        window = np.array([out.window_scores[n] for n in names])
        if prev is None or out.onset not in onsets:  # a movement's first frame: its own window
            onsets.add(out.onset)
            np.testing.assert_allclose(belief, window)
        else:
            a = 1 - np.exp(-(out.t - prev[0]) / online.BELIEF_TAU)
            np.testing.assert_allclose(belief, prev[1] + a * (window - prev[1]), atol=1e-9)
            smoothed += not np.allclose(belief, window)
        prev = (out.t, belief)
    assert len(onsets) == 2 and smoothed > 10


def test_classes_count_in_the_goal_score_by_the_share_of_real_examples():
    """Synthetic classes judge real people's goals near chance, so a library of virtual-actor
    examples is judged by movement evidence alone, a camera-filmed one partly by its classes."""
    from demo.recognition.library import ActionClass

    classes = [ActionClass("grasp-to-mouth", "Drink", "x", True, "the mouth", "#000000"),
               ActionClass("arm-circles", "Circles", "x", False, None, "#000000")]
    virtual = {c.name: [virtual_actor.recording(c.name, 60 + i) for i in range(4)] for c in classes}
    filmed = {n: [replace(r, pose_model="pose_landmarker_full.task") for r in recs] for n, recs in virtual.items()}
    half = {n: virtual[n][:2] + filmed[n][2:] for n in virtual}
    weights = [training.fit(classes, ex).class_weight for ex in (virtual, half, filmed)]
    synthetic, real = training.CLASS_WEIGHT_SYNTHETIC, training.CLASS_WEIGHT_REAL
    np.testing.assert_allclose(weights, [synthetic, (synthetic + real) / 2, real])
    model = training.fit(classes, filmed)
    kin = np.zeros(kinematics.SIZE, np.float32)
    p_kin = float(model.goal_model.proba(kin)[0, 1])
    # All belief on the goal-directed class: the score leans that way by exactly the class weight.
    assert np.isclose(model.goal_score(np.array([1.0, 0.0]), kin), real + (1 - real) * p_kin)


def test_a_new_class_describes_only_its_own_examples_again(monkeypatch):
    """Saving a class retrains on the whole library, but the unchanged examples' windows are
    remembered by content: only the new class's examples (and a changed one) are described."""
    described = []
    real = training.movement_windows
    monkeypatch.setattr(training, "movement_windows", lambda rec: described.append(rec) or real(rec))
    lib = list(Library())
    examples = {c.name: c.recordings()[:3] for c in lib}
    training.fit(lib, examples)
    described.clear()
    new = replace(lib[0], name="my-wave", label="My wave")
    examples[new.name] = [virtual_actor.recording("waving", 950 + i) for i in range(3)]
    moved = examples[lib[1].name][0]
    examples[lib[1].name][0] = replace(moved, landmarks=moved.landmarks + np.float32(0.01))
    model = training.fit([*lib, new], examples)
    assert len(described) == 4 and "my-wave" in model.names

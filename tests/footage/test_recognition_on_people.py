"""Action recognition on real people it has never seen (BIISC), and the commands that judge clips.

Quality is measured as the issue asks: BIISC libraries built with `actions add` from subjects
S001-S005 (all views, standing and walking), tested on S006-S010; the shipped library (nothing
from BIISC in it) on every BIISC clip. The asserted floors are just under the figures the
tests print.
"""


from __future__ import annotations

import csv
import json

import numpy as np

from demo import landmarks
from demo.cli.main import main
from demo.pose import bundles as pose_models
from demo.pose import close_up, extract
from demo.pose.extract import extract_many
from demo.recognition import training
from demo.recognition.clips import classify_recording
from demo.recognition.library import Library

from helpers import GOAL, build_library

FIVE_SHOT_DRAWS = 4


def judge(model, clips):
    results = []
    for c in clips:
        r = classify_recording(model, c["rec"])
        results.append((c["action"], (r.label or "").upper(), r.goal, r.decided_at))
    acc = np.mean([a == p for a, p, _, _ in results])
    y = np.array([GOAL[a] for a, _, _, _ in results if a in GOAL])
    s = np.array([g for a, _, g, _ in results if a in GOAL])
    bal = ((s[y == 1] > 0.5).mean() + (s[y == 0] <= 0.5).mean()) / 2
    decided = [d for a, p, _, d in results if a == p and d is not None]
    return acc, bal, (float(np.median(decided)) if decided else None)


def test_unseen_people_with_a_full_library(biisc_library, biisc_clips):
    model = training.fit_library(biisc_library)  # learnt once for this test and the close-up one
    acc, bal, early = judge(model, [c for c in biisc_clips if c["subject"] > 5])
    print(f"8-way {acc:.3f}, goal vs meaningless {bal:.3f}, decided at {early:.2f}")
    assert acc >= 0.80       # issue target 0.80: met (measured 0.812)
    assert bal >= 0.95       # issue target 0.93: met (measured 0.958)
    assert early <= 0.5      # issue target 0.5: met (measured 0.45)


def test_unseen_people_from_five_examples_per_class(tmp_path, biisc_clips):
    """Averaged over four draws of the five: one draw moves by several points either way."""
    scores = []
    for seed in range(FIVE_SHOT_DRAWS):
        lib = build_library(tmp_path, biisc_clips, per_class=5, seed=seed)
        model = training.fit(lib)  # how long it takes is `bench`'s to report, not a test's
        acc, bal, _ = judge(model, [c for c in biisc_clips if c["subject"] > 5])
        print(f"5 per class, draw {seed}: 8-way {acc:.3f}, goal vs meaningless {bal:.3f}")
        scores.append((acc, bal))
    acc, bal = np.mean(scores, axis=0)
    print(f"5 per class, mean of {FIVE_SHOT_DRAWS} draws: 8-way {acc:.3f}, goal vs meaningless {bal:.3f}")
    assert acc >= 0.55       # issue target 0.55: met on average (measured 0.567)
    assert bal >= 0.88       # issue target 0.88: met on average (measured 0.901)


def test_shipped_library_judges_real_people(biisc_clips):
    model = training.fit(Library())
    _, bal, _ = judge(model, [c for c in biisc_clips if c["action"] in GOAL])
    print(f"shipped library, goal vs meaningless on BIISC: {bal:.3f}")
    assert bal >= 0.85       # issue target 0.85: met (measured 0.873; 0.825 / 0.879 built with seeds 8 / 9)


def test_close_ups_teach_it_visitors_standing_close(tmp_path, biisc_clips, biisc_library, pose_model):
    """A visitor close to the camera: the picture ends at the waist, the hands at rest are outside
    it. Learnt from whole bodies alone, such visitors are recognised less well; `actions add
    --close-ups` also learns each video cropped to its upper body. Tested on S006-S010's standing
    clips cropped the same way (a walker crossing the picture gets no close-up)."""
    standing = [c for c in biisc_clips if c["subject"] > 5 and "_STD_" in c["path"].name]
    crops = [close_up.upper_body(c["rec"]) for c in standing]
    kept = [(c, k) for c, k in zip(standing, crops, strict=True) if k is not None]
    assert len(kept) >= 0.95 * len(standing)
    recs = extract_many([c["path"] for c, _ in kept], pose_model, crops=[k for _, k in kept])
    close = [{**c, "rec": r} for (c, _), r in zip(kept, recs, strict=True)]
    whole_acc, whole_bal, _ = judge(training.fit_library(biisc_library), close)
    model = training.fit(build_library(tmp_path, biisc_clips, close_ups=True))
    acc, bal, _ = judge(model, close)
    all_acc, all_bal, _ = judge(model, [c for c in biisc_clips if c["subject"] > 5])
    print(f"close-ups: learnt from whole bodies 8-way {whole_acc:.3f}, goal {whole_bal:.3f}; "
          f"with close-ups {acc:.3f}, {bal:.3f}; every S006-S010 clip {all_acc:.3f}, {all_bal:.3f}")
    assert acc >= 0.78 and bal >= 0.92  # measured 0.815 / 0.949
    assert acc >= whole_acc + 0.05      # the close-ups are what helps: 0.689 without them
    assert all_acc >= 0.80 and all_bal >= 0.95  # whole bodies lose nothing: 0.817 / 0.954


def test_a_close_up_is_the_upper_body_of_a_person_who_stays_in_the_picture(biisc_clips):
    by_name = {c["path"].name: c["rec"] for c in biisc_clips}
    rec = by_name["S001_M_DRIN_STD_FCE.avi"]
    crop = close_up.upper_body(rec)
    w, h = rec.image_size
    xy = rec.landmarks[rec.seen][:, :, :2] * np.array([w, h])
    hips = np.median(xy[:, [landmarks.INDEX["left_hip"], landmarks.INDEX["right_hip"]], 1])
    nose = np.median(xy[:, landmarks.INDEX["nose"], 1])
    assert crop.y0 < nose < hips and crop.y1 < hips      # the head in, the hips out
    assert 1.5 <= crop.zoom <= close_up.MAX_ZOOM
    assert crop.apply(np.zeros((h, w, 3), np.uint8)).shape[0] == round((crop.y1 - crop.y0) * crop.zoom)
    assert close_up.upper_body(by_name["S001_M_DRIN_WLK_LFT.avi"]) is None  # walks across the picture


def test_classify_and_eval_commands(tmp_path, biisc_clips, capsys):
    picks = ([c for c in biisc_clips if c["subject"] == 6 and c["action"] == "DRIN"][:3]
             + [c for c in biisc_clips if c["subject"] == 6 and c["action"] == "WAVE"][:3])
    rec_paths = []
    for c in picks:
        rec_paths.append(c["rec"].save(tmp_path / c["path"].stem))
    assert main(["classify", "--json", *map(str, rec_paths)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == len(picks)
    for row in rows:
        assert set(row) == {"file", "label", "goal_directed", "scores", "decided_at"}
        assert 0 <= row["goal_directed"] <= 1 and row["label"] in row["scores"]
        assert abs(sum(row["scores"].values()) - 1) < 0.01
    labels = tmp_path / "labels.csv"
    with open(labels, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "label", "goal_directed"])
        for c, p in zip(picks, rec_paths, strict=True):
            w.writerow([p, "", GOAL[c["action"]]])
    plot = tmp_path / "eval.png"
    assert main(["eval", "--labels", str(labels), "--plot", str(plot)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["goal_clips"] == len(picks) and 0 <= report["goal_roc_auc"] <= 1
    assert plot.stat().st_size > 10_000


def test_extraction_is_cached(pose_model, tmp_path, drink_clip, monkeypatch):
    first = extract_many([drink_clip], pose_models.resolve(), cache_dir=tmp_path)
    (cached,) = [p for p in tmp_path.rglob("*") if p.is_file()]
    stamp = cached.stat().st_mtime_ns

    def no_pose(*args, **kwargs):
        raise AssertionError("the pose stage ran although the landmarks were cached")

    monkeypatch.setattr(extract, "extract_video", no_pose)
    again = extract_many([drink_clip], pose_models.resolve(), cache_dir=tmp_path)
    assert len(again[0]) == len(first[0]) == 86
    assert cached.stat().st_mtime_ns == stamp  # the file was reused, not written again

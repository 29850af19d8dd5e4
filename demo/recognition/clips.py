"""Judge a whole clip offline: run the online recogniser over it and report its verdict.

Used by `classify`, `eval` and the lab's measurements; a clip's verdict is what the live page
would have shown for its longest movement, and when the answer settled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demo.recognition.features import sequence
from demo.recognition.online import Recogniser, Recognition
from demo.recognition.summary import summarise
from demo.recognition.training import ActionModel
from demo.recording import Recording


@dataclass
class ClipResult:
    label: str | None
    goal: float
    scores: dict[str, float]
    decided_at: float | None  # fraction of the clip after which the final label held
    timeline: list[tuple[float, str | None]]  # (fraction of the clip, running answer)
    # What the page says once the person stops ("just now: ..."): the clip's last picture
    # held still for HOLD seconds; None when it names nothing.
    verdict: str | None = None


HOLD = 2.0  # seconds: the movement ends (segmenter.END_AFTER, STILL_FOR) well within it


def _verdict_after_a_hold(r: Recogniser, rec: Recording) -> str | None:
    seen = np.flatnonzero(rec.seen)
    if not len(seen):
        return None
    step = 1.0 / rec.fps if rec.fps > 0 else 0.1
    out = None
    for k in range(1, int(round(HOLD / step)) + 1):
        out = r.update(rec.pose(int(seen[-1]), float(rec.t[-1]) + k * step))
    return out.last if out is not None and not out.moving else None


def classify_recording(model: ActionModel, rec: Recording) -> ClipResult:
    """Run the online recogniser over a whole clip and report its verdict (no class, goal 0.5,
    when nobody is seen in it)."""
    if not rec.seen.any():
        return ClipResult(None, 0.5, {n: 0.0 for n in model.names}, None, [], None)
    r = Recogniser(model)
    timeline: list[tuple[float, str | None]] = []
    best: Recognition | None = None
    best_end = 0
    longest = 0.0
    for pose in rec.poses():
        out = r.update(pose)
        # The running answer: the leading class while moving, else the last verdict.
        timeline.append((out.t, out.label if out.moving else out.last))
        if out.moving and out.onset is not None and out.t - out.onset >= longest:
            longest = out.t - out.onset
            best = out
            best_end = len(timeline)
    if best is None:  # nothing moved: judge the whole clip as one window
        t, values, seen = sequence(rec.poses())
        frames = values[seen] if seen.any() else values
        desc, kin = summarise(frames, rec.fps)
        proba = model.class_proba(desc)
        scores = {n: float(p) for n, p in zip(model.names, proba, strict=True)}
        label = model.names[int(np.argmax(proba))]
        return ClipResult(label, model.goal_score(proba, kin), scores, None, timeline)
    label = best.label or max((n for n in best.scores), key=best.scores.get)
    # The earliest moment after which the running answer equals the final one and stays.
    duration = rec.duration
    decided = None
    for t, top in reversed(timeline[:best_end]):
        if top != label:
            break
        decided = t
    def fraction(t: float) -> float:
        return min(1.0, max(0.0, (t - rec.t[0]) / duration))

    frac = None if decided is None else fraction(decided)
    return ClipResult(label, best.goal, best.scores, frac, [(fraction(t), a) for t, a in timeline],
                      _verdict_after_a_hold(r, rec))

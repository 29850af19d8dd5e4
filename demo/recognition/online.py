"""Recognise actions online, frame by frame: class belief, goal-directedness, early decisions.

Method (the evidence for choosing it is in docs/recognition.md): each movement found by
demo/recognition/segmenter.py is summarised, from its start up to now
(demo/recognition/summary.py); the action model (demo/recognition/training.py) gives a
probability for every class, accumulated over the movement, and a goal-directedness score
that mixes the goal-directed classes' share with movement evidence. One `Recogniser` per
stream, fed in time order; it learns nothing and reads no files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from demo.recognition import kinematics
from demo.recognition.features import N_FEATURES, FeatureExtractor, FeatureFrame
from demo.recognition.segmenter import Segmenter
from demo.recognition.summary import IDLE_WINDOW, LEAD_IN, MAX_WINDOW, describe_resampled, resample
from demo.recognition.training import ActionModel
from demo.recognition.why import Why, explain

# Within a movement the class belief is a leaky average of each window's probabilities, with
# this time constant (seconds): evidence accumulates instead of each window judging afresh
# (docs/recognition.md, stage 6, "Accumulated belief").
BELIEF_TAU = 1.0
DECISIVE_P = 0.6               # a class is decided when it has this probability...
DECISIVE_MARGIN = 0.25         # ...and leads the next by this much
NO_ACTION = "no action"
REST = 0.9  # belief in "no action" (and in the idle classes, if any) when the segmenter sees rest


def at_rest(proba: np.ndarray, idle_mask: np.ndarray) -> np.ndarray:
    """Class scores while nobody moves: the idle classes share at least REST, the others the
    rest in their proportions. The segmenter's rest outranks a still window that happens to
    look like the end of an action (a hand lowered after putting something down)."""
    if not idle_mask.any():
        return proba
    idle = float(proba[idle_mask].sum())
    if idle >= REST:
        return proba
    out = np.empty_like(proba)
    out[idle_mask] = (proba[idle_mask] / idle if idle > 0 else 1.0 / idle_mask.sum()) * REST
    out[~idle_mask] = proba[~idle_mask] * (1.0 - REST) / max(1.0 - idle, 1e-9)
    return out



class FrameBuffer:
    """The last MAX_WINDOW seconds of seen feature frames, as one contiguous array.

    Appends go into a preallocated block twice the needed size; when it fills,
    the recent half moves to the front. Reading a window is a slice, not a copy
    of a Python list, which matters at 30 frames a second."""

    def __init__(self, capacity: int = 512) -> None:
        self.values = np.zeros((2 * capacity, N_FEATURES), np.float64)
        self.times = np.zeros(2 * capacity)
        self.capacity = capacity
        self.n = 0

    def append(self, frame: FeatureFrame) -> None:
        if not frame.seen:
            return
        if self.n == len(self.times):
            keep = self.capacity
            self.values[:keep] = self.values[self.n - keep:self.n]
            self.times[:keep] = self.times[self.n - keep:self.n]
            self.n = keep
        self.values[self.n] = frame.values
        self.times[self.n] = frame.t
        self.n += 1

    def since(self, start: float) -> tuple[np.ndarray, np.ndarray]:
        """(values, times) of the frames from `start` (at most MAX_WINDOW back)."""
        start = max(start, self.times[self.n - 1] - MAX_WINDOW) if self.n else start
        i = int(np.searchsorted(self.times[:self.n], start))
        return self.values[i:self.n], self.times[i:self.n]

    def fps(self) -> float:
        i = int(np.searchsorted(self.times[:self.n], self.times[self.n - 1] - 2.0)) if self.n else 0
        span = self.times[self.n - 1] - self.times[i] if self.n else 0.0
        return (self.n - 1 - i) / span if span > 0 else 30.0


@dataclass
class Recognition:
    """The recogniser's view of one frame (sent to the page in `state`)."""

    t: float
    moving: bool
    scores: dict[str, float]          # every class, summing to 1
    no_action: float                  # belief that nothing meaningful is happening
    label: str | None                 # the leading class while moving (None: no action)
    goal: float                       # 0 meaningless ... 1 goal-directed
    onset: float | None               # when the current movement began
    decided: str | None = None        # the class decided in this movement, once decisive
    decided_at: float | None = None   # when it became decisive (seconds)
    last: str | None = None           # the decision of the last finished movement
    last_goal: float | None = None
    last_ended: float | None = None   # when that movement ended (seconds)
    kinematics: dict[str, float] = field(default_factory=dict)
    # The current window's class probabilities alone, before accumulation: what the mirror
    # units are driven by (their own leaky dynamics integrate it; integrating twice made
    # intention units lag behind the hand).
    window_scores: dict[str, float] = field(default_factory=dict)
    # Computes "why" on demand (the lecture page asks; nobody else pays for it). None at rest.
    explain: Callable[[], Why] | None = field(default=None, repr=False, compare=False)


class Recogniser:
    """Stateful per stream: `update(pose)` on every frame, in time order."""

    def __init__(self, model: ActionModel) -> None:
        self.model = model
        self.features = FeatureExtractor()
        self.segmenter = Segmenter()
        self.history = FrameBuffer()
        self._decided: tuple[str, float] | None = None
        self._leader: str | None = None
        self._leader_since: float | None = None
        self.last: str | None = None
        self.last_goal: float | None = None
        self.last_ended: float | None = None
        self._last_rec: Recognition | None = None
        self._judged_key: tuple | None = None
        self._judged: tuple[np.ndarray, np.ndarray, np.ndarray] = (np.zeros(0),) * 3
        # (movement onset, time, belief): a new onset starts the belief afresh.
        self._belief: tuple[float, float, np.ndarray] | None = None

    def reset(self) -> None:
        self.__init__(self.model)

    def update(self, pose) -> Recognition:
        return self.update_features(self.features.update(pose))

    def update_features(self, frame: FeatureFrame) -> Recognition:
        t = frame.t
        self.history.append(frame)
        was = self.segmenter.current
        move = self.segmenter.update(t, frame.values, frame.seen)
        if was is not None and move is None and self._last_rec is not None:
            # A movement just ended: its verdict is its final answer, named only if still sure
            # (an early decision the end no longer supports is not stated; docs/recognition.md).
            self.last = self._last_rec.label
            self.last_goal = self._last_rec.goal
            self.last_ended = t
            self._decided = None
            self._leader = self._leader_since = None
        start = (move.start - LEAD_IN) if move is not None else t - IDLE_WINDOW
        frames, times = self.history.since(start)
        names = self.model.names
        if len(frames) == 0:
            scores = {n: 0.0 for n in names}
            rec = Recognition(t, False, scores, 1.0, None, 0.5, None, last=self.last, last_goal=self.last_goal,
                              last_ended=self.last_ended)
            self._last_rec = None
            return rec
        desc, kin, window = self._judge(frames, times)
        moving = move is not None
        proba = self._accumulate(t, move.start, window) if moving else window
        # The classes' share of the goal score reads the accumulated belief too (docs/recognition.md).
        goal = self.model.goal_score(proba, kin) if moving else 0.5
        idle_mask = self.model.idle_mask
        if not moving:
            proba = at_rest(proba, idle_mask)
        p_idle = float(proba[idle_mask].sum())
        no_action = p_idle if moving else max(p_idle, REST)
        acting = np.where(idle_mask, -1.0, proba)
        best = int(np.argmax(acting))
        # Named only while moving, ahead of "no action", and sure enough (else "watching").
        label = names[best] if moving and proba[best] >= max(p_idle, self.model.sure) else None
        self._track_decision(t, proba, label)
        rec = Recognition(
            t=t, moving=moving, scores={n: float(p) for n, p in zip(names, proba, strict=True)},
            no_action=no_action, label=label, goal=goal,
            onset=move.start if move is not None else None,
            decided=self._decided[0] if self._decided else None,
            decided_at=self._decided[1] if self._decided else None,
            last=self.last, last_goal=self.last_goal, last_ended=self.last_ended,
            kinematics={k: float(v) for k, v in zip(kinematics.NAMES, kin, strict=True)},
            window_scores={n: float(p) for n, p in zip(names, window, strict=True)})
        if label is not None:
            model = self.model
            rec.explain = lambda: explain(model.class_model, desc, best, model.examples)
        self._last_rec = rec if moving else None
        return rec

    def _judge(self, frames: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(descriptor, kinematic evidence, class probabilities) of a stretch,
        remembered while its resampled frames stay the same.

        At 30 fps a stretch described at 10 frames a second gains a frame every third
        camera frame; in between the same frames would give the same answer again."""
        idx, fps = resample(len(frames), self.history.fps())
        key = (float(times[0]), idx.tobytes(), fps)
        if key != self._judged_key:
            desc, kin = describe_resampled(frames[idx], fps)
            proba = self.model.class_proba(desc)
            self._judged_key, self._judged = key, (desc, kin, proba)
        return self._judged

    def _accumulate(self, t: float, onset: float, proba: np.ndarray) -> np.ndarray:
        """The movement's class belief: a leaky average of its windows' probabilities.

        A single window can flicker (a cough's hand passing the ear looks like a call for a
        moment); accumulated evidence holds the answer the movement as a whole supports,
        while a time constant of a second still lets a movement that changes course win."""
        if self._belief is None or self._belief[0] != onset:
            belief = proba
        else:
            _, last, before = self._belief
            a = 1.0 - np.exp(-max(t - last, 0.0) / BELIEF_TAU)
            belief = before + a * (proba - before)
        self._belief = (onset, t, belief)
        return belief

    def _track_decision(self, t: float, proba: np.ndarray, label: str | None) -> None:
        """A class is decided once it leads clearly; a change of leader undoes it."""
        if label is None:
            return
        order = np.sort(proba)[::-1]
        clear = order[0] >= DECISIVE_P and order[0] - order[1] >= DECISIVE_MARGIN
        if label != self._leader:
            self._leader, self._leader_since = label, t
            if self._decided and self._decided[0] != label:
                self._decided = None
        if clear and self._decided is None:
            self._decided = (label, t)

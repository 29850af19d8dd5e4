"""Recognise actions online: class evidence, goal-directedness, early decisions.

Method (the evidence for choosing it is in docs/recognition.md): each
movement found by demo/recognition/segmenter.py is summarised, from its start up to
now, by demo/recognition/descriptor.py; a one-hidden-layer network (demo/recognition/classifier.py)
trained on the library's examples, and on their beginnings so that it can
guess early, gives a probability for every class. Goal-directedness mixes
the probability of goal-directed classes with kinematic evidence
(demo/recognition/kinematics.py) weighed by a second small model, learnt from the
library's examples and blended with one learnt from the shipped library
(demo/recognition/movement_model.py), so a movement unlike any class can still be
judged aimed or aimless. Training takes seconds and no deep network. This
module learns and infers; it does not read files (demo/recognition/library.py,
demo/recognition/movement_model.py) or send anything.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from demo import config
from demo.errors import DemoError
from demo.recognition import classifier, descriptor, kinematics, movement_model
from demo.recognition.features import N_FEATURES, FeatureExtractor, FeatureFrame, sequence
from demo.recognition.library import ActionClass, Library
from demo.recognition.segmenter import Segmenter
from demo.recognition.trim import longest_span
from demo.recognition.why import Example, Why, explain
from demo.recording import SYNTHETIC_POSE_MODEL, Recording

PREFIXES = (0.5, 0.75, 1.0)   # training windows: the first half, three quarters and all of a movement
PREFIX_WEIGHTS = (0.5, 0.75, 1.0)
# More training windows: the movement without its first tenth, its last tenth, or 15% at both
# ends (fraction from, fraction to, weight). Where the online segmenter starts and ends a
# movement varies from person to person; learning from these crops made BIISC 8-way (library
# S001-S005, whole movements of S006-S010) 0.69 -> 0.73; cropping more did not add more.
CROPS = ((0.1, 1.0, 0.7), (0.0, 0.9, 0.7), (0.15, 0.85, 0.5))
LEAD_IN = 0.3                  # seconds before the movement's start included in its window
MAX_WINDOW = 8.0               # seconds
SUMMARY_RATE = 10.0            # frames per second that a stretch is described at
MAX_FRAMES = 80                # frames summarised at most (thinned evenly beyond): MAX_WINDOW at that rate
IDLE_WINDOW = 1.5              # seconds summarised when nothing moves
# Within a movement the class belief is a leaky average of each window's probabilities, with
# this time constant (seconds): evidence accumulates instead of each window judging afresh.
# Chosen on both halves of BIISC (docs/recognition.md): 8-way 0.775 -> 0.783 and 0.712 -> 0.746
# at 1 s; 0.5 s gained less, 2 s and more lost (the beginning outweighed the end).
BELIEF_TAU = 1.0
DECISIVE_P = 0.6               # a class is decided when it has this probability...
DECISIVE_MARGIN = 0.25         # ...and leads the next by this much
HIDDEN = 64                    # hidden units of the class model
L2 = 3e-3
# Goal-directedness: the share of the goal-directed classes' probability in the score (the rest
# is movement evidence), for a library of examples filmed by real cameras and for one of
# synthetic examples (the virtual actor; motion capture through the virtual camera); a mixed
# library lies between, by its share of real examples. Measured (docs/recognition.md): real
# classes add to movement evidence on unseen people; synthetic classes judge real people's
# goals near chance (0.56 balanced on BIISC, against 0.70 for movement evidence alone).
CLASS_WEIGHT_REAL = 0.4
CLASS_WEIGHT_SYNTHETIC = 0.0
NO_ACTION = "no action"


@dataclass
class ClassInfo:
    name: str
    label: str
    goal_directed: bool
    colour: str
    explanation: str
    goal: str | None
    idle: bool


@dataclass
class Model:
    classes: list[ClassInfo]
    class_model: classifier.ShallowNet
    goal_model: classifier.Softmax | movement_model.Blend  # two classes: meaningless, goal-directed
    examples: list[Example] = field(default_factory=list)  # for "why": each example's whole movement
    class_weight: float = CLASS_WEIGHT_REAL  # how much the classes count in goal_score

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.classes]

    def class_proba(self, desc: np.ndarray) -> np.ndarray:
        return self.class_model.proba(desc)[0]

    def __post_init__(self) -> None:
        self.goal_mask = np.array([c.goal_directed and not c.idle for c in self.classes])
        self.idle_mask = np.array([c.idle for c in self.classes])
        self._goal_weights = self.goal_mask.astype(np.float64)  # a dot product, not two masked sums, per frame
        self._acting_weights = (~self.idle_mask).astype(np.float64)

    def goal_score(self, proba: np.ndarray, kin: np.ndarray) -> float:
        p_goal = float(proba @ self._goal_weights) / max(float(proba @ self._acting_weights), 1e-6)
        p_kin = float(self.goal_model.proba(kin)[0, 1])
        # Either alone can mislead (a cough looks like drinking; a slow wave like a
        # reach). Movement evidence carries more weight because it transfers to
        # actions the library has never seen (measured: docs/recognition.md).
        return self.class_weight * p_goal + (1 - self.class_weight) * p_kin


def resample(n: int, fps: float) -> tuple[np.ndarray, float]:
    """Which of n frames at `fps` describe a stretch, and their rate: frames nearest to
    SUMMARY_RATE (slower streams are kept as they are), thinned evenly to MAX_FRAMES.

    How fast a channel wobbles or turns depends on the rate it is sampled at, so the
    library (15 fps recordings, 10 fps videos) and a 30 fps camera must be described at
    one rate. It also bounds the cost per frame whatever the camera's rate (speeds were
    measured on the real clock before, so resampling does not change them)."""
    idx = np.arange(n)
    if fps > SUMMARY_RATE * 1.05 and n > 1:
        idx = np.arange(0.0, n, fps / SUMMARY_RATE).round().astype(int)
        idx, fps = idx[idx < n], SUMMARY_RATE
    if len(idx) > MAX_FRAMES:
        fps = fps * MAX_FRAMES / len(idx)
        idx = idx[np.linspace(0, len(idx) - 1, MAX_FRAMES).round().astype(int)]
    return idx, fps


def summarise(frames: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """A stretch of feature frames -> (class descriptor, kinematic evidence)."""
    idx, fps = resample(len(frames), fps)
    return describe_resampled(np.asarray(frames)[idx], fps)


def describe_resampled(frames: np.ndarray, fps: float) -> tuple[np.ndarray, np.ndarray]:
    """summarise() of frames already chosen by resample(), at their rate `fps`."""
    ordered = descriptor.order_arms(np.asarray(frames, np.float64))
    return descriptor.describe(ordered, fps, ordered=True), kinematics.evidence(ordered, fps, ordered=True)


def _info(c: ActionClass) -> ClassInfo:
    return ClassInfo(c.name, c.label, c.goal_directed, c.colour, c.explanation, c.goal, c.kind == "idle")


def movement_windows(rec: Recording) -> list[tuple[np.ndarray, float, bool]]:
    """(feature frames, weight, cropped) windows used to learn from one example.

    Prefixes teach early guesses; crops (`cropped`) teach the classes to tolerate where a
    movement was cut. The kinematic goal model learns from the prefixes only: a crop
    without its ending would teach it that aimed movements need not settle."""
    t, values, seen = sequence(rec.poses())
    if not seen.any():
        return []
    span = longest_span(t, values, seen)  # the longest movement is the example's action
    lo, hi = (span[0] - LEAD_IN, span[1]) if span is not None else (t[0], t[-1])
    inside = seen & (t >= lo) & (t <= hi)
    frames = values[inside]
    if len(frames) < 3:
        frames = values[seen]
    out = []
    n = len(frames)
    for frac, w in zip(PREFIXES, PREFIX_WEIGHTS, strict=True):
        out.append((frames[:max(3, int(round(n * frac)))], w, False))
    for lo, hi, w in CROPS:
        start = int(lo * n)
        out.append((frames[start:max(start + 3, int(hi * n))], w, True))
    return out


def fit(library: Library | list[ActionClass], examples: dict[str, list[Recording]] | None = None,
        own_movement_model: bool = False) -> Model:
    """Train on every example of every class.

    The movement (goal) model is learnt from these examples and blended with the built-in
    one (demo/recognition/movement_model.py); with `own_movement_model` it is theirs alone."""
    classes = list(library)
    if len(classes) < 2:
        raise DemoError("The recogniser needs at least two action classes.",
                        "Add classes with `python -m demo actions add`.")
    xs, ys, ws, kins, goals, whole = [], [], [], [], [], []
    real = filmed = 0
    for k, cls in enumerate(classes):
        recs = examples[cls.name] if examples is not None else cls.recordings()
        names = [p.name for p in cls.examples] if examples is None else []
        for i, rec in enumerate(recs):
            filmed += 1
            real += rec.pose_model != SYNTHETIC_POSE_MODEL
            for frames, w, cropped in movement_windows(rec):
                desc, kin = summarise(frames, rec.fps)
                xs.append(desc)
                ys.append(k)
                ws.append(w)
                if not cropped:
                    kins.append(kin)
                    goals.append(int(cls.goal_directed and cls.kind != "idle"))
                if w == PREFIX_WEIGHTS[-1] and not cropped:  # the whole movement: what "why" compares with
                    whole.append((names[i] if i < len(names) else rec.source or f"{cls.name} {i + 1}",
                                  cls.label, desc))
    if not xs:
        raise DemoError("The action library has no usable examples.",
                        "Each class needs example recordings in which a person is seen.")
    net = classifier.fit_net(np.array(xs), np.array(ys), len(classes), hidden=HIDDEN, l2=L2,
                             sample_weight=np.array(ws))
    goal = (movement_model.learn(np.array(kins), np.array(goals)) if own_movement_model
            else movement_model.for_library(np.array(kins), np.array(goals), filmed))
    stored = [Example(name, label, (d - net.mean) / net.scale) for name, label, d in whole]
    weight = CLASS_WEIGHT_SYNTHETIC + (CLASS_WEIGHT_REAL - CLASS_WEIGHT_SYNTHETIC) * real / max(1, filmed)
    return Model([_info(c) for c in classes], net, goal, stored, weight)


_FITTED: dict[tuple, Model] = {}
_FITTED_LOCK = threading.Lock()
_FITTED_KEEP = 4


def fit_library(library: Library) -> Model:
    """`fit`, remembered while the library's files stay as they are.

    Every server started in one process (a restarted hub, a test suite's dozens) learns the same
    files once instead of each time (3.5 s for the shipped library). A fitted model is never
    changed afterwards, so sharing it is safe; a changed, added or removed file (the built-in
    movement model's too) is a new key."""
    files = sorted(p for p in library.root.rglob("*") if p.is_file()) if library.root.is_dir() else []
    files += [p for p in (config.MOVEMENT_MODEL,) if p.is_file()]
    key = (str(library.root.resolve()),
           tuple((str(p), st.st_size, st.st_mtime_ns) for p, st in ((p, p.stat()) for p in files)))
    with _FITTED_LOCK:
        model = _FITTED.get(key)
    if model is None:
        model = fit(library)
        with _FITTED_LOCK:
            _FITTED[key] = model
            while len(_FITTED) > _FITTED_KEEP:  # bounded: the oldest goes
                _FITTED.pop(next(iter(_FITTED)))
    return model


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
    kinematics: dict[str, float] = field(default_factory=dict)
    # The current window's class probabilities alone, before accumulation: what the mirror
    # units are driven by (their own leaky dynamics integrate it; integrating twice made
    # intention units lag behind the hand).
    window_scores: dict[str, float] = field(default_factory=dict)
    # Computes "why" on demand (the lecture page asks; nobody else pays for it). None at rest.
    explain: Callable[[], Why] | None = field(default=None, repr=False, compare=False)


class Recogniser:
    """Stateful per stream: `update(pose)` on every frame, in time order."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.features = FeatureExtractor()
        self.segmenter = Segmenter()
        self.history = FrameBuffer()
        self._decided: tuple[str, float] | None = None
        self._leader: str | None = None
        self._leader_since: float | None = None
        self.last: str | None = None
        self.last_goal: float | None = None
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
            # A movement just ended: remember its verdict for the page and for `classify`.
            self.last = self._decided[0] if self._decided else self._last_rec.label
            self.last_goal = self._last_rec.goal
            self._decided = None
            self._leader = self._leader_since = None
        start = (move.start - LEAD_IN) if move is not None else t - IDLE_WINDOW
        frames, times = self.history.since(start)
        names = self.model.names
        if len(frames) == 0:
            scores = {n: 0.0 for n in names}
            rec = Recognition(t, False, scores, 1.0, None, 0.5, None, last=self.last, last_goal=self.last_goal)
            self._last_rec = None
            return rec
        desc, kin, window = self._judge(frames, times)
        moving = move is not None
        proba = self._accumulate(t, move.start, window) if moving else window
        # The classes' share of the goal score reads the accumulated belief too: on both halves
        # of BIISC 0.950 -> 0.950 and 0.896 -> 0.921, five a class 0.826 -> 0.834 (window alone).
        goal = self.model.goal_score(proba, kin) if moving else 0.5
        idle_mask = self.model.idle_mask
        p_idle = float(proba[idle_mask].sum())
        no_action = p_idle if moving else max(p_idle, 0.9)
        acting = np.where(idle_mask, -1.0, proba)
        best = int(np.argmax(acting))
        label = names[best] if moving and proba[best] >= p_idle else None
        self._track_decision(t, proba, label)
        rec = Recognition(
            t=t, moving=moving, scores={n: float(p) for n, p in zip(names, proba, strict=True)},
            no_action=no_action, label=label, goal=goal,
            onset=move.start if move is not None else None,
            decided=self._decided[0] if self._decided else None,
            decided_at=self._decided[1] if self._decided else None,
            last=self.last, last_goal=self.last_goal,
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


@dataclass
class ClipResult:
    label: str | None
    goal: float
    scores: dict[str, float]
    decided_at: float | None  # fraction of the clip after which the final label held
    timeline: list[tuple[float, str | None]]  # (fraction of the clip, running answer)


def classify_recording(model: Model, rec: Recording) -> ClipResult:
    """Run the online recogniser over a whole clip and report its verdict."""
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
    return ClipResult(label, best.goal, best.scores, frac, [(fraction(t), a) for t, a in timeline])

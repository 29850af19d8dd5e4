"""Learn an action model from a library's examples: the class network and the movement model.

Each example gives several windows (its beginnings, so that the network can guess early, and
crops, so that it tolerates where a movement was cut); a one-hidden-layer network
(demo/recognition/classifier.py) learns the classes, and a small model of aimed vs aimless
movement (demo/recognition/movement_model.py) learns goal-directedness. `fit` reads the
examples through the library; `fit_library` remembers fitted models per process. Nothing here
runs per frame (demo/recognition/online.py does) or sends anything.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from demo import config
from demo.errors import DemoError
from demo.recognition import classifier, movement_model
from demo.recognition.confidence import DEFAULT_SURE
from demo.recognition.features import sequence
from demo.recognition.library import ActionClass, Library
from demo.recognition.summary import LEAD_IN, summarise
from demo.recognition.trim import longest_span
from demo.recognition.why import Example
from demo.recording import SYNTHETIC_POSE_MODEL, Recording

PREFIXES = (0.5, 0.75, 1.0)   # training windows: the first half, three quarters and all of a movement
PREFIX_WEIGHTS = (0.5, 0.75, 1.0)
# More training windows, so the classes tolerate where the segmenter cut a movement (it varies
# from person to person): without its first tenth, its last tenth, or 15% at both ends
# (fraction from, fraction to, weight). Why these: docs/recognition.md, "Why this method".
CROPS = ((0.1, 1.0, 0.7), (0.0, 0.9, 0.7), (0.15, 0.85, 0.5))
NET = classifier.NetShape(hidden=64, l2=3e-3)  # the class model
# Goal-directedness: the share of the goal-directed classes' probability in the score (the rest
# is movement evidence), for a library of examples filmed by real cameras and for one of
# synthetic examples; a mixed library lies between, by its share of real examples. Synthetic
# classes judge real people's goals near chance (docs/recognition.md, "The shipped library").
CLASS_WEIGHT_REAL = 0.4
CLASS_WEIGHT_SYNTHETIC = 0.0


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
class ActionModel:
    classes: list[ClassInfo]
    class_model: classifier.ShallowNet
    goal_model: classifier.Softmax | movement_model.Blend  # two classes: meaningless, goal-directed
    examples: list[Example] = field(default_factory=list)  # for "why": each example's whole movement
    class_weight: float = CLASS_WEIGHT_REAL  # how much the classes count in goal_score
    # A class is named only when its score reaches this (demo/recognition/confidence.py).
    sure: float = DEFAULT_SURE

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


@dataclass(frozen=True)
class Window:
    """One training window of an example, described: what the class network and the movement model learn."""

    desc: np.ndarray
    kin: np.ndarray
    weight: float
    cropped: bool


# Examples' described windows, by content: a library saved with one new class learns only that
# class's examples anew (about 40% of a retrain was describing the unchanged ones). Bounded: about
# 20 KB an example.
_DESCRIBED: OrderedDict[bytes, list[Window]] = OrderedDict()
_DESCRIBED_KEEP = 1024
_DESCRIBED_LOCK = threading.Lock()


def _content_key(rec: Recording) -> bytes:
    h = hashlib.blake2b(digest_size=20)
    for a in (rec.t, rec.landmarks, rec.world):
        h.update(np.ascontiguousarray(a).tobytes())
    h.update(repr((rec.fps, tuple(rec.image_size))).encode())
    return h.digest()


def described_windows(rec: Recording) -> list[Window]:
    """movement_windows(rec), each described (summarise), remembered by the recording's content."""
    key = _content_key(rec)
    with _DESCRIBED_LOCK:
        found = _DESCRIBED.get(key)
        if found is not None:
            _DESCRIBED.move_to_end(key)
            return found
    out = [Window(*summarise(frames, rec.fps), w, cropped) for frames, w, cropped in movement_windows(rec)]
    with _DESCRIBED_LOCK:
        _DESCRIBED[key] = out
        while len(_DESCRIBED) > _DESCRIBED_KEEP:
            _DESCRIBED.popitem(last=False)
    return out


def fit(library: Library | list[ActionClass], examples: dict[str, list[Recording]] | None = None,
        own_movement_model: bool = False, sure: float | None = None) -> ActionModel:
    """Train on every example of every class.

    The movement (goal) model is learnt from these examples and blended with the built-in
    one (demo/recognition/movement_model.py); with `own_movement_model` it is theirs alone.
    `sure`: the threshold for naming a class; None: the library's calibrated one, if any."""
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
            for win in described_windows(rec):
                xs.append(win.desc)
                ys.append(k)
                ws.append(win.weight)
                if not win.cropped:
                    kins.append(win.kin)
                    goals.append(int(cls.goal_directed and cls.kind != "idle"))
                if win.weight == PREFIX_WEIGHTS[-1] and not win.cropped:  # the whole movement: what "why" uses
                    whole.append((names[i] if i < len(names) else rec.source or f"{cls.name} {i + 1}",
                                  cls.label, win.desc))
    if not xs:
        raise DemoError("The action library has no usable examples.",
                        "Each class needs example recordings in which a person is seen.")
    # One BLAS thread: the network's products are small, and beside pose or another process the
    # threads wait on each other (shipped library on a busy 2-core machine: 0.8 s against 2.5 s).
    with threadpool_limits(1, user_api="blas"):
        net = classifier.fit_net(np.array(xs), np.array(ys), len(classes), np.array(ws), NET)
        goal = (movement_model.learn(np.array(kins), np.array(goals)) if own_movement_model
                else movement_model.for_library(np.array(kins), np.array(goals), filmed))
    stored = [Example(name, label, (d - net.mean) / net.scale) for name, label, d in whole]
    weight = CLASS_WEIGHT_SYNTHETIC + (CLASS_WEIGHT_REAL - CLASS_WEIGHT_SYNTHETIC) * real / max(1, filmed)
    if sure is None:
        sure = (library.sure() if isinstance(library, Library) else None) or DEFAULT_SURE
    return ActionModel([_info(c) for c in classes], net, goal, stored, weight, sure)


_FITTED: dict[tuple, ActionModel] = {}
_FITTED_LOCK = threading.Lock()
_FITTED_KEEP = 4


def fit_library(library: Library) -> ActionModel:
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

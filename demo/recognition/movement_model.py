"""The built-in model of aimed against aimless movement, shared by every library.

The goal-directedness score weighs a movement's kinematic evidence
(demo/recognition/kinematics.py) with a small logistic model. That model is learnt once,
from the shipped library's examples (the virtual actor and HDM05 motion
capture, nothing from research-only data), by `python -m demo actions
rebuild-defaults`, and stored in models/movement-model.json: what makes a
movement aimed does not depend on which classes a developer adds, and a few
examples of them teach it worse than the shipped library does (measured on
BIISC, docs/recognition.md, "One movement model for every library"). So a
library's own movement model is blended with the built-in one, which counts
as much as the examples it was learnt from: a few examples lean on it, many
take over (and teach what only they know, such as a cough being no goal).
A library's own classes count in the score besides (demo/recognition/training.py, `ActionModel.goal_score`).

This module learns, stores and loads that model. It does not describe
movements or read action libraries.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from demo import config
from demo.errors import ModelCorruptError
from demo.recognition import classifier, kinematics

L2 = 0.1
FORMAT = 1
log = logging.getLogger(__name__)


def balanced(labels: np.ndarray) -> np.ndarray | None:
    """Weights under which aimed and aimless windows count the same in all.

    Otherwise the model's prior would be its library's mix of classes: the shipped
    library has five goal-directed classes and three others, and judged real people's
    movements aimed too readily (docs/recognition.md, "The shipped library")."""
    share = float(labels.mean()) if len(labels) else 0.0
    if not 0.0 < share < 1.0:
        return None
    return np.where(labels == 1, 0.5 / share, 0.5 / (1.0 - share))


def learn(evidence: np.ndarray, aimed: np.ndarray) -> classifier.Softmax:
    """(N, kinematics.SIZE) evidence of training windows, 1 where aimed -> the model."""
    aimed = np.asarray(aimed)
    return classifier.fit(np.asarray(evidence), aimed, 2, l2=L2, sample_weight=balanced(aimed))


@dataclass(frozen=True)
class Builtin:
    model: classifier.Softmax
    examples: int  # how many example recordings it was learnt from


@dataclass(frozen=True)
class Blend:
    """A library's own movement model and the built-in one, by weight `builtin_share`."""

    own: classifier.Softmax
    builtin: classifier.Softmax
    builtin_share: float

    def proba(self, x: np.ndarray) -> np.ndarray:
        return (1.0 - self.builtin_share) * self.own.proba(x) + self.builtin_share * self.builtin.proba(x)


def for_library(evidence: np.ndarray, aimed: np.ndarray, examples: int) -> classifier.Softmax | Blend:
    """The movement model of a library with `examples` example recordings, whose training
    windows have this evidence: its own, blended with the built-in one when there is one."""
    own = learn(evidence, aimed)
    builtin = load()
    if builtin is None:
        return own
    return Blend(own, builtin.model, builtin.examples / (builtin.examples + max(0, examples)))


def save(model: classifier.Softmax, examples: int, path: Path | None = None) -> Path:
    path = Path(path or config.MOVEMENT_MODEL)
    data = {
        "format": FORMAT,
        "about": "Aimed (goal-directed) vs aimless movement from kinematic evidence; learnt from the shipped "
                 "action library by `python -m demo actions rebuild-defaults` "
                 "(demo/recognition/movement_model.py).",
        "examples": int(examples),
        "evidence": list(kinematics.NAMES),
        "mean": model.mean.tolist(), "scale": model.scale.tolist(),
        "weights": model.weights.tolist(), "bias": model.bias.tolist(),
    }
    # Written beside it and moved into place: a server loading it meanwhile never reads half a file.
    part = path.with_name(path.name + ".part")
    part.write_text(json.dumps(data, indent=1) + "\n")
    part.replace(path)
    with _LOCK:
        _LOADED.clear()
    return path


_LOCK = threading.Lock()
_LOADED: dict[tuple, Builtin | None] = {}
_FIX = "Restore it with `git checkout models/movement-model.json`, or remake it with " \
       "`python -m demo actions rebuild-defaults --hdm05 DIR`."


def load(path: Path | None = None) -> Builtin | None:
    """The stored model, or None when there is no file (a library then learns its own).

    Remembered while the file stays as it is. A file that cannot be read raises a
    ModelCorruptError naming the file and what is wrong with it."""
    path = Path(path or config.MOVEMENT_MODEL)
    try:
        st = path.stat()
    except FileNotFoundError:
        with _LOCK:
            if ("missing", str(path)) not in _LOADED:
                _LOADED[("missing", str(path))] = None
                log.warning("No built-in movement model at %s: each library learns its own from its examples, "
                            "which judges goals less well. %s", path, _FIX)
        return None
    key = (str(path), st.st_size, st.st_mtime_ns)
    with _LOCK:
        if key in _LOADED:
            return _LOADED[key]
    model = _parse(path)
    with _LOCK:
        _LOADED[key] = model
    return model


def _parse(path: Path) -> Builtin:
    def bad(what: str) -> ModelCorruptError:
        return ModelCorruptError(f"The movement model {path} {what}.", _FIX)

    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise bad(f"cannot be read ({e})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise bad(f"is not in format {FORMAT}")
    if data.get("evidence") != list(kinematics.NAMES):
        raise bad(f"was learnt from other kinematic evidence ({data.get('evidence')!r}, "
                  f"expected {list(kinematics.NAMES)!r})")
    n = kinematics.SIZE
    shapes = {"mean": (n,), "scale": (n,), "weights": (n, 2), "bias": (2,)}
    arrays = {}
    for name, shape in shapes.items():
        try:
            a = np.asarray(data.get(name), np.float32)
        except (TypeError, ValueError):
            raise bad(f"has a non-numeric field {name!r}") from None
        if a.shape != shape or not np.isfinite(a).all():
            raise bad(f"has a field {name!r} of shape {a.shape} or with non-finite values; expected {shape}")
        arrays[name] = a
    if (arrays["scale"] <= 0).any():
        raise bad("has a field 'scale' with values that are not positive")
    examples = data.get("examples")
    if not isinstance(examples, int) or isinstance(examples, bool) or examples < 1:
        raise bad(f"has a field 'examples' of {examples!r}; expected how many examples it was learnt from")
    return Builtin(classifier.Softmax(**arrays), examples)

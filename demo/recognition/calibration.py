"""Choose a library's "sure" threshold by cross-validation over its own examples.

Each example is judged by a model trained without it (without its whole group, when groups
say which examples share a person), through the same online path the page uses
(demo/recognition/clips.py); the threshold is then chosen on those answers
(demo/recognition/confidence.py). Runs offline (`actions calibrate`, `eval --cv`), never per
frame; it writes nothing (the library stores the result).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import GroupKFold, StratifiedKFold

from demo.errors import DemoError
from demo.recognition.clips import classify_recording
from demo.recognition.confidence import choose_sure
from demo.recognition.library import ActionClass
from demo.recognition.training import fit
from demo.recording import Recording

FOLDS = 4


@dataclass
class Answers:
    """The held-out answers of a cross-validation: the leading score, and whether it was right."""

    confidence: np.ndarray
    correct: np.ndarray

    @property
    def sure(self) -> float:
        return choose_sure(self.confidence, self.correct)


def _splits(truth: np.ndarray, groups: np.ndarray | None, folds: int):
    if groups is not None:
        return GroupKFold(min(folds, len(set(groups.tolist())))).split(truth, truth, groups)
    smallest = int(np.bincount(truth).min())
    if smallest < 2:
        raise DemoError("Calibrating needs at least two examples of every class.",
                        "Record more examples of the classes with one.")
    return StratifiedKFold(min(folds, smallest), shuffle=True, random_state=0).split(truth, truth)


def held_out_answers(classes: Sequence[ActionClass], examples: dict[str, list[Recording]],
                     groups: dict[str, list[str]] | None = None, folds: int = FOLDS) -> Answers:
    """Each example's answer from a model that never saw it (nor its group, if `groups`
    gives each example's group, e.g. the person)."""
    items = [(k, rec) for k, c in enumerate(classes) for rec in examples[c.name]]
    truth = np.array([k for k, _ in items])
    group = (np.array([g for c in classes for g in groups[c.name]]) if groups is not None else None)
    confidence, correct = np.zeros(len(items)), np.zeros(len(items), bool)
    for train, test in _splits(truth, group, folds):
        chosen = set(train.tolist())
        model = fit(list(classes), {c.name: [rec for i, (k, rec) in enumerate(items) if i in chosen and k == j]
                                    for j, c in enumerate(classes)})
        for i in test:
            scores = classify_recording(model, items[i][1]).scores
            best = max(scores, key=scores.get)
            confidence[i], correct[i] = scores[best], best == classes[truth[i]].name
    return Answers(confidence, correct)

"""Person-grouped cross-validation of the whole recogniser: the honest measure (`eval --cv`).

Folds hold out whole people (scikit-learn's GroupKFold): each fold's model is trained on the
other people's clips only, and every choice it makes (its "sure" threshold, by an inner
cross-validation over the training people) sees only them. Each held-out clip goes through
the online path the page uses (demo/recognition/clips.py). Reports each fold, the mean and
the worst fold, and how calibrated the answers are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import GroupKFold

from demo.lab.evaluation import Item, summarise
from demo.recognition.calibration import Answers, held_out_answers
from demo.recognition.clips import classify_recording
from demo.recognition.confidence import expected_calibration_error, reliability
from demo.recognition.library import ActionClass
from demo.recognition.training import ActionModel, fit
from demo.recording import Recording


@dataclass(frozen=True)
class Labelled:
    """A clip to learn from or to judge: its landmarks and what it shows."""

    name: str
    recording: Recording
    action: str                 # class name
    goal_directed: bool | None  # None: not judged (a reflex)
    person: str


@dataclass(frozen=True)
class Plan:
    """How to cross-validate: folds of people; `per_class` examples a class drawn `draws` times
    (None: every training clip)."""

    folds: int = 5
    per_class: int | None = None
    draws: int = 1


def _draw(train: list[int], clips: Sequence[Labelled], per_class: int | None, seed: int) -> list[int]:
    if per_class is None:
        return train
    rng = np.random.default_rng(seed)
    out = []
    for action in sorted({clips[i].action for i in train}):
        pool = [i for i in train if clips[i].action == action]
        out += sorted(rng.choice(pool, min(per_class, len(pool)), replace=False).tolist())
    return out


def _examples(classes: Sequence[ActionClass], clips: Sequence[Labelled], idx: list[int], what: Callable):
    return {c.name: [what(clips[i]) for i in idx if clips[i].action == c.name] for c in classes}


def _judge(model: ActionModel, clips: Sequence[Labelled], idx) -> tuple[list[Item], Answers, list[str | None]]:
    items, conf, right, verdicts = [], [], [], []
    for i in idx:
        c = clips[i]
        res = classify_recording(model, c.recording)
        best = max(res.scores, key=res.scores.get)
        items.append(Item(c.name, c.action, None if c.goal_directed is None else int(c.goal_directed),
                          best, res.goal, res.decided_at, res.timeline))
        conf.append(res.scores[best])
        right.append(best == c.action)
        verdicts.append(res.verdict)
    return items, Answers(np.array(conf), np.array(right, bool)), verdicts


def _fold(classes: Sequence[ActionClass], clips: Sequence[Labelled], train: list[int],
          test: list[int]) -> tuple[dict, list[Item], Answers]:
    examples = _examples(classes, clips, train, lambda c: c.recording)
    inner = held_out_answers(classes, examples, _examples(classes, clips, train, lambda c: c.person))
    model = fit(list(classes), examples, sure=inner.sure)
    items, answers, verdicts = _judge(model, clips, test)
    report = summarise(items)
    stated = answers.confidence >= model.sure
    report.update(people=sorted({clips[i].person for i in test}), sure=model.sure, training_clips=len(train),
                  stated=float(stated.mean()),
                  stated_accuracy=float(answers.correct[stated].mean()) if stated.any() else None,
                  **_verdict_figures(verdicts, [clips[i].action for i in test]))
    return report, items, answers


def _verdict_figures(verdicts: list[str | None], truth: list[str]) -> dict:
    """The page's "just now" verdicts: right share of clips, and right share of those it named."""
    named = [(v, t) for v, t in zip(verdicts, truth, strict=True) if v is not None]
    return {"verdict_right": float(np.mean([v == t for v, t in zip(verdicts, truth, strict=True)])),
            "verdict_right_when_named": float(np.mean([v == t for v, t in named])) if named else None}


def cross_validate(classes: Sequence[ActionClass], clips: Sequence[Labelled], plan: Plan | None = None,
                   log: Callable[[str], None] = print) -> dict:
    plan = plan or Plan()
    people = np.array([c.person for c in clips])
    folds = list(GroupKFold(plan.folds).split(np.zeros(len(clips)), groups=people))
    reports, everything, conf, right = [], [], [], []
    for draw in range(plan.draws):
        for k, (train, test) in enumerate(folds):
            train = _draw(train.tolist(), clips, plan.per_class, seed=1000 * draw + k)
            report, items, answers = _fold(classes, clips, train, test.tolist())
            report.update(fold=k, draw=draw)
            reports.append(report)
            everything += items
            conf.append(answers.confidence)
            right.append(answers.correct)
            log(f"draw {draw} fold {k} ({', '.join(report['people'])}): 8-way {report['accuracy']:.3f}, "
                f"goal {report.get('goal_balanced_accuracy', float('nan')):.3f}, sure {report['sure']:.2f}, "
                f"stated {report['stated']:.2f} ({report['stated_accuracy'] or 0:.3f} right)")
    conf_all, right_all = np.concatenate(conf), np.concatenate(right)
    return {"plan": {"folds": plan.folds, "per_class": plan.per_class, "draws": plan.draws},
            "folds": reports, **_spread(reports, ("accuracy", "goal_balanced_accuracy", "stated",
                                                  "stated_accuracy", "verdict_right", "verdict_right_when_named")),
            "expected_calibration_error": expected_calibration_error(conf_all, right_all),
            "reliability": reliability(conf_all, right_all),
            "pooled": summarise(everything)}


def _spread(reports: list[dict], keys: Sequence[str]) -> dict:
    """Mean and worst over folds of each figure (the worst is the lowest)."""
    out = {}
    for key in keys:
        values = [r[key] for r in reports if r.get(key) is not None]
        if values:
            out[key] = {"mean": float(np.mean(values)), "worst": float(np.min(values))}
    return out

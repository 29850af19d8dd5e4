"""Measure a recogniser on labelled clips: accuracy, confusions, goal vs meaningless, earliness.

Pure computation on lists of results, plus an optional plot. It does not
train or classify (demo/recognition/training.py and clips.py do).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class Item:
    file: str
    truth: str | None          # class name, when the labels give one
    goal_truth: int | None     # 1 goal-directed, 0 meaningless, None unknown
    label: str | None          # predicted class
    goal: float                # predicted goal-directedness
    decided_at: float | None   # fraction of the clip when the answer became final
    timeline: list[tuple[float, str | None]]  # (fraction of clip, running answer)


def roc_auc(y: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve (probability a positive outranks a negative)."""
    pos, neg = score[y == 1], score[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (len(pos) * len(neg)))


def balanced_accuracy(y: np.ndarray, pred: np.ndarray) -> float:
    parts = [float((pred[y == c] == c).mean()) for c in (0, 1) if (y == c).any()]
    return float(np.mean(parts)) if parts else float("nan")


def early_curve(items: list[Item], fractions: np.ndarray) -> np.ndarray:
    """Accuracy of the running answer when only the first f of each clip has been seen."""
    scored = [i for i in items if i.truth is not None]
    out = []
    for f in fractions:
        right = 0
        for it in scored:
            answer = None
            for frac, lab in it.timeline:
                if frac > f:
                    break
                answer = lab
            right += answer == it.truth
        out.append(right / max(1, len(scored)))
    return np.array(out)


def summarise(items: list[Item]) -> dict:
    report: dict = {"clips": len(items)}
    named = [i for i in items if i.truth is not None]
    if named:
        labels = sorted({i.truth for i in named} | {i.label for i in named if i.label})
        index = {c: k for k, c in enumerate(labels)}
        cm = np.zeros((len(labels), len(labels)), int)
        for i in named:
            if i.label in index:
                cm[index[i.truth], index[i.label]] += 1
        report["accuracy"] = float(np.mean([i.label == i.truth for i in named]))
        report["confusion"] = {"labels": labels, "matrix": cm.tolist()}
        decided = [i.decided_at for i in named if i.label == i.truth and i.decided_at is not None]
        report["median_decided_at"] = float(np.median(decided)) if decided else None
        fr = np.linspace(0.1, 1.0, 10)
        report["early_curve"] = {"fraction": fr.round(2).tolist(),
                                 "accuracy": early_curve(items, fr).round(3).tolist()}
    judged = [i for i in items if i.goal_truth is not None]
    if judged:
        y = np.array([i.goal_truth for i in judged])
        s = np.array([i.goal for i in judged])
        report["goal_balanced_accuracy"] = balanced_accuracy(y, (s > 0.5).astype(int))
        report["goal_roc_auc"] = roc_auc(y, s)
        report["goal_clips"] = len(judged)
    return report


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _confusion(ax, report: dict) -> None:
    cm = np.array(report["confusion"]["matrix"])
    labels = report["confusion"]["labels"]
    ax.imshow(cm, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    for (r, c), v in np.ndenumerate(cm):
        ax.text(c, r, str(v), ha="center", va="center", color="black" if v < cm.max() / 2 else "white")
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"accuracy {report['accuracy']:.2f}")


def plot_cv(report: dict, out: Path) -> Path:
    """Cross-validation: the pooled confusion matrix and the reliability diagram."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    _confusion(axes[0], report["pooled"])
    bins = [b for b in report["reliability"] if b["count"]]
    ax = axes[1]
    ax.plot([0, 1], [0, 1], color="#999999", linestyle="--", label="calibrated")
    ax.bar([(b["from"] + b["to"]) / 2 for b in bins], [b["accuracy"] for b in bins], width=0.09,
           color="#0072b2", alpha=0.7, label="accuracy in the bin")
    ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], marker="o", color="#d55e00",
            label="mean score vs accuracy")
    for b in bins:
        ax.text((b["from"] + b["to"]) / 2, 0.02, str(b["count"]), ha="center", fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("score of the leading class")
    ax.set_ylabel("share right")
    ax.set_title(f"reliability: expected calibration error {report['expected_calibration_error']:.3f}")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return Path(out)


def plot(report: dict, out: Path) -> Path:
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(12, 5))
    if "confusion" in report:
        _confusion(axes[0], report)
        ec = report["early_curve"]
        axes[1].plot(ec["fraction"], ec["accuracy"], marker="o", color="#0072b2")
        axes[1].set_xlabel("fraction of the clip seen")
        axes[1].set_ylabel("accuracy of the running answer")
        axes[1].set_ylim(0, 1)
        axes[1].set_title("early recognition")
    if "goal_balanced_accuracy" in report:
        goal = (f"goal vs meaningless: balanced {report['goal_balanced_accuracy']:.2f}, "
                f"AUC {report['goal_roc_auc']:.2f}")
        axes[1].set_title(f"{axes[1].get_title()} | {goal}", fontsize=9)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return Path(out)

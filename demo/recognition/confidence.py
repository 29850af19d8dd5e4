"""When the recogniser may name a class: the "sure" threshold, and how calibrated its scores are.

A named class is a claim to a visitor. The threshold on the leading class's score is the one
that maximises right claims minus WRONG_COST times wrong ones on answers the model has not
been trained on (cross-validation); below it the page says it is still watching. Pure
functions on arrays: nothing here trains, classifies or reads files (demo/recognition/
calibration.py runs the cross-validation that feeds them).
"""

from __future__ import annotations

import numpy as np

# A wrong claim costs twice what a right one gains: with calibrated scores the break-even
# threshold is 2/3, the default before a library has been calibrated.
WRONG_COST = 2.0
DEFAULT_SURE = WRONG_COST / (1.0 + WRONG_COST)
# Candidate thresholds: never below a coin flip between two classes, never so high that
# nothing is ever named.
CANDIDATES = np.round(np.arange(0.40, 0.951, 0.05), 2)
BINS = 10  # reliability diagram and expected calibration error: ten equal-width bins


def choose_sure(confidence: np.ndarray, correct: np.ndarray) -> float:
    """The candidate threshold with the most right minus WRONG_COST x wrong claims
    (ties: the lower threshold, which names more)."""
    confidence, correct = np.asarray(confidence, float), np.asarray(correct, bool)
    if not len(confidence):
        return DEFAULT_SURE
    gains = [float(np.sum(correct[confidence >= c]) - WRONG_COST * np.sum(~correct[confidence >= c]))
             for c in CANDIDATES]
    return float(CANDIDATES[int(np.argmax(gains))])


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int = BINS) -> list[dict]:
    """Per confidence bin: its range, how many answers, their mean confidence and accuracy."""
    confidence, correct = np.asarray(confidence, float), np.asarray(correct, bool)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    out = []
    for b in range(bins):
        m = which == b
        out.append({"from": round(float(edges[b]), 2), "to": round(float(edges[b + 1]), 2), "count": int(m.sum()),
                    "confidence": float(confidence[m].mean()) if m.any() else None,
                    "accuracy": float(correct[m].mean()) if m.any() else None})
    return out


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = BINS) -> float:
    """Sum over bins of (share of answers) x |mean confidence - accuracy| (Guo et al. 2017)."""
    n = len(confidence)
    if not n:
        return float("nan")
    return float(sum(b["count"] / n * abs(b["confidence"] - b["accuracy"])
                     for b in reliability(confidence, correct, bins) if b["count"]))

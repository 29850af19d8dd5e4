"""Why the recogniser said what it said: body parts, stretch of time, closest examples.

For the leading class, each descriptor value's share of the evidence is its
standardised value times the class's local weight minus the other classes'
mean local weight (the gradient of the logits at this movement: for a linear
model the exact decomposition of its logit difference, for the class network
its first-order one).
Those shares are summed by body part (the acting arm, the other arm, the
body, the head) and by stretch of the movement (its start, each third, its
end), and the stored examples nearest to the movement are named. For the
lecture page's "why" view; it explains, and must not change any decision.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demo.recognition import descriptor
from demo.recognition.features import N_ARM, SHARED_CHANNELS

PARTS = ("acting arm", "other arm", "body", "head")
TIMES = ("start", "first third", "middle third", "last third", "end")
NEAREST = 3

_SHARED_PART = {"d_hands": "acting arm", "width": "body", "body_speed": "body", "lean": "body",
                "head_pitch": "head", "head_speed": "head", "far_hand_face": "other arm",
                "head_fwd3": "head", "head_up3": "head"}
# Statistics of the descriptor that belong to one stretch of the movement.
_TIME_OF_STAT = {"first": "start", "first third": "first third", "middle third": "middle third",
                 "last third": "last third", "last": "end"}


def _part(c: int) -> int:
    if c < N_ARM:
        return PARTS.index("acting arm")
    if c < 2 * N_ARM:
        return PARTS.index("other arm")
    return PARTS.index(_SHARED_PART[SHARED_CHANNELS[c - 2 * N_ARM]])


_PART_OF = np.array([_part(c) for c in descriptor.CHANNEL_OF])
_TIME_MASKS = {name: descriptor.STAT_OF == stat for stat, name in _TIME_OF_STAT.items()}


@dataclass
class Example:
    name: str
    label: str
    desc: np.ndarray  # standardised descriptor of the whole example movement


@dataclass
class Why:
    parts: dict[str, float]      # share of the evidence for the leading class, by body part (sums to 1)
    times: dict[str, float]      # share of the time-resolved evidence, by stretch of the movement
    nearest: list[tuple[str, str, float]]  # (class, example, distance) of the closest stored examples


def explain(model, desc: np.ndarray, leader: int, examples: list[Example]) -> Why:
    """`model`: a demo/recognition/classifier.py model (standardisation and `local_weights`)."""
    xs = (np.asarray(desc, np.float64) - model.mean) / model.scale
    w = model.local_weights(desc)
    against = (w.sum(axis=1) - w[:, leader]) / max(1, w.shape[1] - 1)
    share = xs * (w[:, leader] - against)
    positive = np.clip(share, 0.0, None)  # what spoke for the class
    total = positive.sum() or 1.0
    parts = {p: float(positive[_PART_OF == i].sum() / total) for i, p in enumerate(PARTS)}
    timed = {name: float(positive[mask].sum()) for name, mask in _TIME_MASKS.items()}
    timed_total = sum(timed.values()) or 1.0
    times = {name: timed[name] / timed_total for name in TIMES}
    nearest = []
    if examples:
        d = np.linalg.norm(np.stack([e.desc for e in examples]) - xs, axis=1) / np.sqrt(len(xs))
        for i in np.argsort(d)[:NEAREST]:
            nearest.append((examples[i].label, examples[i].name, float(d[i])))
    return Why(parts, times, nearest)

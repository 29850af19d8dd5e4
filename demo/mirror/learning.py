"""How the plastic units' seen weights follow experience: named rules, one object per model.

The shipped rule is "contingency" (Heyes 2010; Cook et al. 2010): a seen action comes to drive
a unit when the unit's own action is done more often after seeing it than otherwise,

    dP_ij = P(doing i | action j seen) - P(doing i | j not seen)
    W_i   = max(0, W0_i + strength dP_i), scaled down to the unit's norm budget B_i

with the probabilities time-weighted over the last `window` seconds of experience (with
learning on) and shrunk towards no contingency while little has been seen (`prior`). Pairing
by chance leaves dP near zero, so a day of unrelated seeing and doing keeps the shipped tuning;
seeing A and then doing B, again and again, re-maps the B units. Two rules switch a mechanism
off, for the tests' negative controls: "contiguity" (P(doing i | j seen) alone: pairing counts,
unpaired events do not) and "hebb" (each pairing adds to the weights for good, Hebb's rule with
multiplicative normalisation, Oja 1982). This module keeps the statistics; it must not run the
units' dynamics.
"""

from __future__ import annotations

import math

import numpy as np

from demo.mirror.params import Learning

MIN_COMMAND = 0.1  # hebb: doing counts while the motor command is at least this
MIN_EVIDENCE = 0.05  # hebb: seeing counts while some class has this much belief


class Associations:
    """The plastic units' seen weights under one rule.

    `start(weights)` sets the weights learning starts from (W0) and forgets the statistics;
    `update(dt, seen, doing, above_rest, frozen)` takes one step of experience and returns the
    new weights of the plastic units."""

    def __init__(self, params: Learning, budget: np.ndarray) -> None:
        self.params = params
        self.budget = budget  # (P,) each plastic unit's weight norm when trained
        self.start(np.zeros((len(budget), 0)))

    def start(self, weights: np.ndarray) -> None:
        self.w0 = weights.copy()
        self.weights = weights.copy()
        units, classes = weights.shape
        self.time = 0.0                      # s of experience in the window
        self.seen = np.zeros(classes)        # s-weighted: each class seen
        self.doing = np.zeros(units)         # s-weighted: each unit's action done
        self.both = np.zeros((units, classes))

    def update(self, dt: float, seen: np.ndarray, doing: np.ndarray, above_rest: np.ndarray,
               frozen: np.ndarray) -> np.ndarray:
        """One step: `seen` (K,) the lingering seen evidence, `doing` (P,) each unit's own motor
        command, `above_rest` (P,) its rate above rest as a fraction of r_max; `frozen` (P,) units
        (lesioned) keep their weights and statistics as they are."""
        before = self.weights
        if self.params.rule == "hebb":
            after = self._hebb(dt, seen, doing, above_rest)
        else:
            after = self._contingency(dt, seen, doing, frozen)
        if frozen.any():
            after[frozen] = before[frozen]
        self.weights = after
        return after

    def _contingency(self, dt: float, seen: np.ndarray, doing: np.ndarray, frozen: np.ndarray) -> np.ndarray:
        keep = math.exp(-dt / self.params.window)
        self.time = keep * self.time + dt
        self.seen = keep * self.seen + dt * seen
        # A frozen unit's rows stand still: neither forgotten nor added to.
        decay, add = np.where(frozen, 1.0, keep), np.where(frozen, 0.0, dt)
        self.doing = decay * self.doing + add * doing
        self.both = decay[:, None] * self.both + add[:, None] * np.outer(doing, seen)
        after_seen = self.both / np.maximum(self.seen, 1e-9)
        if self.params.rule == "contingency":
            otherwise = (self.doing[:, None] - self.both) / np.maximum(self.time - self.seen, 1e-9)
            after_seen = after_seen - np.clip(otherwise, 0.0, 1.0)
        sure = self.seen / (self.seen + self.params.prior)  # little seen yet: little learnt
        return self._bounded(self.w0 + self.params.strength * sure * after_seen)

    def _hebb(self, dt: float, seen: np.ndarray, doing: np.ndarray, above_rest: np.ndarray) -> np.ndarray:
        if doing.max(initial=0.0) >= MIN_COMMAND and seen.max(initial=0.0) >= MIN_EVIDENCE:
            return self._bounded(self.weights + self.params.rate * dt * above_rest[:, None] * seen[None, :])
        return self.weights.copy()

    def _bounded(self, w: np.ndarray) -> np.ndarray:
        w = np.maximum(w, 0.0)
        norm = np.linalg.norm(w, axis=1)
        w *= np.minimum(1.0, self.budget / np.maximum(norm, 1e-12))[:, None]
        return w

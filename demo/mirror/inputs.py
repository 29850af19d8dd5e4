"""The model's two input channels, as plain records.

Observation: what the recogniser reports of the person in view (class
evidence, goal-directedness, movement phase). Execution: what the model's own
agent is doing. This module converts; it must not hold state or run dynamics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Observation:
    evidence: np.ndarray       # (K,) belief in each action class while a movement is seen, else zeros
    goal: float = 0.5          # goal-directedness of the seen movement, 0..1
    moving: bool = False
    phase: float | None = None  # seconds since the seen movement began (None: nothing moving)
    context: np.ndarray | None = None  # (K,) the goal the scene offers (a cup: to the mouth), else None

    @classmethod
    def nothing(cls, k: int) -> Observation:
        return cls(np.zeros(k))


@dataclass(frozen=True)
class Execution:
    action: int | None = None  # index of the performed action class
    active: float = 0.0        # motor command strength 0..1 (0: at rest)
    phase: float = 0.0         # fraction of the performance done

    def vector(self, k: int) -> np.ndarray:
        e = np.zeros(k)
        if self.action is not None:
            e[self.action] = self.active
        return e


def observe(recognition, names: list[str]) -> Observation:
    """A recogniser output (demo.recognition.online.Recognition or None) as the observation channel."""
    if recognition is None or not recognition.moving:
        return Observation.nothing(len(names))
    scores = recognition.window_scores  # the window's own evidence: the units integrate it themselves
    evidence = np.array([scores.get(n, 0.0) for n in names], float)
    phase = None if recognition.onset is None else max(0.0, recognition.t - recognition.onset)
    return Observation(evidence, float(recognition.goal), True, phase)

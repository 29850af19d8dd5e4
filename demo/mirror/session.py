"""One stream's mirror system: the population, the agent, and how they are trained.

Each frame, `update(t, recognition)` turns what the recogniser saw into the
observation channel, asks the agent what it is doing (the execution
channel), runs one step of the units, and returns a Snapshot. Training
modes make the agent answer what it sees: "imitation" does the same action
(builds mirror units), "counter" does a different one (Heyes 2010; Catmur et
al. 2007: counter-mirror training re-maps them). Commands (act, learning,
train, reset) may come from any thread; they are queued and applied at the
next frame by the stream's own worker, so the model has one writer.
This module must not know about sockets or pages.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from demo.errors import DemoError
from demo.mirror.agent import Agent, AgentFrame, Examples, figure_at_rest
from demo.mirror.inputs import Execution, Observation, observe
from demo.mirror.model import MirrorUnits, Step
from demo.mirror.params import Params
from demo.mirror.population import Population, actions_of, build

log = logging.getLogger(__name__)

# How the model answers: "imitation" does what it saw, "counter" another action, "random" any
# action at all (pairing without contingency: nothing is learnt); "imitated" acts on its own and
# the visitor copies it (the pairing then comes from the visitor, not from the recogniser's label).
TRAINING_MODES = ("off", "imitation", "counter", "random", "imitated")
WEIGHTS = ("default", "untrained")
LONG_MOVEMENT = 4.0  # s: a seen movement still going after this long is answered before it ends
IMITATED_PAUSE = 2.0  # s of the visitor standing still before the model, being imitated, acts again
MATRIX_EVERY = 1.0  # s between two copies of the seen -> done weight matrix in the snapshots


class MirrorCommandError(DemoError):
    code = "bad_control"


@dataclass
class Snapshot:
    step: Step
    observation: Observation
    execution: Execution
    agent: AgentFrame | None
    training: str
    learning: bool
    attract: bool = False       # nobody in view for a while: the model acts to invite visitors
    weights: str = "default"    # "default" (shipped) or "untrained", + "+learnt" once learning changed them
    scene: str | None = None    # the goal the scene offers
    lesions: tuple[str, ...] = ()  # regions silenced
    matrix: np.ndarray | None = None  # (K, K) seen -> done weights, about once a second (else None)


def counter_map(names: list[str]) -> dict[str, str]:
    """Each action to another one (the next in name order): the counter-mirror pairing."""
    order = sorted(names)
    return {a: order[(i + 1) % len(order)] for i, a in enumerate(order)} if len(order) > 1 else {}


class MirrorSystem:
    def __init__(self, classes: Iterable, params: Params, examples: Examples | None = None,
                 seed: int | None = None) -> None:
        self.params = params
        self.population: Population = build(params, actions_of(classes))
        self.model = MirrorUnits(self.population, seed)
        self.agent = Agent(examples, seed=self.model.seed)
        self.training = "off"
        self._answered: float | None = None  # onset of the long seen movement the agent answered
        self._was_moving = False
        self.attracting = False  # inviting visitors (set by the kiosk's policy, demo/live/kiosk.py)
        self.context: str | None = None  # the goal the scene offers (the lecture sets it; Fogassi's cue)
        self._seen_label: str | None = None
        self._still_since: float | None = None  # being imitated: since when nobody moves
        self._led = 0                            # being imitated: how many actions the model has led
        self._matrix_at: float | None = None     # stream time of the last weight matrix sent
        self._commands: list = []
        self._lock = threading.Lock()

    @property
    def names(self) -> list[str]:
        return self.population.names

    # --- commands (any thread) -------------------------------------------------
    def _queue(self, fn) -> None:
        with self._lock:
            self._commands.append(fn)

    def act(self, action: str | None) -> None:
        """Let the model perform `action` now (None: stop)."""
        if action is not None and action not in self.names:
            raise MirrorCommandError(f"The model has no action {action!r}.",
                                     f"Choose one of: {', '.join(self.names)}.")
        if action is not None and not self.agent.can_perform(action):
            raise MirrorCommandError(f"The model cannot act out {action!r}: the virtual actor has no script "
                                     "for it and the class has no example with a person in view.",
                                     "Record an example of it (python -m demo actions add).")
        self._queue(lambda t: self.agent.act(action, t) if action else self.agent.stop())

    def set_context(self, action: str | None) -> None:
        """What the scene offers, as the goal it affords (a cup: grasp-to-mouth); None: nothing."""
        goals = [a.name for a in self.population.actions if a.goal_directed]
        if action is not None and action not in goals:
            raise MirrorCommandError(f"The scene can offer only a goal, not {action!r}: only goal-directed "
                                     "classes have a chain of goal units.",
                                     f"Choose one of: {', '.join(goals)}, or null for nothing.")
        self._queue(lambda t: setattr(self, "context", action))

    def lesion(self, regions: list) -> None:
        """Silence the units of these regions (STS, PF, F5 by their keys); [] restores them."""
        keys = [r.key for r in self.params.regions]
        if len(regions) > len(keys) or any(r not in keys for r in regions):
            raise MirrorCommandError(f"Lesions name regions: {', '.join(keys)}; not {str(regions)[:80]}.",
                                     "Send a list of region keys, [] for none.")
        self._queue(lambda t: self.model.lesion(tuple(regions)))

    def set_learning(self, on: bool) -> None:
        self._queue(lambda t: setattr(self.model, "learning", bool(on)))

    def train(self, mode: str) -> None:
        if mode not in TRAINING_MODES:
            raise MirrorCommandError(f"Unknown training mode {mode!r}.",
                                     f"Use one of: {', '.join(TRAINING_MODES)}.")
        self._queue(lambda t: setattr(self, "training", mode))

    def reset(self, weights: str = "default") -> None:
        if weights not in WEIGHTS:
            raise MirrorCommandError(f"Unknown weights {weights!r}.", f"Use one of: {', '.join(WEIGHTS)}.")
        self._queue(lambda t: self.model.reset(weights))

    def adopt(self, classes: Iterable) -> None:
        """The library changed: rebuild the population, keeping what existing units learned."""
        population = build(self.params, actions_of(classes))
        self._queue(lambda t: self._adopt(population))

    def _adopt(self, population: Population) -> None:
        self.population = population
        self.model.adopt(population)
        if self.agent.current is not None and self.agent.current.action not in population.names:
            self.agent.stop()

    def apply_commands(self, t: float) -> None:
        with self._lock:
            commands, self._commands = self._commands, []
        for fn in commands:
            try:
                fn(t)
            except Exception:  # checked when queued; should one still fail, the stream goes on
                log.exception("a mirror model command failed")

    # --- the frame ----------------------------------------------------------------
    def _answer(self, t: float, recognition) -> None:
        """In a training mode, the agent answers each seen movement once, when it ends.

        Answering at the end uses the recogniser's final verdict rather than an
        early guess (a grasp-to-mouth starts out looking like reach-to-grasp); a
        movement that goes on and on (arm circles) is answered once decided."""
        moving = recognition is not None and recognition.moving
        was, self._was_moving = self._was_moving, moving
        if moving:
            self._seen_label = recognition.decided or recognition.label or self._seen_label
        if self.training == "imitated":
            self._lead(t, moving)
            return
        if self.training == "off" or self.agent.busy:
            return
        seen = None
        if was and not moving:  # ended, or the person left: the verdict, else the last label seen
            seen = (recognition.last if recognition is not None else None) or self._seen_label
            self._seen_label = None
        elif moving and recognition.decided is not None and recognition.onset is not None \
                and t - recognition.onset >= LONG_MOVEMENT and recognition.onset != self._answered:
            seen = recognition.decided
            self._answered = recognition.onset
        if seen is None or seen not in self.names:
            return
        if self.training == "imitation":
            target = seen
        elif self.training == "counter":
            target = counter_map(self.names).get(seen, seen)
        else:  # random
            target = self.names[int(self.agent.rng.integers(len(self.names)))]
        if self.agent.can_perform(target):
            self.agent.act(target, t)

    def _lead(self, t: float, moving: bool) -> None:
        """Being imitated: the model acts, in turn, each action it invites visitors with, once the
        visitor has stood still for IMITATED_PAUSE after the last one."""
        if self.agent.busy or moving:
            self._still_since = None
            return
        if self._still_since is None:
            self._still_since = t
        if t - self._still_since >= IMITATED_PAUSE and self.invite(t, self._led):
            self._led += 1
            self._still_since = None

    def attract_actions(self) -> list[str]:
        """What the model performs to invite visitors: goal-directed actions, then one aimless one."""
        pop = self.population
        goal = [a.name for a in pop.actions if a.goal_directed and self.agent.can_perform(a.name)]
        aimless = [a.name for a in pop.actions if not a.goal_directed and self.agent.can_perform(a.name)]
        return goal + aimless[:1]

    def invite(self, t: float, turn: int) -> bool:
        """Perform the `turn`-th of the actions that invite visitors; False when there is none."""
        actions = self.attract_actions()
        if actions:
            self.agent.act(actions[turn % len(actions)], t)
        return bool(actions)

    def forget(self) -> None:
        """Forget the last visitor: shipped weights, learning and training off, no scene."""
        self.model.reset("default")
        self.model.learning = False
        self.training = "off"
        self.context = None
        self.model.lesion(())

    def update(self, t: float, recognition) -> Snapshot:
        """One frame at stream time t: what the recogniser says (None: nothing)."""
        self.apply_commands(t)
        self._answer(t, recognition)
        return self.step(t, observe(recognition, self.names))

    def step(self, t: float, obs: Observation) -> Snapshot:
        """One step with a given observation (the agent supplies the execution)."""
        self.apply_commands(t)
        frame = self.agent.at(t)
        exe = Execution()
        if frame is not None and frame.action in self.names:
            exe = Execution(self.names.index(frame.action), frame.command, frame.phase)
        if self.context in self.names:
            obs = replace(obs, context=np.eye(len(self.names))[self.names.index(self.context)])
        step = self.model.step(t, obs, exe)
        weights = self.model.weights_from + ("+learnt" if self.model.weights_changed else "")
        matrix = None
        if self._matrix_at is None or not 0 <= t - self._matrix_at < MATRIX_EVERY:
            matrix, self._matrix_at = self.weight_matrix(), t
        return Snapshot(step, obs, exe, frame, self.training, self.model.learning, self.attracting, weights,
                        self.context, self.model.lesions, matrix)

    def weight_matrix(self) -> np.ndarray:
        """(K, K): row a, column b, the mean seen weight on action b of the plastic units that do a."""
        pop, k = self.population, len(self.names)
        plastic = np.flatnonzero(pop.plastic)
        out = np.zeros((k, k))
        for a in range(k):
            rows = plastic[pop.pref[plastic] == a]
            if len(rows):
                out[a] = self.model.weights[rows].mean(axis=0)
        return out


def layout(classes: Iterable, params: Params) -> dict:
    """The population's layout for these classes (regions, units, their classes), as pages draw it."""
    return {**build(params, actions_of(classes)).layout(), "figure_at_rest": figure_at_rest()}

"""The model's own body: it performs an action class, to be seen and to drive its units.

A performance comes from the virtual actor (demo/synth/virtual_actor.py) for the
classes it has a script for, and otherwise from one of the class's example
recordings, so a class a developer adds can be acted too. The agent reports,
for any moment, its figure (landmarks to draw), the action, how far along it
is, and its motor command (0 at rest, 1 while the hands move towards and
hold the goal). It keeps its own clock (the stream's seconds). It must not
run the units or know about the page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from demo.landmarks import INDEX
from demo.recording import Recording
from demo.synth import virtual_actor
from demo.synth.virtual_camera import Camera, film_points

FPS = 30.0
MOVING = 0.12          # m/s: a wrist faster than this is moving
RAMP = 0.15            # s: the motor command rises and falls this smoothly
BODY = virtual_actor.Body(height=1.72, handed="right", build=1.0)  # one agent, always the same figure
CAMERA = Camera(distance=2.7, height=1.15, yaw_deg=0.0, noise=0.0)
_WRISTS = [INDEX["left_wrist"], INDEX["right_wrist"]]

Examples = Callable[[str], Recording | None]


@dataclass
class Performance:
    action: str
    t: np.ndarray               # (n,) seconds from the start
    landmarks: np.ndarray       # (n, 33, 4) float32, image coordinates, for drawing
    command: np.ndarray         # (n,) motor command 0..1
    marks: dict[str, float] = field(default_factory=dict)  # named moments, seconds

    @property
    def duration(self) -> float:
        return float(self.t[-1]) if len(self.t) else 0.0


@dataclass
class AgentFrame:
    action: str
    phase: float                # 0..1 of the performance
    command: float              # motor command 0..1
    landmarks: np.ndarray       # (33, 4) float32


def motor_command(t: np.ndarray, wrists: np.ndarray) -> np.ndarray:
    """0..1 from the first to the last movement of either wrist, with soft edges.

    wrists: (n, 2, 3) positions in metres. Holds inside the action (the cup at
    the mouth) keep the command on: the action is not over while the goal is held."""
    speed = np.zeros(len(t))
    if len(t) > 1:
        step = np.linalg.norm(np.diff(wrists, axis=0), axis=-1).max(axis=1) / np.maximum(np.diff(t), 1e-6)
        speed[1:] = step
    moving = np.flatnonzero(speed > MOVING)
    if not len(moving):
        return np.zeros(len(t))
    start, end = t[moving[0]], t[moving[-1]]
    rise = np.clip((t - start) / RAMP + 1.0, 0.0, 1.0)
    fall = np.clip((end - t) / RAMP + 1.0, 0.0, 1.0)
    return np.minimum(rise, fall)


def perform(action: str, rng: np.random.Generator, examples: Examples | None = None) -> Performance:
    """One performance of `action`: scripted if the virtual actor knows it, else an example replayed."""
    if action in virtual_actor.SCRIPTS:
        points, marks = virtual_actor.perform_marked(action, rng, BODY)
        t, lm, world = film_points(points, virtual_actor.FPS, CAMERA, FPS)
        wrists = points[::max(1, int(round(virtual_actor.FPS / FPS)))][:, _WRISTS]
        return Performance(action, t, lm, motor_command(t, wrists[:len(t)]), marks)
    rec = examples(action) if examples is not None else None
    if rec is None or not rec.seen.any():
        raise KeyError(f"the agent cannot perform {action!r}: no script and no example recording with a person")
    keep = rec.seen
    t = rec.t[keep] - rec.t[keep][0]
    world = rec.world[keep]
    if np.isnan(world[:, 0, 0]).any():  # no world landmarks: image units, about a torso to a metre
        world = rec.landmarks[keep].copy()
        world[..., :3] *= 2.0
    return Performance(action, t, rec.landmarks[keep].astype(np.float32), motor_command(t, world[:, _WRISTS, :3]))


@functools.cache
def figure_at_rest() -> list[float]:
    """The figure standing still (the first frame of its idle script), 33 x 4 values: pages show
    it while the model does nothing, so its box is never an empty panel."""
    p = perform("idle", np.random.default_rng(0))
    return [round(float(v), 4) for v in p.landmarks[0].ravel()]


class Agent:
    """Acts one action at a time; `at(t)` says what it is doing at stream time t."""

    def __init__(self, examples: Examples | None = None, seed: int = 0) -> None:
        self.examples = examples
        self.rng = np.random.default_rng(seed)
        self.current: Performance | None = None
        self.last: Performance | None = None  # the latest performance, kept after it ends
        self.started = 0.0

    def can_perform(self, action: str) -> bool:
        if action in virtual_actor.SCRIPTS:
            return True
        rec = self.examples(action) if self.examples is not None else None
        return rec is not None and bool(rec.seen.any())

    @property
    def busy(self) -> bool:
        return self.current is not None

    def act(self, action: str, t: float) -> Performance:
        self.current = self.last = perform(action, self.rng, self.examples)
        self.started = t
        return self.current

    def stop(self) -> None:
        self.current = None

    def at(self, t: float) -> AgentFrame | None:
        p = self.current
        if p is None:
            return None
        elapsed = t - self.started
        if elapsed > p.duration or elapsed < 0:
            self.current = None
            return None
        i = min(int(np.searchsorted(p.t, elapsed)), len(p.t) - 1)
        return AgentFrame(p.action, elapsed / max(p.duration, 1e-6), float(p.command[i]), p.landmarks[i])

"""Protocols that show the model's properties, shared by the tests and `model plot`.

Each runs a MirrorSystem through a timeline of observed clips (through the real
recogniser) and the agent's own actions, with rests between trials so every
response starts from baseline, and returns the traces. The tests assert the
properties on these traces; `python -m demo mirror plot` draws them. One
piece of code for both, so what is plotted is what is tested. Nothing here
reads or writes files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np

from demo.mirror.inputs import Observation, observe
from demo.mirror.session import MirrorSystem
from demo.recognition.online import Recogniser
from demo.recognition.training import ActionModel
from demo.recording import Recording
from demo.synth import virtual_actor

REST = 2.0        # s of nothing between trials: rates fall back to baseline (tau <= 0.3 s)
STEP = 1 / 15     # s: the rate the agent's trials are stepped at (the camera's frames set it for seen clips)


@dataclass
class Trace:
    """What the population did over one protocol."""

    t: list[float] = field(default_factory=list)
    rates: list[np.ndarray] = field(default_factory=list)
    seen: list[str | None] = field(default_factory=list)     # the seen trial's action while it moves
    done: list[str | None] = field(default_factory=list)     # the agent's action while its command is on
    goal: list[float] = field(default_factory=list)

    def add(self, snap, seen: str | None) -> None:
        self.t.append(snap.step.t)
        self.rates.append(snap.step.rates)
        self.seen.append(seen if snap.observation.moving else None)
        acting = snap.agent is not None and snap.execution.active >= 0.5
        self.done.append(snap.agent.action if acting else None)
        self.goal.append(snap.observation.goal if snap.observation.moving else np.nan)

    def array(self) -> np.ndarray:
        return np.array(self.rates)

    def mean(self, units: np.ndarray, seen: str | None = None, done: str | None = None) -> float:
        """Mean rate of `units` over the frames where `seen` was seen and/or `done` was done."""
        rows = [i for i in range(len(self.t))
                if (seen is None or self.seen[i] == seen) and (done is None or self.done[i] == done)]
        if not rows:
            return float("nan")
        return float(self.array()[np.ix_(rows, units)].mean())


def observations(model: ActionModel, rec: Recording, names: list[str]) -> list[tuple[float, Observation, object]]:
    """(time from the clip's start, observation, recognition) for every frame, via the real recogniser."""
    r = Recogniser(model)
    out = []
    t0 = float(rec.t[0])
    for pose in rec.poses():
        recognition = r.update(pose)
        out.append((pose.t - t0, observe(recognition, names), _moved(recognition, -t0)))
    return out


class Runner:
    """Keeps the clock and runs trials back to back on one MirrorSystem.

    Between trials the demonstrator stands still in view (not moving); the kiosk's attract
    mode and forgetting are the live stream's (demo/live/kiosk.py), not part of an experiment."""

    def __init__(self, session: MirrorSystem) -> None:
        self.session = session
        self.t = 0.0
        self.trace = Trace()

    def rest(self, seconds: float = REST) -> None:
        """Nothing happens for a while (the demonstrator stands still)."""
        end = self.t + seconds
        while self.t < end:
            self.t += STEP
            self.trace.add(self.session.update(self.t, None), None)

    def watch(self, frames: list[tuple[float, Observation, object]], label: str | None) -> None:
        """Play a seen clip (in a training mode the agent answers it)."""
        start = self.t
        for dt, _, recognition in frames:
            self.t = start + dt
            self.trace.add(self.session.update(self.t, _moved(recognition, start)), label)

    def act(self, action: str) -> None:
        """The agent performs `action` with nothing seen."""
        self.session.act(action)
        self.t += STEP
        self.trace.add(self.session.update(self.t, None), None)
        while self.session.agent.busy:
            self.t += STEP
            self.trace.add(self.session.update(self.t, None), None)


def _moved(recognition, offset: float):
    """The same recognition with its times moved by `offset` seconds (onto another clock)."""
    if recognition is None:
        return None
    return replace(recognition, t=recognition.t + offset,
                   onset=None if recognition.onset is None else recognition.onset + offset,
                   decided_at=None if recognition.decided_at is None else recognition.decided_at + offset)


# --- the protocols -------------------------------------------------------------------

def see_and_do(session: MirrorSystem, clips: dict[str, list[list]], act: Iterable[str]) -> Trace:
    """Each seen clip and each own action once, with rests between (mirror, goal preference)."""
    run = Runner(session)
    run.rest()
    for action, trials in clips.items():
        for frames in trials:
            run.watch(frames, action)
            run.rest()
    for action in act:
        run.act(action)
        run.rest()
    return run.trace


def _learning(session: MirrorSystem, clips: dict[str, list[list]], rounds: int, after_each) -> Trace:
    """Every clip watched `rounds` times with learning on; `after_each(run, action)` follows each."""
    session.set_learning(True)
    run = Runner(session)
    for _ in range(rounds):
        for action, trials in clips.items():
            for frames in trials:
                run.watch(frames, action)
                after_each(run, action)
    session.set_learning(False)
    run.rest(0.1)
    return run.trace


def train(session: MirrorSystem, mode: str, clips: dict[str, list[list]], rounds: int = 1) -> Trace:
    """Imitation or counter-mirror training: the agent answers every seen clip, learning on."""
    def answered(run: Runner, action: str) -> None:
        run.rest()  # the agent answers when the movement ends
        while session.agent.busy:
            run.rest(0.5)

    session.train(mode)
    trace = _learning(session, clips, rounds, answered)
    session.train("off")
    return trace


def pairing(session: MirrorSystem, clips: dict[str, list[list]], pair: tuple[str, str], rounds: int = 1,
            contingent: bool = True) -> Trace:
    """Cook et al. (2010): every clip is watched; `pair` is (seen, done): the done action follows each
    sight of the seen one and, when not `contingent`, every other sight too: the same seen-then-done
    pairings, but doing is then no more likely after that sight than after anything else. The
    pairing is the experimenter's, not the recogniser's label."""
    seen, done = pair

    def paired(run: Runner, action: str) -> None:
        if action == seen or not contingent:
            run.act(done)
        run.rest()

    return _learning(session, clips, rounds, paired)


def being_imitated(session: MirrorSystem, clips: dict[str, list[list]], copy: dict[str, str], rounds: int = 1,
                   delay: float = 0.5) -> Trace:
    """The model leads ("imitated" training) and the visitor copies: each time the model starts an
    action, a clip of `copy[action]` starts `delay` seconds later. Learning on."""
    session.train("imitated")
    session.set_learning(True)
    run = Runner(session)
    played = dict.fromkeys(clips, 0)
    end = run.t + 60.0 * rounds * len(clips)  # a model that never leads stops the protocol
    for _ in range(rounds * len(session.attract_actions())):
        while not session.agent.busy and run.t < end:
            run.rest(STEP)
        if not session.agent.busy:
            break
        seen = copy[session.agent.current.action]
        run.rest(delay)
        run.watch(clips[seen][played[seen] % len(clips[seen])], seen)
        played[seen] += 1
        while session.agent.busy:
            run.rest(0.5)
    session.train("off")
    session.set_learning(False)
    run.rest(0.1)
    return run.trace


def fogassi(session: MirrorSystem, model: ActionModel, seeds: Iterable[int], scene: bool = True,
            goals: tuple[str, str] = ("grasp-to-mouth", "grasp-to-place")) -> dict[str, dict[str, np.ndarray]]:
    """Fogassi et al. (2005): the same grasp seen in two conditions, grasping to eat and grasping to
    place, each performed once per seed. With `scene`, the scene offers the condition's goal while
    it is watched (the container in view, or not). Returns, per condition, the mean rate of each
    goal's chain units over the grasp (contact until the hand lifts) and over the transport (lift
    until the goal), one value a trial: {condition: {"<goal> grasp" | "<goal> transport": (trials,)}}."""
    names = session.names
    groups = {g: session.population.select(type="chain", action=g) for g in goals}
    out: dict[str, dict[str, list]] = {}
    run = Runner(session)
    for condition in goals:
        session.set_context(condition if scene else None)
        rows = out.setdefault(condition, {})
        for seed in seeds:
            rec, marks = virtual_actor.marked_recording(condition, seed)
            run.rest()
            start, first = run.t, len(run.trace.t)
            run.watch(observations(model, rec, names), condition)
            rates = run.trace.array()[first:]
            t = np.array(run.trace.t[first:]) - start  # the clip's own time, as its marks
            for g, units in groups.items():
                for phase, (a, b) in (("grasp", ("grasp", "lift")), ("transport", ("lift", "goal"))):
                    inside = (t >= marks[a]) & (t <= marks[b])
                    rows.setdefault(f"{g} {phase}", []).append(float(rates[inside][:, units].mean()))
    session.set_context(None)
    return {c: {k: np.array(v) for k, v in rows.items()} for c, rows in out.items()}


def observation_tuning(session: MirrorSystem, clips: dict[str, list[list]]) -> np.ndarray:
    """(units, actions): each unit's mean rate while seeing each action (no learning, no acting)."""
    trace = see_and_do(session, clips, act=())
    names = session.names
    units = np.arange(session.population.size)
    return np.array([[trace.mean(units[[u]], seen=a) if a in clips else np.nan for a in names]
                     for u in units])


def mirror_units_by_learning(session: MirrorSystem, clips: dict[str, list[list]],
                             margin: float = 5.0) -> np.ndarray:
    """For each plastic unit: does seeing its own (motor) action drive it most, by `margin` Hz?"""
    tuning = observation_tuning(session, clips)
    pop = session.population
    out = np.zeros(pop.size, bool)
    for u in np.flatnonzero(pop.plastic):
        own = tuning[u, pop.pref[u]]
        others = np.delete(tuning[u], pop.pref[u])
        out[u] = own - np.nanmax(others) >= margin
    return out


def stability(session: MirrorSystem, hours: float = 1.0, step: float = 1 / 15,
              seed: int = 0, learning: bool = True) -> dict[str, np.ndarray]:
    """Random seeing and doing (unrelated), learning on, training modes switching, dropped frames:
    are we bounded? (`learning` False: the same experience with learning off.)"""
    rng = np.random.default_rng(seed)
    names = session.names
    k = len(names)
    session.set_learning(learning)
    t, n = 0.0, int(hours * 3600 / step)
    max_w, max_r, mean_r = [], [], []
    obs = Observation.nothing(k)
    for i in range(n):
        if i % 45 == 0:  # every 3 s: a new thing seen (or nothing), maybe an own action
            if rng.random() < 0.7:
                ev = rng.dirichlet(np.ones(k) * 0.3) * rng.uniform(0.5, 1.0)
                obs = Observation(ev, float(rng.random()), True, 0.0)
            else:
                obs = Observation.nothing(k)
            if rng.random() < 0.5 and not session.agent.busy:
                session.act(names[int(rng.integers(k))])
            if rng.random() < 0.05:
                session.train(str(rng.choice(["off", "imitation", "counter"])))
        t += step * (rng.integers(1, 4) if rng.random() < 0.05 else 1)  # now and then a dropped frame or two
        snap = session.step(t, obs)
        if i % 450 == 0:
            max_w.append(float(session.model.weights.max()))
            max_r.append(float(snap.step.rates.max()))
            mean_r.append(float(snap.step.rates.mean()))
    session.set_learning(False)
    session.step(t + step, Observation.nothing(k))
    return {"max_weight": np.array(max_w), "max_rate": np.array(max_r), "mean_rate": np.array(mean_r)}

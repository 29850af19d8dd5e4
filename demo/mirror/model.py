"""The mirror units' dynamics and their associative learning.

Each unit i is a leaky firing-rate unit (docs/model.md has the derivation):

    I_i   = g_exe E_i.e + g_obs G_i W_i.x + g_ctx C_i.c [moving] + g_mot m_i [moving] + n_i(t)
    r_inf = r_max / (1 + exp(-k_i (I_i - theta_i)))
    r_i  <- r_inf + (r_i - r_inf) exp(-dt / tau_i)

with e the agent's motor command, x the recogniser's evidence, G_i the goal
gate (goal-gated units only), c the goal the scene offers (PF chain units
only), n_i Ornstein-Uhlenbeck noise. The update is
the exact solution over dt, so any frame rate (and a dropped frame) gives
the same trajectory. Spikes are Poisson draws from the rates. When learning
is on, the plastic units' seen weights follow the contingency between seeing
an action and doing the unit's own (demo/mirror/learning.py).
Deterministic under its seed. It must not know about recognisers, agents or
sockets: inputs arrive as demo.mirror.inputs records.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from demo.mirror.inputs import Execution, Observation
from demo.mirror.learning import Associations
from demo.mirror.population import Population


@dataclass
class Step:
    """One step of the population (what the stream sends and the tests read)."""

    t: float
    dt: float
    rates: np.ndarray         # (N,) Hz
    spike_units: np.ndarray   # (S,) unit index of each spike
    spike_times: np.ndarray   # (S,) when in the step, 0 (its start) .. 1 (now)
    learned: bool             # the weights changed in this step
    gate: float               # the goal gate applied to seen input


_NO_UNITS = np.zeros(0, np.int64)
_NO_TIMES = np.zeros(0)


class MirrorUnits:
    def __init__(self, population: Population, seed: int | None = None, weights: str = "default") -> None:
        self.pop = population
        self.lesions: tuple[str, ...] = ()  # regions silenced (the lecture's lesion toggles)
        self.seed = population.params.seed if seed is None else seed
        self.rng = np.random.default_rng(self.seed)
        self.learning = False
        self._precompute()
        self.reset(weights)

    def _precompute(self) -> None:
        p = self.pop
        d = p.params.dynamics
        self._silence()
        self.rest = d.r_max * expit(-p.gain * p.threshold)  # each unit's rate with no input
        self._plastic = np.flatnonzero(p.plastic)
        budget = np.linalg.norm(p.observe[self._plastic], axis=1)  # a trained unit's weight norm
        self.associations = Associations(p.params.learning, budget)
        self._gated = p.gated.astype(float)[:, None]
        # Every input, seen and done, goes through one matrix-vector product per step:
        # [gated seen | ungated seen | motor | scene | motion] @ [gate*x | x | e | gate*c*moving | moving].
        inp = p.params.inputs
        self._fixed = np.hstack([inp.execute_gain * p.execute, inp.context_gain * p.context,
                                 inp.motion_gain * p.motion[:, None]])
        self._current = np.empty(p.size)

    def _inputs_changed(self) -> None:
        g = self._gated
        self._matrix = np.hstack([self.weights * g, self.weights * (1.0 - g), self._fixed])

    # --- state ----------------------------------------------------------------
    def untrained_weights(self) -> np.ndarray:
        """Observation weights before any experience: small and random for plastic units."""
        w = self.pop.observe.copy()
        rng = np.random.default_rng([self.seed, 1])
        w[self._plastic] = rng.uniform(0.0, self.pop.params.learning.untrained, (len(self._plastic), w.shape[1]))
        return w

    def reset(self, weights: str = "default") -> None:
        """Rates to rest, and weights to the default ("default") or the untrained ones ("untrained")."""
        if weights not in ("default", "untrained"):
            raise ValueError(f"weights must be 'default' or 'untrained', not {weights!r}")
        self.weights = self.pop.observe.copy() if weights == "default" else self.untrained_weights()
        self.weights_from = weights   # what the page says is loaded: "default" (shipped) or "untrained"
        self.weights_changed = False  # learning has changed them since
        self.associations.start(self.weights[self._plastic])
        self._inputs_changed()
        self.rates = self.rest.copy()
        self.noise = np.zeros(self.pop.size)
        self.seen_trace = np.zeros(len(self.pop.actions))
        self.t: float | None = None

    def adopt(self, population: Population) -> None:
        """Switch to a population for a changed class list, keeping what the units had learned."""
        old_w, old_r = self.weights, self.rates
        old_index = {key: i for i, key in enumerate(self.pop.keys)}
        old_cols = {name: j for j, name in enumerate(self.pop.names)}
        self.pop = population
        self._precompute()
        self.weights = population.observe.copy()
        self.rates = self.rest.copy()
        self.noise = np.zeros(population.size)
        self.seen_trace = np.zeros(len(population.actions))
        cols = [(j, old_cols[n]) for j, n in enumerate(population.names) if n in old_cols]
        for i, key in enumerate(population.keys):
            if key in old_index:
                self.rates[i] = old_r[old_index[key]]
                for j, oj in cols:
                    self.weights[i, j] = old_w[old_index[key], oj]
        self.associations.start(self.weights[self._plastic])  # what was learnt is where learning goes on from
        self._inputs_changed()

    def lesion(self, regions: tuple[str, ...]) -> None:
        """Silence the units of these regions (region keys); () brings them all back."""
        self.lesions = tuple(regions)
        self._silence()

    def _silence(self) -> None:
        keys = [r.key for r in self.pop.params.regions]
        self.silenced = np.isin(self.pop.region, [keys.index(k) for k in self.lesions if k in keys])

    # --- dynamics -------------------------------------------------------------
    def goal_gate(self, obs: Observation) -> float:
        inp = self.pop.params.inputs
        return inp.goal_floor + (1.0 - inp.goal_floor) * min(1.0, max(0.0, obs.goal)) ** inp.goal_power

    def drive(self, obs: Observation, exe: Execution) -> tuple[np.ndarray, float]:
        """The input current of every unit (without noise), and the goal gate used."""
        k = len(self.pop.actions)
        gate = self.goal_gate(obs)
        v = np.zeros(4 * k + 1)
        seen = self.pop.params.inputs.observe_gain * obs.evidence
        v[:k] = gate * seen          # goal-gated units see the gated evidence...
        v[k:2 * k] = seen            # ...the others all of it
        if exe.action is not None:
            v[2 * k + exe.action] = exe.active
        if obs.moving and obs.context is not None:
            # The scene's offer selects a chain while an aimed movement is seen (through the goal gate).
            v[3 * k:4 * k] = gate * obs.context
        v[-1] = 1.0 if obs.moving else 0.0
        return np.dot(self._matrix, v, out=self._current), gate

    def step(self, t: float, obs: Observation, exe: Execution) -> Step:
        """Advance to time t (seconds, any rate) under these inputs."""
        p = self.pop
        d = p.params.dynamics
        dt = 0.0 if self.t is None or t < self.t else min(t - self.t, d.max_dt)
        self.t = t
        z, gate = self.drive(obs, exe)
        if dt > 0:
            decay = math.exp(-dt / d.noise_tau)
            self.noise *= decay
            self.noise += (d.noise * math.sqrt(1.0 - decay * decay)) * self.rng.standard_normal(p.size)
        z += self.noise
        z -= p.threshold
        z *= p.gain
        target = expit(z, out=z)
        target *= d.r_max
        # The exact solution of tau dr/dt = target - r over dt.
        self.rates -= target
        self.rates *= np.exp(-dt / p.tau)
        self.rates += target
        self.rates[self.silenced] = 0.0  # a lesioned region: its units neither fire nor learn
        learned = self._learn(dt, obs, exe)
        self.weights_changed |= learned
        units, times = self._spikes(dt)
        return Step(t, dt, self.rates.copy(), units, times, learned, gate)

    def _spikes(self, dt: float) -> tuple[np.ndarray, np.ndarray]:
        """Poisson spikes for the step, drawn for the population at once.

        Independent Poisson units add up to one Poisson process whose events
        each belong to unit i with probability r_i / sum(r): one count, then a
        unit and a time per spike. Exact for rates held over the step, and far
        cheaper than a Poisson draw per unit (which matters at 30 steps a second)."""
        cum = np.cumsum(self.rates)
        total = float(cum[-1]) * dt
        if total <= 0:
            return _NO_UNITS, _NO_TIMES
        count = int(self.rng.poisson(total))
        draws = self.rng.random(2 * count)
        # u < 1, so u * sum < sum = cum[-1]: the index is always a unit.
        return np.searchsorted(cum, draws[:count] * cum[-1], side="right"), draws[count:]

    def _learn(self, dt: float, obs: Observation, exe: Execution) -> bool:
        """The plastic units' seen weights follow experience while learning is on (demo/mirror/learning.py)."""
        # What was seen lingers (a visual trace): seeing then doing, as in imitation, still pairs up.
        if dt > 0:
            keep = math.exp(-dt / self.pop.params.learning.trace)
            self.seen_trace *= keep
            self.seen_trace += (1.0 - keep) * obs.evidence
        if not (self.learning and dt > 0):
            return False
        idx = self._plastic
        doing = self.pop.execute[idx] @ exe.vector(len(self.pop.actions))
        # Postsynaptic activity above rest (the Hebbian rule's): a unit idling at rest learns nothing.
        above = np.clip((self.rates[idx] - self.rest[idx]) / self.pop.params.dynamics.r_max, 0.0, 1.0)
        new = self.associations.update(dt, self.seen_trace, doing, above, self.silenced[idx])
        if np.array_equal(new, self.weights[idx]):
            return False  # nothing seen or done that counts: the inputs stay as they were
        self.weights[idx] = new
        self._inputs_changed()
        return True

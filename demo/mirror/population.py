"""Lay out the population: which units exist, where, and what they are tuned to.

Every action class (not "idle", which is the absence of action) gets the
units its types ask for, so a class added to the library gets units too.
Units are ordered by region, then type, then class: the order of the raster.
A unit's small differences from its siblings (gain, threshold, input scale)
come from the seed and its own key, so adding a class leaves the existing
units as they were. This module builds arrays; it must not run dynamics.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from demo.mirror.params import Params


@dataclass(frozen=True)
class Action:
    """What the model needs to know of an action class."""

    name: str
    label: str
    goal_directed: bool


def actions_of(classes: Iterable) -> list[Action]:
    """The action classes of a recogniser model's or a library's classes, idle left out."""
    out = []
    for c in classes:
        idle = getattr(c, "idle", None)
        if idle is None:
            idle = getattr(c, "kind", "action") == "idle"
        if not idle:
            out.append(Action(c.name, c.label, bool(c.goal_directed)))
    return out


@dataclass
class Population:
    params: Params
    actions: list[Action]
    keys: list[tuple[str, str, int]]   # (type, preferred action or "", ordinal): a unit's identity
    region: np.ndarray                 # (N,) index into params.regions
    kind: np.ndarray                   # (N,) index into params.types
    pref: np.ndarray                   # (N,) index into actions, -1 for none
    execute: np.ndarray                # (N, K) fixed motor tuning
    observe: np.ndarray                # (N, K) default ("trained") observation weights
    motion: np.ndarray                 # (N,) bool: driven by any seen movement
    gated: np.ndarray                  # (N,) bool: seen input passes the goal gate
    plastic: np.ndarray                # (N,) bool: observation weights learn
    context: np.ndarray                # (N, K) what the scene offers, into the chain of each goal
    tau: np.ndarray                    # (N,) s
    gain: np.ndarray                   # (N,)
    threshold: np.ndarray              # (N,)

    @property
    def size(self) -> int:
        return len(self.keys)

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.actions]

    def select(self, type: str | None = None, region: str | None = None, action: str | None = None) -> np.ndarray:
        """Indices of the units of a type, in a region, preferring an action (any combination)."""
        mask = np.ones(self.size, bool)
        if type is not None:
            mask &= self.kind == [t.key for t in self.params.types].index(type)
        if region is not None:
            mask &= self.region == self.params.region_index(region)
        if action is not None:
            mask &= self.pref == self.names.index(action)
        return np.flatnonzero(mask)

    def mirror_units(self) -> np.ndarray:
        """Units that fire both when acting and when seeing (by construction of their type)."""
        kinds = [i for i, t in enumerate(self.params.types) if t.execute and t.observe in ("strict", "broad")]
        return np.flatnonzero(np.isin(self.kind, kinds))

    def layout(self) -> dict:
        """The population's shape for the page (sent once, in `hello`)."""
        p = self.params
        return {
            "regions": [{"key": r.key, "label": r.label, "name": r.name, "role": r.role} for r in p.regions],
            "types": [{"key": t.key, "label": t.label, "region": t.region} for t in p.types],
            "actions": self.names,
            "region": self.region.tolist(),
            "type": self.kind.tolist(),
            "pref": self.pref.tolist(),
            "r_max": p.dynamics.r_max,
        }


def _jitter(seed: int, key: tuple[str, str, int], spread: float) -> np.ndarray:
    rng = np.random.default_rng([seed, zlib.crc32(repr(key).encode())])
    return 1.0 + spread * rng.uniform(-1.0, 1.0, 3)


def _preferred(per: str, actions: list[Action]) -> list[int]:
    """The actions a unit type has one group of units for (-1: a group preferring none)."""
    if per == "population":
        return [-1]
    if per == "goal":
        return [i for i, a in enumerate(actions) if a.goal_directed]
    return list(range(len(actions)))


def _rows(params: Params, actions: list[Action]) -> list[dict]:
    """One row per unit, region by region and type by type: its region, type, preference, key."""
    return [{"region": r_index, "kind": t_index, "pref": pref,
             "key": (t.key, actions[pref].name if pref >= 0 else "", ordinal)}
            for r_index, region in enumerate(params.regions)
            for t_index, t in enumerate(params.types) if t.region == region.key
            for pref in _preferred(t.per, actions)
            for ordinal in range(t.count)]


def _seen_weights(observe: str, pref: int, actions: list[Action], related: float) -> np.ndarray:
    """How much a unit hears each seen action: strict units only their own, broad ones also
    (at `related`) the actions of the same kind (goal-directed or not)."""
    weights = np.zeros(len(actions))
    if pref < 0 or observe not in ("strict", "broad"):
        return weights
    if observe == "broad":
        same_kind = np.array([a.goal_directed == actions[pref].goal_directed for a in actions])
        weights[same_kind] = related
    weights[pref] = 1.0
    return weights


def build(params: Params, actions: list[Action]) -> Population:
    k = len(actions)
    rows = _rows(params, actions)
    n = len(rows)
    execute = np.zeros((n, k))
    observe = np.zeros((n, k))
    context = np.zeros((n, k))
    gain, threshold, scale = np.ones(n), np.ones(n), np.ones(n)
    for i, row in enumerate(rows):
        t, pref = params.types[row["kind"]], row["pref"]
        gain[i], threshold[i], scale[i] = _jitter(params.seed, row["key"], params.dynamics.tuning_spread)
        if pref >= 0 and t.execute:
            execute[i, pref] = 1.0
        if pref >= 0 and t.context:
            context[i, pref] = 1.0
        observe[i] = _seen_weights(t.observe, pref, actions, params.inputs.related)
    types = params.types
    kinds = np.array([r["kind"] for r in rows], int)
    return Population(
        params=params, actions=list(actions), keys=[r["key"] for r in rows],
        region=np.array([r["region"] for r in rows], int), kind=kinds,
        pref=np.array([r["pref"] for r in rows], int),
        execute=execute, observe=observe * scale[:, None],
        motion=np.array([types[j].observe == "motion" for j in kinds], bool),
        gated=np.array([types[j].gated for j in kinds], bool),
        plastic=np.array([types[j].plastic for j in kinds], bool),
        context=context,
        tau=np.array([params.regions[r["region"]].tau for r in rows]),
        gain=params.dynamics.gain * gain, threshold=params.dynamics.threshold * threshold)

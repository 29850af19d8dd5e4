"""The mirror population's activity in `state`, packed small (nengo-gui style).

One binary field, `units`, carries everything that changes each step:
the rates as one byte per unit (0..255 of r_max), then the spikes' unit
indices (uint16 little-endian), then their times within the step (uint8,
0..255 of dt). One field and not three because each binary field is a
websocket frame of its own, per viewer. The whole `mirror` object stays within
MAX_BYTES for 200 units: beyond a spike budget, a random subset is sent and
the number left out reported, so a burst never bloats a message. The agent's
figure travels beside it (state.agent). This module packs and unpacks; it
must not step the model.
"""

from __future__ import annotations

import numpy as np

from demo.mirror.session import Snapshot

MAX_BYTES = 2048        # the mirror object per state, binary and fields together
FIELDS_BYTES = 384      # what the scalar fields take, at most, with the longest class names (tested)
SPIKE_BYTES = 3         # uint16 unit + uint8 time
MATRIX_MAX = 1.5        # a seen weight this large or more is drawn at full strength


def spike_budget(units: int, other: int = 0) -> int:
    """Spikes that fit beside `units` rates and `other` binary bytes (the weight matrix)."""
    return max(0, (MAX_BYTES - FIELDS_BYTES - units - other) // SPIKE_BYTES)


def pack(snap: Snapshot, r_max: float) -> dict:
    step = snap.step
    rates = np.clip(np.rint(step.rates * (255.0 / r_max)), 0, 255).astype(np.uint8)
    units, times = step.spike_units, step.spike_times
    matrix = None if snap.matrix is None else \
        np.clip(np.rint(snap.matrix * (255.0 / MATRIX_MAX)), 0, 255).astype(np.uint8).tobytes()
    budget = spike_budget(len(rates), 0 if matrix is None else len(matrix))
    left_out = max(0, len(units) - budget)
    if left_out:  # spikes come in random order, so the first `budget` are a fair sample
        units, times = units[:budget], times[:budget]
    obs = snap.observation
    blob = b"".join((rates.tobytes(), units.astype("<u2").tobytes(),
                     np.minimum(times * 256, 255).astype(np.uint8).tobytes()))
    return {
        "t": round(step.t, 4),
        "dt": round(step.dt, 4),
        "n": len(rates),
        "spikes": len(units),
        "units": blob,
        "left_out": left_out,
        "gate": round(step.gate, 3),
        "learning": snap.learning,
        "learned": step.learned,
        "training": snap.training,
        "scene": snap.scene,
        "lesions": list(snap.lesions),
        # About once a second: the seen -> done weight matrix, row-major uint8 of MATRIX_MAX.
        "matrix": matrix,
        "weights": snap.weights,
        "seen_phase": None if obs.phase is None else round(obs.phase, 2),
        "acting": None if snap.agent is None else snap.agent.action,
        "attract": snap.attract,
    }


def agent(snap: Snapshot) -> dict | None:
    """The model's own figure, drawn beside the visitor's."""
    a = snap.agent
    if a is None:
        return None
    return {"action": a.action, "phase": round(a.phase, 3), "command": round(a.command, 3),
            "landmarks": np.ascontiguousarray(a.landmarks, "<f4").tobytes()}


def unpack(msg: dict, r_max: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rates in Hz, spike units, spike times 0..1): the inverse of pack(), for clients and tests."""
    n, k, blob = msg["n"], msg["spikes"], msg["units"]
    rates = np.frombuffer(blob, np.uint8, n) * (r_max / 255.0)
    units = np.frombuffer(blob, "<u2", k, offset=n).astype(int)
    times = (np.frombuffer(blob, np.uint8, k, offset=n + 2 * k) + 0.5) / 256.0
    return rates, units, times

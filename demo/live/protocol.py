"""The Socket.IO protocol: event names, payload shapes, validation, encoding.

docs/protocol.md is the human description of what is built here; keep them
in step and bump PROTOCOL_VERSION on any incompatible change. This module
turns records into payloads and payloads into checked values; it must not
touch sockets or threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from demo import config
from demo.errors import BadMessageError, DemoError
from demo.landmarks import LANDMARK_NAMES, SKELETON_EDGES, Frame, Pose

# Client -> server
FRAME = "frame"
CONTROL = "control"
# Server -> client
HELLO = "hello"
STATE = "state"
ERROR = "error"
STATUS = "status"
EXAMPLES = "examples"  # the record page's examples so far

VIEW_CONTROLS = ("watch", "stop")
# Controls that change the model of the watched stream: each with its one argument
# (name, accepted types, default). Refused from other devices without the token.
MODEL_CONTROLS: dict[str, tuple[str, tuple[type, ...], Any]] = {
    "act": ("class", (str, type(None)), None),       # the model performs this class (null: stop)
    "learning": ("on", (bool,), None),                # associative learning on or off
    "train": ("mode", (str,), None),                  # "off" | "imitation" | "counter"
    "scene": ("goal", (str, type(None)), None),      # the goal the scene offers (a class; null: nothing)
    "lesion": ("regions", (list,), None),             # region keys whose units are silenced ([]: none)
    "reset": ("weights", (str,), "default"),          # "default" | "untrained"
    "speed": ("factor", (int, float), None),          # slow motion of a recording or video, 0.1 .. 1
    "why": ("on", (bool,), None),                     # explain each decision in state.action.why
    # The record page: examples of a new class, from the stream this page sends or watches.
    "record": ("on", (bool,), None),                  # start / stop recording an example
    "discard": ("index", (int,), None),               # drop a recorded example
    "save": ("class", (dict,), None),                 # save the examples as a class: name, goal_directed...
}
CONTROL_ACTIONS = VIEW_CONTROLS + tuple(MODEL_CONTROLS)
MAX_TEXT = 200  # characters in a control's text field (names, sources, tokens): none is longer


@dataclass
class FrameMessage:
    jpeg: bytes
    frame_id: int
    client_ts: float | None


@dataclass
class ControlMessage:
    action: str
    source: str | None = None
    value: Any = None           # the model control's argument (see MODEL_CONTROLS)
    token: str | None = None

    @property
    def changes_model(self) -> bool:
        return self.action in MODEL_CONTROLS


def _fields(payload: Any, event: str) -> dict:
    if not isinstance(payload, dict):
        raise BadMessageError(f"'{event}' must be an object, not {type(payload).__name__}.",
                              "See docs/protocol.md for the payload fields.")
    return payload


def parse_frame(payload: Any) -> FrameMessage:
    """Validate a `frame` payload; BadMessageError names the field at fault."""
    p = _fields(payload, FRAME)
    data = p.get("jpeg")
    if not isinstance(data, (bytes, bytearray)):
        raise BadMessageError("'frame.jpeg' must be binary JPEG data.",
                              "Send an ArrayBuffer or Blob, not text.")
    fid = p.get("id")
    if not isinstance(fid, int) or isinstance(fid, bool) or fid < 0:
        raise BadMessageError("'frame.id' must be a non-negative integer.", "Number frames 1, 2, 3...")
    ts = p.get("ts")
    if ts is not None and (not isinstance(ts, (int, float)) or isinstance(ts, bool)):
        raise BadMessageError("'frame.ts' must be a number (the page's clock in ms).", "")
    return FrameMessage(bytes(data), fid, float(ts) if ts is not None else None)


def parse_control(payload: Any) -> ControlMessage:
    p = _fields(payload, CONTROL)
    action = p.get("action")
    if action not in CONTROL_ACTIONS:
        raise BadMessageError(f"'control.action' must be one of {', '.join(CONTROL_ACTIONS)}, "
                              f"not {action!r:.60}.", "See docs/protocol.md.")
    source = p.get("source")
    if source is not None and not isinstance(source, str):
        raise BadMessageError("'control.source' must be a string.", "")
    token = p.get("token")
    if token is not None and not isinstance(token, str):
        raise BadMessageError("'control.token' must be a string.", "Pass the token given with --token.")
    value, name = None, None
    if action in MODEL_CONTROLS:
        name, kinds, default = MODEL_CONTROLS[action]
        value = p.get(name, default)
        if (name not in p and default is None and type(None) not in kinds) or not isinstance(value, kinds) \
                or (bool not in kinds and isinstance(value, bool)):
            wanted = " or ".join("null" if k is type(None) else k.__name__ for k in kinds)
            raise BadMessageError(f"'control.{name}' must be {wanted} for '{action}'.", "See docs/protocol.md.")
        if action == "speed" and not (isinstance(value, (int, float)) and 0 < value <= 1):  # NaN fails too
            raise BadMessageError(f"'control.factor' must be above 0 and at most 1, not {str(value)[:40]}.",
                                  "1 is real time, 0.5 half speed, 0.25 a quarter.")
    for field, text in (("source", source), ("token", token), (name, value)):
        if isinstance(text, str) and len(text) > MAX_TEXT:
            raise BadMessageError(f"'control.{field}' is {len(text)} characters; the limit is {MAX_TEXT}.",
                                  "Send the class, source or token name itself (docs/protocol.md).")
    return ControlMessage(action, source, value, token)


@dataclass
class Hello:
    """What a page learns on connecting: what it may watch, the classes, the mirror units' layout."""

    server_source: dict | None
    replays: list[str]
    pose_model: str
    model: Any = None                 # the action model (its classes), or None
    actions_error: str | None = None  # why recognition is off (a broken action library), or None
    mirror: dict | None = None        # the population's layout (demo.mirror.session.layout), or None
    mirror_error: str | None = None   # why the mirror model is off, or None


def hello(h: Hello) -> dict:
    return {
        "classes": classes(h.model),
        "actions_error": h.actions_error,
        "mirror": h.mirror,
        "mirror_error": h.mirror_error,
        "v": config.PROTOCOL_VERSION,
        "landmarks": list(LANDMARK_NAMES),
        "edges": [list(e) for e in SKELETON_EDGES],
        "server_source": h.server_source,
        "replays": h.replays,
        "pose_model": h.pose_model,
        "limits": {"max_frame_bytes": config.MAX_FRAME_BYTES, "max_in_flight": 2},
    }


def error(err: DemoError | str, code: str | None = None, frame_id: int | None = None) -> dict:
    if isinstance(err, DemoError):
        msg = {"code": code or err.code, "message": err.message, "fix": err.fix}
    else:
        msg = {"code": code or "error", "message": str(err), "fix": ""}
    if frame_id is not None:
        msg["frame_id"] = frame_id
    return msg


def _box(box) -> list[float]:
    return [round(float(v), 4) for v in box]


def person(pose: Pose) -> dict | None:
    if pose.landmarks is None:
        return None
    return {
        # float32 little-endian, 33 x (x, y, z, visibility): 528 bytes
        "landmarks": np.ascontiguousarray(pose.landmarks, "<f4").tobytes(),
        "box": _box(pose.box) if pose.box else None,
        # Everyone else in view, so the page can show whom it follows.
        "others": [_box(b) for b in pose.others],
    }


def why(w) -> dict | None:
    if w is None:
        return None
    return {"parts": {k: round(v, 3) for k, v in w.parts.items()},
            "times": {k: round(v, 3) for k, v in w.times.items()},
            "nearest": [{"class": c, "example": e, "distance": round(d, 2)} for c, e, d in w.nearest]}


def action(rec, explanation=None) -> dict | None:
    """The recogniser's output; `scores` follow the class order given in `hello`."""
    if rec is None:
        return None
    return {
        "why": why(explanation),
        "moving": rec.moving,
        "label": rec.label,
        "goal": round(rec.goal, 3),
        "no_action": round(rec.no_action, 3),
        "scores": [round(v, 3) for v in rec.scores.values()],
        "onset": None if rec.onset is None else round(rec.onset, 3),
        "decided": rec.decided,
        "decided_at": None if rec.decided_at is None else round(rec.decided_at, 3),
        "last": rec.last,
        "last_age": None if rec.last_ended is None else round(rec.t - rec.last_ended, 2),  # seconds ago
    }


def classes(model) -> list[dict]:
    if model is None:
        return []
    return [{"name": c.name, "label": c.label, "goal_directed": c.goal_directed, "colour": c.colour,
             "explanation": c.explanation, "goal": c.goal, "idle": c.idle} for c in model.classes]


@dataclass
class StateParts:
    """One processed frame of a stream, stage by stage: what `state` is made of."""

    stream: str
    frame: Frame
    pose: Pose
    timings: dict[str, float]   # per stage, ms
    fps: float
    dropped: int                # frames the latest-wins slot replaced before they were processed
    status: dict                # the source's status
    image: bytes | None = None  # the frame as JPEG, for sources the page cannot see itself
    recognition: Any = None     # demo.recognition.online.Recognition, or None
    explanation: Any = None     # demo.recognition.why.Why, when the page asked for "why"
    mirror: dict | None = None  # packed by demo.mirror.wire
    agent: dict | None = None   # the model's own figure while it acts


def state(s: StateParts) -> dict:
    msg = {
        "v": config.PROTOCOL_VERSION,
        "stream": s.stream,
        "frame_id": s.frame.frame_id,
        "client_ts": s.frame.client_ts,
        "t": round(s.frame.t, 4),
        "ms": {k: round(v, 2) for k, v in s.timings.items()},
        "fps": round(s.fps, 1),
        "dropped": s.dropped,
        "people": s.pose.people,
        "person": person(s.pose),
        "image_size": list(s.pose.image_size),
        "status": s.status,
        "action": action(s.recognition, s.explanation),
        "mirror": s.mirror,
        "agent": s.agent,
    }
    if s.image is not None:
        msg["image"] = s.image
    return msg


def decode_landmarks(data: bytes) -> np.ndarray:
    """The inverse of `person()["landmarks"]` (for clients and tests)."""
    return np.frombuffer(data, "<f4").reshape(config.NUM_LANDMARKS, 4)

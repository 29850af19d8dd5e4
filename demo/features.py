"""The features stage: landmarks in, a body-centred description of the arms out.

Per frame, from the followed person's image landmarks: positions scaled by
torso length (shoulder centre to hip centre, which holds up in side views
where shoulder width collapses), centred on the shoulders, smoothed with a
One Euro filter against landmark jitter, with velocities computed on the
real clock (so a dropped frame does not fake a fast movement). Each arm is
described the same way, so the recogniser can treat a left-handed drink
like a right-handed one. It must not classify anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .landmarks import INDEX, Pose

ARM_CHANNELS = (
    "up",          # hand height above the shoulder line
    "out",         # hand's sideways distance from the body's midline
    "d_nose", "d_mouth", "d_ear",  # hand to face targets
    "above_nose",  # hand height above the nose (top of the head)
    "elbow_up",    # elbow height above the shoulder line
    "elbow_cos",   # elbow bend: 1 straight, -1 folded
    "reach",       # hand's distance from its own shoulder
    "speed",       # hand speed, torso lengths per second
    "vy",          # hand's upward velocity
    "accel",       # change of hand velocity: rubbing, scratching, waving
    "fwd3", "up3", "out3", "face3",  # 3D, in the body's own frame (from world landmarks)
)
SHARED_CHANNELS = ("d_hands", "width", "body_speed", "lean", "head_pitch", "head_speed", "far_hand_face")
CHANNELS = (tuple(f"left_{c}" for c in ARM_CHANNELS) + tuple(f"right_{c}" for c in ARM_CHANNELS)
            + SHARED_CHANNELS)
N_ARM = len(ARM_CHANNELS)
N_FEATURES = len(CHANNELS)

_HAND = {side: [INDEX[f"{side}_{p}"] for p in ("wrist", "index", "pinky", "thumb")]
         for side in ("left", "right")}


class OneEuroFilter:
    """Casiez et al. 2012: smooths jitter at rest, follows fast moves with little lag."""

    def __init__(self, min_cutoff: float = 1.5, beta: float = 0.3, d_cutoff: float = 1.0) -> None:
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.d_cutoff = d_cutoff
        self.x: np.ndarray | None = None
        self.dx: np.ndarray | None = None
        self.t: float | None = None

    @staticmethod
    def _alpha(cutoff, dt: float):
        tau = 1.0 / (2 * math.pi * cutoff)
        return 1.0 / (1.0 + tau / dt)

    def __call__(self, x: np.ndarray, t: float) -> np.ndarray:
        if self.x is None or self.t is None or t <= self.t or t - self.t > 0.5:
            # First sample, or a gap long enough that the past says nothing: restart.
            self.x, self.dx, self.t = x.copy(), np.zeros_like(x), t
            return self.x
        dt = t - self.t
        dx = (x - self.x) / dt
        a_d = self._alpha(self.d_cutoff, dt)
        self.dx = a_d * dx + (1 - a_d) * self.dx
        cutoff = self.min_cutoff + self.beta * np.abs(self.dx)
        a = self._alpha(cutoff, dt)
        self.x = a * x + (1 - a) * self.x
        self.t = t
        return self.x

    def reset(self) -> None:
        self.x = self.dx = self.t = None


@dataclass
class FeatureFrame:
    """One frame's description; `values` is all zeros when nobody is seen."""

    t: float
    values: np.ndarray  # (N_FEATURES,) float32
    seen: bool
    scale: float = 0.0  # torso length in picture-height units


class FeatureExtractor:
    """Stateful per stream: call `update(pose)` on every frame in time order."""

    def __init__(self) -> None:
        self.filter = OneEuroFilter()
        self.world_filter = OneEuroFilter()
        self.scale: float | None = None
        self.prev: tuple | None = None  # t, hands, hip centre, hand velocity, nose rel. shoulders

    def reset(self) -> None:
        self.filter.reset()
        self.world_filter.reset()
        self.scale = None
        self.prev = None

    def update(self, pose: Pose) -> FeatureFrame:
        if pose.landmarks is None:
            self.prev = None
            return FeatureFrame(pose.t, np.zeros(N_FEATURES, np.float32), False)
        w, h = pose.image_size if pose.image_size[1] else (1, 1)
        # Picture-height units on both axes, so distances do not depend on the aspect.
        xy = pose.landmarks[:, :2].astype(np.float64) * np.array([w / h, 1.0])
        xy = self.filter(xy, pose.t)
        world = None
        if pose.world is not None:
            world = self.world_filter(pose.world[:, :3].astype(np.float64), pose.t)
        return self._describe(xy, pose.t, world)

    def _torso(self, shoulders: np.ndarray, hips: np.ndarray, xy: np.ndarray) -> float:
        torso = float(np.linalg.norm(shoulders - hips))
        width = float(np.linalg.norm(xy[INDEX["left_shoulder"]] - xy[INDEX["right_shoulder"]]))
        # With the hips out of the picture the torso estimate shrinks: never below the shoulders' width.
        torso = max(torso, 1.2 * width, 1e-3)
        # Slow to change: a person's size does not jump between frames.
        self.scale = torso if self.scale is None else 0.9 * self.scale + 0.1 * torso
        return self.scale

    @staticmethod
    def _body_frame(world: np.ndarray) -> np.ndarray:
        """(2, 4): each hand's forward, up, outward position and 3D face distance, in torsos.

        The frame turns with the body (x along the shoulders, y up the spine),
        so these do not depend on where the camera stands."""
        ls, rs = world[INDEX["left_shoulder"]], world[INDEX["right_shoulder"]]
        sh = (ls + rs) / 2
        hp = (world[INDEX["left_hip"]] + world[INDEX["right_hip"]]) / 2
        up = sh - hp
        torso = np.linalg.norm(up) + 1e-6
        up /= torso
        across = ls - rs
        across -= (across @ up) * up
        across /= np.linalg.norm(across) + 1e-6
        fwd = np.cross(across, up)  # MediaPipe world: y down, so this points forward
        out = np.empty((2, 4))
        nose = world[INDEX["nose"]]
        for k, (side, sign) in enumerate((("left", 1.0), ("right", -1.0))):
            hand = world[_HAND[side]].mean(axis=0)
            d = hand - sh
            out[k] = (d @ fwd / torso, d @ up / torso, sign * (d @ across) / torso,
                      np.linalg.norm(hand - nose) / torso)
        return out

    def _describe(self, xy: np.ndarray, t: float, world: np.ndarray | None = None) -> FeatureFrame:
        shoulders = (xy[INDEX["left_shoulder"]] + xy[INDEX["right_shoulder"]]) / 2
        hips = (xy[INDEX["left_hip"]] + xy[INDEX["right_hip"]]) / 2
        s = self._torso(shoulders, hips, xy)
        nose = xy[INDEX["nose"]]
        mouth = (xy[INDEX["mouth_left"]] + xy[INDEX["mouth_right"]]) / 2
        ears = xy[[INDEX["left_ear"], INDEX["right_ear"]]]
        hands = np.stack([xy[_HAND["left"]].mean(axis=0), xy[_HAND["right"]].mean(axis=0)])
        head = nose - shoulders
        if self.prev is not None and t > self.prev[0]:
            dt = t - self.prev[0]
            hand_v = (hands - self.prev[1]) / dt / s
            body_v = (hips - self.prev[2]) / dt / s
            hand_a = np.linalg.norm(hand_v - self.prev[3], axis=1) / dt
            head_v = np.linalg.norm(head - self.prev[4]) / dt / s
        else:
            hand_v = np.zeros((2, 2))
            body_v = np.zeros(2)
            hand_a = np.zeros(2)
            head_v = 0.0
        self.prev = (t, hands, hips, hand_v, head)
        face_d = np.empty(2)
        body3 = self._body_frame(world) if world is not None else np.zeros((2, 4))
        out = np.empty(N_FEATURES, np.float32)
        for k, side in enumerate(("left", "right")):
            hand = hands[k]
            shoulder = xy[INDEX[f"{side}_shoulder"]]
            elbow = xy[INDEX[f"{side}_elbow"]]
            wrist = xy[INDEX[f"{side}_wrist"]]
            upper, fore = shoulder - elbow, wrist - elbow
            cos = float(upper @ fore / (np.linalg.norm(upper) * np.linalg.norm(fore) + 1e-9))
            face_d[k] = min(np.linalg.norm(hand - nose), np.linalg.norm(ears - hand, axis=1).min()) / s
            out[k * N_ARM:(k + 1) * N_ARM] = (
                (shoulders[1] - hand[1]) / s,
                abs(hand[0] - shoulders[0]) / s,
                np.linalg.norm(hand - nose) / s,
                np.linalg.norm(hand - mouth) / s,
                np.linalg.norm(ears - hand, axis=1).min() / s,
                (nose[1] - hand[1]) / s,
                (shoulders[1] - elbow[1]) / s,
                -cos,
                np.linalg.norm(hand - shoulder) / s,
                np.linalg.norm(hand_v[k]),
                -hand_v[k][1],
                min(hand_a[k], 50.0),
                *body3[k],
            )
        out[2 * N_ARM:] = (
            np.linalg.norm(hands[0] - hands[1]) / s,
            np.linalg.norm(xy[INDEX["left_shoulder"]] - xy[INDEX["right_shoulder"]]) / s,
            np.linalg.norm(body_v),
            (shoulders[0] - hips[0]) / s,
            (ears[:, 1].mean() - nose[1]) / s,
            min(head_v, 20.0),
            face_d.max(),
        )
        return FeatureFrame(t, out, True, s)


def sequence(poses) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features of a whole sequence: (t (T,), values (T, F), seen (T,))."""
    ext = FeatureExtractor()
    frames = [ext.update(p) for p in poses]
    return (np.array([f.t for f in frames]), np.stack([f.values for f in frames]),
            np.array([f.seen for f in frames]))

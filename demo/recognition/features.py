"""The features stage: landmarks in, a body-centred description of the arms out.

Per frame, from the followed person's image landmarks: positions scaled by
torso length (shoulder centre to hip centre, which holds up in side views
where shoulder width collapses), centred on the shoulders, smoothed with a
One Euro filter against landmark jitter, with velocities computed on the
real clock (so a dropped frame does not fake a fast movement). Each arm is
described the same way, so the recogniser can treat a left-handed drink
like a right-handed one; how well the pose model sees each hand (its
visibility) is passed on, so later stages can tell a seen arm from a guessed
one. It must not classify anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from demo.landmarks import HAND_POINTS, INDEX, Pose

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
    "speed3",      # 3D hand speed in that frame: sees reaches towards the camera
    "finger_fwd3", "finger_up3",  # where the fingers point (wrist to index), in that frame
    "seen",        # how sure the pose model is that it sees the hand (its visibility)
)
SHARED_CHANNELS = ("d_hands", "width", "body_speed", "lean", "head_pitch", "head_speed", "far_hand_face",
                   "head_fwd3", "head_up3")  # the nose in the body's frame: bowing into a sneeze
CHANNELS = (tuple(f"left_{c}" for c in ARM_CHANNELS) + tuple(f"right_{c}" for c in ARM_CHANNELS)
            + SHARED_CHANNELS)
N_ARM = len(ARM_CHANNELS)
N_FEATURES = len(CHANNELS)

_HANDS = [*HAND_POINTS[0], *HAND_POINTS[1]]
_LS, _RS, _LH, _RH = INDEX["left_shoulder"], INDEX["right_shoulder"], INDEX["left_hip"], INDEX["right_hip"]
_LEL, _REL, _LW, _RW = INDEX["left_elbow"], INDEX["right_elbow"], INDEX["left_wrist"], INDEX["right_wrist"]
_NOSE, _ML, _MR = INDEX["nose"], INDEX["mouth_left"], INDEX["mouth_right"]
_LE_EAR, _RE_EAR = INDEX["left_ear"], INDEX["right_ear"]


class OneEuroFilter:
    """Casiez et al. 2012: smooths jitter at rest, follows fast moves with little lag."""

    def __init__(self, min_cutoff: float = 1.5, beta: float = 0.08, d_cutoff: float = 1.0) -> None:
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.d_cutoff = d_cutoff
        self.x: np.ndarray | None = None
        self.dx: np.ndarray | None = None
        self.t: float | None = None
        # Speeds are judged relative to this size (the person's torso), so the
        # filter behaves the same for a person near the camera and far from it.
        # A float, or one size per coordinate (the last axis).
        self.scale: float | np.ndarray = 1.0

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
        cutoff = self.min_cutoff + self.beta * np.abs(self.dx) / self.scale
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
        # One filter over picture (x, y) and world (x, y, z) coordinates together: half the
        # numpy calls of two filters, on every frame. Picture speeds are judged relative to
        # the person's torso, world speeds in metres.
        self.filter = OneEuroFilter()
        self._scales = np.ones(5)
        self._with_world: bool | None = None
        self.scale: float | None = None
        # t, hands rel. shoulders, hip centre, hand velocity, nose rel. shoulders, hands in the body frame
        self.prev: tuple | None = None

    def reset(self) -> None:
        self.filter.reset()
        self._with_world = None
        self.scale = None
        self.prev = None

    def update(self, pose: Pose) -> FeatureFrame:
        if pose.landmarks is None:
            self.prev = None
            return FeatureFrame(pose.t, np.zeros(N_FEATURES, np.float32), False)
        w, h = pose.image_size if pose.image_size[1] else (1, 1)
        with_world = pose.world is not None
        if with_world != self._with_world:  # a source that gains or loses world landmarks: start afresh
            self.filter.reset()
            self._with_world = with_world
        both = np.zeros((len(pose.landmarks), 5))
        # Picture-height units on both axes, so distances do not depend on the aspect.
        both[:, 0] = pose.landmarks[:, 0] * (w / h)
        both[:, 1] = pose.landmarks[:, 1]
        if with_world:
            both[:, 2:] = pose.world[:, :3]
        self._scales[:2] = self.scale or 1.0
        self.filter.scale = self._scales
        both = self.filter(both, pose.t)
        seen = pose.landmarks[_HANDS, 3]
        return self._describe(both[:, :2], pose.t, both[:, 2:] if with_world else None,
                              (float(seen[:4].mean()), float(seen[4:].mean())))

    @staticmethod
    def _body_frame(world: list) -> tuple[list[tuple[float, ...]], tuple[float, float]]:
        """Each hand's forward, up, outward position, 3D face distance and finger direction
        (forward, up), in torsos; and the nose's forward and up position.

        The frame turns with the body (x along the shoulders, y up the spine),
        so these do not depend on where the camera stands. Plain floats: on
        33 points numpy's per-call overhead costs more than the arithmetic."""
        ls, rs, lh, rh = world[_LS], world[_RS], world[_LH], world[_RH]
        sh = [(a + b) / 2 for a, b in zip(ls, rs, strict=True)]
        up = [a - (b + c) / 2 for a, b, c in zip(sh, lh, rh, strict=True)]
        torso = math.sqrt(_dot(up, up)) + 1e-6
        up = [u / torso for u in up]
        across = [a - b for a, b in zip(ls, rs, strict=True)]
        k = _dot(across, up)
        across = [a - k * u for a, u in zip(across, up, strict=True)]
        na = math.sqrt(_dot(across, across)) + 1e-6
        across = [a / na for a in across]
        # across x up; MediaPipe's y points down, so this is the body's forward.
        fwd = [across[1] * up[2] - across[2] * up[1], across[2] * up[0] - across[0] * up[2],
               across[0] * up[1] - across[1] * up[0]]
        nose = world[_NOSE]
        out = []
        for side, sign in ((0, 1.0), (1, -1.0)):
            pts = [world[i] for i in _HANDS[4 * side:4 * side + 4]]
            hand = [sum(c) / 4 for c in zip(*pts, strict=True)]
            d = [h - c for h, c in zip(hand, sh, strict=True)]
            wrist, index = world[_HANDS[4 * side]], world[_HANDS[4 * side + 1]]
            f = [a - b for a, b in zip(index, wrist, strict=True)]
            nf = math.sqrt(_dot(f, f)) + 1e-6
            out.append((_dot(d, fwd) / torso, _dot(d, up) / torso, sign * _dot(d, across) / torso,
                        math.dist(hand, nose) / torso, _dot(f, fwd) / nf, _dot(f, up) / nf))
        dn = [a - b for a, b in zip(nose, sh, strict=True)]
        return out, (_dot(dn, fwd) / torso, _dot(dn, up) / torso)

    def _describe(self, xy: np.ndarray, t: float, world: np.ndarray | None = None,
                  seen: tuple[float, float] = (1.0, 1.0)) -> FeatureFrame:
        p = xy.tolist()
        (lsx, lsy), (rsx, rsy) = p[_LS], p[_RS]
        sx, sy = (lsx + rsx) / 2, (lsy + rsy) / 2
        hx, hy = (p[_LH][0] + p[_RH][0]) / 2, (p[_LH][1] + p[_RH][1]) / 2
        width = math.hypot(lsx - rsx, lsy - rsy)
        torso = max(math.hypot(sx - hx, sy - hy), 1.2 * width, 1e-3)
        # Slow to change: a person's size does not jump between frames. With the hips out
        # of the picture the torso shrinks, so it is never taken below the shoulders' width.
        self.scale = s = torso if self.scale is None else 0.9 * self.scale + 0.1 * torso
        nx, ny = p[_NOSE]
        mx, my = (p[_ML][0] + p[_MR][0]) / 2, (p[_ML][1] + p[_MR][1]) / 2
        ears = (p[_LE_EAR], p[_RE_EAR])
        hands = []
        for side in (0, 1):
            pts = [p[i] for i in _HANDS[4 * side:4 * side + 4]]
            hands.append((sum(q[0] for q in pts) / 4, sum(q[1] for q in pts) / 4))
        # Hands relative to the shoulders: a person walking past the camera carries both hands
        # along at walking speed, which is not an arm movement.
        rel = [(hx_ - sx, hy_ - sy) for hx_, hy_ in hands]
        head = (nx - sx, ny - sy)
        if self.prev is not None and t > self.prev[0]:
            dt = t - self.prev[0]
            ph, (phx, phy), pv, (pnx, pny) = self.prev[1], self.prev[2], self.prev[3], self.prev[4]
            hand_v = [((rel[k][0] - ph[k][0]) / (dt * s), (rel[k][1] - ph[k][1]) / (dt * s)) for k in (0, 1)]
            body_v = math.hypot(hx - phx, hy - phy) / (dt * s)
            hand_a = [math.hypot(hand_v[k][0] - pv[k][0], hand_v[k][1] - pv[k][1]) / dt for k in (0, 1)]
            head_v = math.hypot(head[0] - pnx, head[1] - pny) / (dt * s)
        else:
            hand_v = [(0.0, 0.0), (0.0, 0.0)]
            body_v = head_v = 0.0
            hand_a = [0.0, 0.0]
        body3, head3 = self._body_frame(world.tolist()) if world is not None else ([(0.0,) * 6] * 2, (0.0, 0.0))
        if self.prev is not None and t > self.prev[0] and self.prev[5] is not None and world is not None:
            dt = t - self.prev[0]
            speed3 = [math.dist(body3[k][:3], self.prev[5][k][:3]) / dt for k in (0, 1)]
        else:
            speed3 = [0.0, 0.0]
        self.prev = (t, rel, (hx, hy), hand_v, head, body3 if world is not None else None)
        out: list[float] = []
        face = []
        for k, (si, ei, wi) in enumerate(((_LS, _LEL, _LW), (_RS, _REL, _RW))):
            (ax, ay), (ex, ey), (wx, wy) = p[si], p[ei], p[wi]
            hx_, hy_ = hands[k]
            ux, uy, fx, fy = ax - ex, ay - ey, wx - ex, wy - ey
            cos = (ux * fx + uy * fy) / (math.hypot(ux, uy) * math.hypot(fx, fy) + 1e-9)
            d_nose = math.hypot(hx_ - nx, hy_ - ny) / s
            d_ear = min(math.hypot(hx_ - e[0], hy_ - e[1]) for e in ears) / s
            face.append(min(d_nose, d_ear))
            out += [(sy - hy_) / s, abs(hx_ - sx) / s, d_nose, math.hypot(hx_ - mx, hy_ - my) / s, d_ear,
                    (ny - hy_) / s, (sy - ey) / s, -cos, math.hypot(hx_ - ax, hy_ - ay) / s,
                    math.hypot(*hand_v[k]), -hand_v[k][1], min(hand_a[k], 50.0), *body3[k][:4],
                    min(speed3[k], 20.0), *body3[k][4:], seen[k]]
        out += [math.hypot(hands[0][0] - hands[1][0], hands[0][1] - hands[1][1]) / s, width / s, body_v,
                abs(sx - hx) / s, ((ears[0][1] + ears[1][1]) / 2 - ny) / s, min(head_v, 20.0), max(face), *head3]
        return FeatureFrame(t, np.array(out, np.float32), True, s)


def _dot(a, b) -> float:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def sequence(poses) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features of a whole sequence: (t (T,), values (T, F), seen (T,))."""
    ext = FeatureExtractor()
    frames = [ext.update(p) for p in poses]
    return (np.array([f.t for f in frames]), np.stack([f.values for f in frames]),
            np.array([f.seen for f in frames]))


_ARM_UP = ARM_CHANNELS.index("up")
_ARM_SEEN = ARM_CHANNELS.index("seen")


def order_arms(values: np.ndarray) -> np.ndarray:
    """(T, F) features with the acting arm's channels first.

    Active is how far the hand's height ranged, not how fast it moved: walking swings both
    arms all the time, and a swinging arm's speed outweighs a hand raised once to the mouth
    (docs/recognition.md, "The shipped library")."""
    if not len(values):
        return values
    # Column ranges and sums of the channels at once (this runs on every frame).
    cols = values[:, [_ARM_UP, N_ARM + _ARM_UP, _ARM_SEEN, N_ARM + _ARM_SEEN]]
    top, bottom, seen = cols[:, :2].max(axis=0), cols[:, :2].min(axis=0), cols[:, 2:].sum(axis=0)
    # An arm the pose model barely sees (the far arm, side-on) is guessed, often as a jittery
    # copy of the near one; its apparent activity counts by how well it is seen.
    left, right = (top - bottom) * (seen + 1e-6)  # unseen both: as if seen alike
    if right >= left:
        return np.concatenate([values[:, N_ARM:2 * N_ARM], values[:, :N_ARM], values[:, 2 * N_ARM:]], axis=1)
    return values

"""The virtual actor: natural landmark sequences of arm actions, made from scratch.

A standing body of varied size and handedness moves its hands along
minimum-jerk paths (Flash & Hogan 1985: bell-shaped speed profiles) between
targets on the body (mouth, ear) and in the world (a cup, a place, a point
far away); meaningless movements are cyclic (circles, waving) or wander
without settling. Elbows follow by two-link inverse kinematics. The result
is 3D points in MediaPipe's layout, filmed by demo/virtual_camera.py from a
random viewpoint with landmark jitter. It makes the shipped examples, and
later the model's own actions and the kiosk's attract loop. It must not
read or write files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .landmarks import INDEX
from .recording import Recording
from .virtual_camera import POSE_MODEL, Camera, film_points

FPS = 60.0  # internal simulation rate; filmed at the recording's rate
UP = np.array([0.0, 1.0, 0.0])
FWD = np.array([0.0, 0.0, 1.0])   # the actor faces +z
LEFT = np.array([1.0, 0.0, 0.0])  # and its left is +x (the Acclaim convention)


@dataclass
class Body:
    height: float = 1.72
    handed: str = "right"
    build: float = 1.0  # shoulder and hip width factor

    @property
    def upper_arm(self) -> float:
        return 0.172 * self.height

    @property
    def forearm(self) -> float:
        return 0.157 * self.height

    def base_points(self) -> np.ndarray:
        """(33, 3) a relaxed standing pose, hips centred at x = z = 0."""
        h, b = self.height, self.build
        p = np.zeros((33, 3))

        def put(name, x, y, z=0.0):
            p[INDEX[name]] = (x, y, z)

        for side, s in (("left", 1), ("right", -1)):
            put(f"{side}_shoulder", s * 0.13 * h * b, 0.818 * h)
            put(f"{side}_hip", s * 0.09 * h * b, 0.53 * h)
            put(f"{side}_knee", s * 0.09 * h * b, 0.285 * h, 0.01)
            put(f"{side}_ankle", s * 0.085 * h * b, 0.045 * h)
            put(f"{side}_heel", s * 0.085 * h * b, 0.015 * h, -0.04)
            put(f"{side}_foot_index", s * 0.095 * h * b, 0.005 * h, 0.12)
        head = np.array([0, 0.915 * h, 0.01])
        put("nose", *(head + [0, -0.005 * h, 0.06 * h]))
        for side, s in (("left", 1), ("right", -1)):
            put(f"{side}_eye_inner", *(head + [s * 0.012 * h, 0.012 * h, 0.052 * h]))
            put(f"{side}_eye", *(head + [s * 0.022 * h, 0.013 * h, 0.05 * h]))
            put(f"{side}_eye_outer", *(head + [s * 0.032 * h, 0.012 * h, 0.045 * h]))
            put(f"{side}_ear", *(head + [s * 0.045 * h, 0.0, 0.0]))
            put(f"mouth_{side}", *(head + [s * 0.014 * h, -0.03 * h, 0.052 * h]))
        return p

    def rest_hand(self, side: str) -> np.ndarray:
        s = 1 if side == "left" else -1
        sh = self.base_points()[INDEX[f"{side}_shoulder"]]
        return sh + np.array([s * 0.03, -(self.upper_arm + self.forearm) * 0.93, 0.06])


def min_jerk(p0: np.ndarray, p1: np.ndarray, n: int) -> np.ndarray:
    """n points from p0 to p1 with the minimum-jerk profile (bell-shaped speed)."""
    tau = np.linspace(0.0, 1.0, max(2, n))[:, None]
    s = 10 * tau ** 3 - 15 * tau ** 4 + 6 * tau ** 5
    return p0 + (p1 - p0) * s


class HandPath:
    """A hand's trajectory built step by step at FPS."""

    def __init__(self, start: np.ndarray, rng: np.random.Generator) -> None:
        self.points = [np.asarray(start, float)]
        self.rng = rng
        self.marks: dict[str, float] = {}  # named moments (seconds), e.g. when the hand reaches its goal

    def mark(self, name: str) -> HandPath:
        self.marks[name] = (len(self.points) - 1) / FPS
        return self

    @property
    def here(self) -> np.ndarray:
        return self.points[-1]

    def move(self, to: np.ndarray, seconds: float) -> HandPath:
        # A slight curve, as real reaches are not ruler-straight.
        seg = min_jerk(self.here, np.asarray(to, float), int(seconds * FPS) + 1)[1:]
        bow = np.sin(np.linspace(0, np.pi, len(seg)))[:, None] * self.rng.normal(0, 0.015, 3)
        self.points.extend(seg + bow)
        return self

    def hold(self, seconds: float, tremor: float = 0.003) -> HandPath:
        n = int(seconds * FPS)
        drift = np.cumsum(self.rng.normal(0, tremor / 4, (n, 3)), axis=0)
        self.points.extend(self.here + np.clip(drift, -tremor * 3, tremor * 3))
        return self

    def follow(self, fn: Callable[[float], np.ndarray], seconds: float) -> HandPath:
        """Move along fn(t) for t in [0, seconds), starting with a smooth join."""
        n = int(seconds * FPS)
        pts = np.array([fn(i / FPS) for i in range(n)])
        join = min(n, int(0.25 * FPS))
        if join:
            w = min_jerk(np.zeros(1), np.ones(1), join)
            pts[:join] = self.here * (1 - w) + pts[:join] * w
        self.points.extend(pts)
        return self

    def array(self, n: int) -> np.ndarray:
        pts = np.array(self.points)
        if len(pts) < n:
            pts = np.vstack([pts, np.repeat(pts[-1:], n - len(pts), axis=0)])
        return pts[:n]


def solve_arm(shoulder: np.ndarray, hand: np.ndarray, upper: float, fore: float,
              pole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Elbow and wrist for a hand target (two-link IK; the elbow bends towards `pole`)."""
    d = hand - shoulder
    dist = np.linalg.norm(d, axis=-1, keepdims=True)
    reach = upper + fore - 1e-3
    wrist = shoulder + d * np.minimum(1.0, reach / np.maximum(dist, 1e-6))
    d = wrist - shoulder
    dist = np.clip(np.linalg.norm(d, axis=-1, keepdims=True), 1e-6, reach)
    axis = d / dist
    a = (upper ** 2 - fore ** 2 + dist ** 2) / (2 * dist)
    r = np.sqrt(np.maximum(upper ** 2 - a ** 2, 0.0))
    perp = pole - (pole * axis).sum(-1, keepdims=True) * axis
    perp /= np.linalg.norm(perp, axis=-1, keepdims=True) + 1e-9
    return shoulder + a * axis + r * perp, wrist


def _pose_sequence(body: Body, hands: dict[str, np.ndarray], rng: np.random.Generator) -> np.ndarray:
    n = len(next(iter(hands.values())))
    base = body.base_points()
    pts = np.repeat(base[None], n, axis=0)
    # A little postural sway, as nobody stands perfectly still.
    t = np.arange(n) / FPS
    sway = (0.008 * np.sin(2 * np.pi * 0.23 * t + rng.uniform(0, 6)))[:, None] * LEFT
    pts += sway[:, None, :] * (pts[..., 1:2] / body.height)
    for side, s in (("left", 1), ("right", -1)):
        shoulder = pts[:, INDEX[f"{side}_shoulder"]]
        hand = hands[side]
        pole = np.array([s * 0.6, -1.0, -0.35])
        elbow, wrist = solve_arm(shoulder, hand, body.upper_arm, body.forearm, pole)
        fore = wrist - elbow
        fore /= np.linalg.norm(fore, axis=-1, keepdims=True) + 1e-9
        across = np.cross(fore, UP)
        across /= np.linalg.norm(across, axis=-1, keepdims=True) + 1e-9
        hl = 0.06 * body.height
        pts[:, INDEX[f"{side}_elbow"]] = elbow
        pts[:, INDEX[f"{side}_wrist"]] = wrist
        pts[:, INDEX[f"{side}_index"]] = wrist + hl * fore + 0.01 * across * s
        pts[:, INDEX[f"{side}_pinky"]] = wrist + 0.8 * hl * fore - 0.025 * across * s
        pts[:, INDEX[f"{side}_thumb"]] = wrist + 0.45 * hl * fore + 0.03 * across * s
    return pts


# --- the actions --------------------------------------------------------------
# Each script moves the acting hand `a` (and may move the other hand `b`).

def _face(body: Body, name: str, side: str) -> np.ndarray:
    """Where the wrist goes so that the hand (or what it holds) is at a face target."""
    p = body.base_points()
    h = body.height
    if name == "mouth":
        return (p[INDEX["mouth_left"]] + p[INDEX["mouth_right"]]) / 2 + FWD * 0.05 - UP * 0.045 * h
    if name == "ear":
        return p[INDEX[f"{side}_ear"]] + (LEFT if side == "left" else -LEFT) * 0.04 - UP * 0.05 * h
    raise ValueError(name)


def _object(body: Body, side: str, rng: np.random.Generator, lateral: float = 0.0) -> np.ndarray:
    s = 1 if side == "left" else -1
    return np.array([s * (0.12 + lateral) * body.height, rng.uniform(0.52, 0.66) * body.height,
                     rng.uniform(0.3, 0.42) * body.height / 1.72])


def _speed(rng) -> float:
    return rng.uniform(0.75, 1.3)


def reach_to_grasp(a: HandPath, b: HandPath, body: Body, side: str, rng) -> None:
    k = _speed(rng)
    cup = _object(body, side, rng)
    # Reach, close the hand on the object and keep it: the goal is to hold it.
    a.hold(rng.uniform(0.2, 0.6)).move(cup, 0.9 * k).hold(rng.uniform(0.5, 1.0))
    a.move(cup + np.array([0.0, 0.03, -0.08]) * body.height, 0.6 * k).hold(rng.uniform(0.4, 0.8))


def grasp_to_mouth(a, b, body, side, rng) -> None:
    k = _speed(rng)
    cup = _object(body, side, rng)
    a.hold(rng.uniform(0.2, 0.5)).move(cup, 0.8 * k).mark("grasp").hold(0.3 * k)
    a.move(_face(body, "mouth", side), 0.8 * k).mark("goal").hold(rng.uniform(0.6, 1.4)).move(cup, 0.7 * k)
    a.hold(0.2)


def grasp_to_place(a, b, body, side, rng) -> None:
    k = _speed(rng)
    cup = _object(body, side, rng)
    place = _object(body, side, rng, lateral=rng.uniform(0.12, 0.25)) + np.array([0, -0.05, 0.05])
    a.hold(rng.uniform(0.2, 0.5)).move(cup, 0.8 * k).mark("grasp").hold(0.3 * k)
    a.move(place, 0.8 * k).mark("goal").hold(0.35 * k).move(body.rest_hand(side), 0.9 * k)


def point(a, b, body, side, rng) -> None:
    k = _speed(rng)
    s = 1 if side == "left" else -1
    direction = np.array([s * rng.uniform(0.1, 0.8), rng.uniform(-0.1, 0.5), 1.0])
    direction /= np.linalg.norm(direction)
    shoulder = body.base_points()[INDEX[f"{side}_shoulder"]]
    target = shoulder + direction * (body.upper_arm + body.forearm) * 0.97
    a.hold(rng.uniform(0.2, 0.5)).move(target, 0.7 * k).hold(rng.uniform(0.7, 1.4))
    a.move(body.rest_hand(side), 0.8 * k)


def hand_to_ear(a, b, body, side, rng) -> None:
    k = _speed(rng)
    a.hold(rng.uniform(0.2, 0.5)).move(_face(body, "ear", side), 0.9 * k).hold(rng.uniform(1.2, 2.2))
    if rng.random() < 0.85:  # most calls end with the hand back down
        a.move(body.rest_hand(side), 0.9 * k)


def arm_circles(a, b, body, side, rng) -> None:
    period = rng.uniform(0.9, 1.6)
    both = rng.random() < 0.6
    r = (body.upper_arm + body.forearm) * 0.95

    def circle(which: str, phase: float):
        s = 1 if which == "left" else -1
        sh = body.base_points()[INDEX[f"{which}_shoulder"]] + LEFT * s * 0.04
        sideways = rng.random() < 0.3
        axis = LEFT * s if sideways else FWD
        return lambda t: sh + r * (np.cos(2 * np.pi * t / period + phase) * axis
                                   - np.sin(2 * np.pi * t / period + phase) * UP * -1) * 1.0

    cycles = rng.uniform(2.0, 4.0)
    a.follow(circle(side, -np.pi / 2), cycles * period)
    if both:
        other = "left" if side == "right" else "right"
        b.follow(circle(other, -np.pi / 2), cycles * period)


def waving(a, b, body, side, rng) -> None:
    """A wave: raise the hand beside the head, swing the forearm about the elbow, lower it.

    People wave from the elbow (the hand sweeps an arc, not a straight line) and, like
    every performance filmed at rest, usually end with the arm back down."""
    s = 1 if side == "left" else -1
    sh = body.base_points()[INDEX[f"{side}_shoulder"]]
    u, fore = body.upper_arm, body.forearm
    elbow = sh + u * (s * rng.uniform(0.7, 1.0) * LEFT - rng.uniform(0.0, 0.25) * UP + rng.uniform(0.1, 0.4) * FWD)
    tilt = np.radians(rng.uniform(-10, 25))     # the forearm leans out a little
    swing = np.radians(rng.uniform(15, 35))     # half the arc
    f = rng.uniform(1.2, 2.5)

    def hand(t: float) -> np.ndarray:
        theta = tilt + swing * np.sin(2 * np.pi * f * t)
        return elbow + fore * (np.sin(theta) * s * LEFT + np.cos(theta) * UP)

    k = _speed(rng)
    a.hold(rng.uniform(0.2, 0.5)).move(hand(0.0), 0.7 * k)
    a.follow(hand, rng.uniform(1.2, 3.0))
    if rng.random() < 0.85:
        a.move(body.rest_hand(side), 0.8 * k)


def flailing(a, b, body, side, rng) -> None:
    """Aimless: both hands wander continuously, a sum of slow random swings, never settling.

    Not a chain of point-to-point moves: each of those would be an aimed stroke with
    a bell-shaped speed profile ending at rest, which is what goal-directed means here."""
    seconds = rng.uniform(2.0, 3.5)
    for hand, which in ((a, side), (b, "left" if side == "right" else "right")):
        s = 1 if which == "left" else -1
        sh = body.base_points()[INDEX[f"{which}_shoulder"]]
        centre = sh + np.array([s * rng.uniform(0.1, 0.3), rng.uniform(-0.35, 0.1), rng.uniform(0.1, 0.3)])
        freqs = rng.uniform(0.6, 2.2, (3, 3))
        amps = rng.uniform(0.08, 0.22, (3, 3)) * np.array([1.0, 1.3, 0.8])
        phases = rng.uniform(0, 2 * np.pi, (3, 3))

        def wander(t: float, centre=centre, freqs=freqs, amps=amps, phases=phases) -> np.ndarray:
            return centre + (amps * np.sin(2 * np.pi * freqs * t + phases)).sum(axis=0)

        hand.move(wander(0.0), 0.4)
        hand.follow(wander, seconds)
        if rng.random() < 0.8:
            hand.move(body.rest_hand(which), 0.7)


def stretching(a, b, body, side, rng) -> None:
    """Aimless: both arms go up (or out) together, hold, and come down."""
    k = _speed(rng)
    overhead = rng.random() < 0.6
    for hand, which in ((a, side), (b, "left" if side == "right" else "right")):
        s = 1 if which == "left" else -1
        sh = body.base_points()[INDEX[f"{which}_shoulder"]]
        reach = (body.upper_arm + body.forearm) * 0.97
        direction = (np.array([s * rng.uniform(0.05, 0.35), 1.0, rng.uniform(-0.1, 0.2)]) if overhead
                     else np.array([s * 1.0, rng.uniform(-0.1, 0.4), rng.uniform(-0.1, 0.3)]))
        direction /= np.linalg.norm(direction)
        hand.hold(rng.uniform(0.2, 0.4)).move(sh + direction * reach, 1.0 * k).hold(rng.uniform(0.6, 1.5))
        hand.move(body.rest_hand(which), 1.0 * k)


def idle(a, b, body, side, rng) -> None:
    a.hold(rng.uniform(2.0, 3.5), tremor=0.006)


SCRIPTS: dict[str, Callable] = {
    "reach-to-grasp": reach_to_grasp,
    "grasp-to-mouth": grasp_to_mouth,
    "grasp-to-place": grasp_to_place,
    "point": point,
    "hand-to-ear": hand_to_ear,
    "arm-circles": arm_circles,
    "waving": waving,
    "flailing": flailing,
    "stretching": stretching,
    "idle": idle,
}


def random_body(rng: np.random.Generator) -> Body:
    return Body(height=rng.uniform(1.5, 1.95), handed="left" if rng.random() < 0.3 else "right",
                build=rng.uniform(0.9, 1.1))


def random_camera(rng: np.random.Generator, fps_noise: float = 0.003) -> Camera:
    # Any angle from the front to either side, equally likely: visitors walk past side-on as
    # often as they face the camera. Kiosk distances and heights.
    yaw = rng.uniform(-95, 95)
    return Camera(distance=rng.uniform(2.0, 3.4), height=rng.uniform(1.0, 1.6), yaw_deg=float(yaw),
                  noise=rng.uniform(0.5, 1.5) * fps_noise, seed=int(rng.integers(1 << 30)))


def perform(action: str, rng: np.random.Generator, body: Body | None = None) -> np.ndarray:
    """(N, 33, 3) world points at FPS for one performance of `action`."""
    return perform_marked(action, rng, body)[0]


def perform_marked(action: str, rng: np.random.Generator,
                   body: Body | None = None) -> tuple[np.ndarray, dict[str, float]]:
    """perform(), and the acting hand's named moments in seconds ("grasp", "goal"...)."""
    if action not in SCRIPTS:
        raise KeyError(f"the virtual actor cannot perform {action!r}; it knows {', '.join(SCRIPTS)}")
    body = body or random_body(rng)
    side = body.handed
    other = "left" if side == "right" else "right"
    a = HandPath(body.rest_hand(side), rng)
    b = HandPath(body.rest_hand(other), rng)
    SCRIPTS[action](a, b, body, side, rng)
    a.hold(rng.uniform(0.2, 0.5))
    n = max(len(a.points), len(b.points))
    b.hold(max(0.0, (n - len(b.points)) / FPS) + 0.01)
    return _pose_sequence(body, {side: a.array(n), other: b.array(n)}, rng), dict(a.marks)


def recording(action: str, seed: int, fps: float = 15.0) -> Recording:
    """One filmed performance, as a landmark recording."""
    return marked_recording(action, seed, fps)[0]


def marked_recording(action: str, seed: int, fps: float = 15.0) -> tuple[Recording, dict[str, float]]:
    """recording(), and the acting hand's named moments in the recording's time."""
    rng = np.random.default_rng(seed)
    points, marks = perform_marked(action, rng)
    cam = random_camera(rng)
    t, lm, world = film_points(points, FPS, cam, fps)
    return Recording(t=t, landmarks=lm, world=world, fps=FPS / max(1, int(round(FPS / fps))),
                     source=f"virtual actor: {action}, seed {seed}", image_size=(cam.width, cam.height_px),
                     pose_model=POSE_MODEL, label=action,
                     attribution="Generated by Mirror's virtual actor (demo/virtual_actor.py)."), marks

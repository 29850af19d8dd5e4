"""The virtual actor: natural landmark sequences of arm actions, made from scratch.

A standing or walking body of varied size and handedness moves its hands along
minimum-jerk paths (Flash & Hogan 1985: bell-shaped speed profiles) between
targets on the body (mouth, ear) and in the world (a cup, a place, a point
far away); meaningless movements are cyclic (circles, waving) or wander
without settling. Elbows follow by two-link inverse kinematics. A walking
body (`Gait`) steps forward while it acts: legs swing, the pelvis bobs and
a hand at rest swings with the opposite leg. The result
is 3D points in MediaPipe's layout, filmed by demo/synth/virtual_camera.py from a
random viewpoint with landmark jitter. It makes the shipped examples, and
later the model's own actions and the kiosk's attract loop. It must not
read or write files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from demo.landmarks import INDEX
from demo.recording import Recording
from demo.synth.virtual_camera import POSE_MODEL, Camera, film_points

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


class BothHands:
    """The two hands doing one thing together (a mug held in both): the acting
    hand's moves, with the other hand `gap` beside it, in step."""

    def __init__(self, a: HandPath, b: HandPath, gap: np.ndarray) -> None:
        self.a, self.b, self.gap = a, b, gap

    def mark(self, name: str) -> BothHands:
        self.a.mark(name)
        return self

    def move(self, to: np.ndarray, seconds: float) -> BothHands:
        self.a.move(to, seconds)
        self.b.move(np.asarray(to) + self.gap, seconds)
        return self

    def hold(self, seconds: float) -> BothHands:
        self.a.hold(seconds)
        self.b.hold(seconds)
        return self


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


@dataclass(frozen=True)
class Gait:
    """How a walking body walks. Real walkers step at about one gait cycle (two steps) a
    second; people acting while they walk, as in BIISC's clips, walk slowly."""

    speed: float = 0.8       # metres per second, forwards
    cadence: float = 0.9     # gait cycles per second
    arm_swing: float = 0.12  # metres a hand at rest swings forwards and back
    phase: float = 0.0
    lead_in: float = 1.0     # seconds walked before acting...
    lead_out: float = 1.0    # ...and after

    def cycle(self, t: np.ndarray) -> np.ndarray:
        return 2 * np.pi * self.cadence * t + self.phase

    def distance(self, seconds: float) -> float:
        return self.speed * seconds


def random_gait(rng: np.random.Generator) -> Gait:
    return Gait(speed=rng.uniform(0.4, 1.0), cadence=rng.uniform(0.75, 1.0),
                arm_swing=rng.uniform(0.06, 0.16), phase=rng.uniform(0, 2 * np.pi),
                lead_in=rng.uniform(0.5, 1.5), lead_out=rng.uniform(0.5, 1.5))


_SWING_NEAR = 0.15  # metres: a hand this close to its rest position swings with the walk


def _swing_hands(body: Body, hands: dict[str, np.ndarray], gait: Gait) -> None:
    """A hand hanging at rest swings with the opposite leg; one that acts does not.

    Weighted by how near the hand is to rest, so the swing fades smoothly as a hand
    leaves to act and returns when it comes back down."""
    n = len(next(iter(hands.values())))
    phase = gait.cycle(np.arange(n) / FPS)
    for side, s in (("left", 1), ("right", -1)):
        rest = body.rest_hand(side)
        near = np.clip(1 - np.linalg.norm(hands[side] - rest, axis=1) / _SWING_NEAR, 0, 1)
        # The left leg leads with sin(phase) > 0, and the left arm then swings back.
        hands[side] = hands[side] - (near * s * gait.arm_swing * np.sin(phase))[:, None] * FWD


def _walk(body: Body, pts: np.ndarray, gait: Gait) -> None:
    """Step forwards: the legs swing, the pelvis bobs and sways, the body moves on."""
    n = len(pts)
    t = np.arange(n) / FPS
    phase = gait.cycle(t)
    # Half the step length either side of the hips: a stance foot then moves back
    # under the body at about the walking speed, as a planted foot must.
    reach = gait.speed / (2 * np.pi * gait.cadence)
    thigh, shin = 0.245 * body.height, 0.24 * body.height
    for side, s in (("left", 1), ("right", -1)):
        forward = s * reach * np.sin(phase)
        lift = 0.06 * body.height * np.maximum(0.0, s * np.cos(phase)) ** 2  # the foot swinging forwards
        step = forward[:, None] * FWD + lift[:, None] * UP
        for part in ("ankle", "heel", "foot_index"):
            pts[:, INDEX[f"{side}_{part}"]] += step
        hip, ankle = pts[:, INDEX[f"{side}_hip"]], pts[:, INDEX[f"{side}_ankle"]]
        knee, reached = solve_arm(hip, ankle, thigh, shin, FWD + 0.2 * UP)
        pts[:, INDEX[f"{side}_knee"]] = knee
        short = reached - ankle  # a foot beyond the leg's length comes in with it
        for part in ("ankle", "heel", "foot_index"):
            pts[:, INDEX[f"{side}_{part}"]] += short
    # Lowest as both feet are down (twice a cycle), swaying over the foot in stance.
    bob = 0.012 * body.height * np.cos(2 * phase)
    sway = 0.02 * np.sin(phase)
    above = pts[..., 1] > 0.3 * body.height  # the body above the knees rides on the hips
    pts += np.where(above[..., None], (bob[:, None] * UP + sway[:, None] * LEFT)[:, None, :], 0.0)
    pts += (gait.speed * t)[:, None, None] * FWD


def _pose_sequence(body: Body, hands: dict[str, np.ndarray], rng: np.random.Generator,
                   gait: Gait | None = None) -> np.ndarray:
    n = len(next(iter(hands.values())))
    base = body.base_points()
    pts = np.repeat(base[None], n, axis=0)
    t = np.arange(n) / FPS
    if gait is not None:
        _swing_hands(body, hands, gait)
    else:
        # A little postural sway, as nobody stands perfectly still.
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
    if gait is not None:
        _walk(body, pts, gait)
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


# People often drink from a mug held in both hands: in BIISC a third of the drinks (and two
# thirds of the face wipes) raise both hands. A virtual actor that always drank with one
# hand taught the movement model that two raised hands mean an aimless movement.
BOTH_HANDS = 0.35  # the share of drinks taken in both hands


def reach_to_grasp(a: HandPath, b: HandPath, body: Body, side: str, rng) -> None:
    k = _speed(rng)
    cup = _object(body, side, rng)
    # Reach, close the hand on the object and keep it: the goal is to hold it.
    a.hold(rng.uniform(0.2, 0.6)).move(cup, 0.9 * k).hold(rng.uniform(0.5, 1.0))
    a.move(cup + np.array([0.0, 0.03, -0.08]) * body.height, 0.6 * k).hold(rng.uniform(0.4, 0.8))


def _mug(a: HandPath, b: HandPath, side: str, rng) -> tuple[HandPath | BothHands, float, np.ndarray]:
    """The hand or hands that take the mug: (hands, how much nearer the body's midline the
    mug is, where the acting hand holds it from the mug's centre)."""
    if rng.random() >= BOTH_HANDS:
        return a, 0.0, np.zeros(3)
    s = 1 if side == "left" else -1
    width = rng.uniform(0.1, 0.16)  # between the two hands
    return BothHands(a, b, -s * width * LEFT), -0.11, s * width / 2 * LEFT


def grasp_to_mouth(a, b, body, side, rng) -> None:
    k = _speed(rng)
    hands, inward, grip = _mug(a, b, side, rng)
    cup = _object(body, side, rng, lateral=inward) + grip
    hands.hold(rng.uniform(0.2, 0.5)).move(cup, 0.8 * k).mark("grasp").hold(0.3 * k).mark("lift")
    hands.move(_face(body, "mouth", side) + grip, 0.8 * k).mark("goal").hold(rng.uniform(0.6, 1.4))
    hands.move(cup, 0.7 * k).hold(0.2)


def grasp_to_place(a, b, body, side, rng) -> None:
    k = _speed(rng)
    cup = _object(body, side, rng)
    place = _object(body, side, rng, lateral=rng.uniform(0.12, 0.25)) + np.array([0, -0.05, 0.05])
    a.hold(rng.uniform(0.2, 0.5)).move(cup, 0.8 * k).mark("grasp").hold(0.3 * k).mark("lift")
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


def perform(action: str, rng: np.random.Generator, body: Body | None = None,
            gait: Gait | None = None) -> np.ndarray:
    """(N, 33, 3) world points at FPS for one performance of `action` (walking with `gait`)."""
    return perform_marked(action, rng, body, gait)[0]


def perform_marked(action: str, rng: np.random.Generator, body: Body | None = None,
                   gait: Gait | None = None) -> tuple[np.ndarray, dict[str, float]]:
    """perform(), and the acting hand's named moments in seconds ("grasp", "goal"...)."""
    if action not in SCRIPTS:
        raise KeyError(f"the virtual actor cannot perform {action!r}; it knows {', '.join(SCRIPTS)}")
    body = body or random_body(rng)
    side = body.handed
    other = "left" if side == "right" else "right"
    a = HandPath(body.rest_hand(side), rng)
    b = HandPath(body.rest_hand(other), rng)
    if gait is not None:  # a walker comes walking and walks on
        a.hold(gait.lead_in)
        b.hold(gait.lead_in)
    SCRIPTS[action](a, b, body, side, rng)
    a.hold(rng.uniform(0.2, 0.5) + (gait.lead_out if gait is not None else 0.0))
    n = max(len(a.points), len(b.points))
    b.hold(max(0.0, (n - len(b.points)) / FPS) + 0.01)
    return _pose_sequence(body, {side: a.array(n), other: b.array(n)}, rng, gait), dict(a.marks)


def recording(action: str, seed: int, fps: float = 15.0, walking: bool = False) -> Recording:
    """One filmed performance, as a landmark recording."""
    return marked_recording(action, seed, fps, walking)[0]


_NEAREST = 2.0  # metres: a walker coming towards the camera is filmed no closer than this


def marked_recording(action: str, seed: int, fps: float = 15.0,
                     walking: bool = False) -> tuple[Recording, dict[str, float]]:
    """recording(), and the acting hand's named moments in the recording's time."""
    rng = np.random.default_rng(seed)
    # Its own draws, so that a standing performance of a seed stays what it was.
    gait = random_gait(np.random.default_rng([seed, 1])) if walking else None
    points, marks = perform_marked(action, rng, gait=gait)
    cam = random_camera(rng)
    if gait is not None:  # the camera looks at the middle of the walk; keep the walker in front of it
        half = gait.distance(len(points) / FPS) / 2 * abs(np.cos(np.radians(cam.yaw_deg)))
        cam = replace(cam, distance=max(cam.distance, _NEAREST + half))
    t, lm, world = film_points(points, FPS, cam, fps)
    how = ", walking" if walking else ""
    return Recording(t=t, landmarks=lm, world=world, fps=FPS / max(1, int(round(FPS / fps))),
                     source=f"virtual actor: {action}{how}, seed {seed}", image_size=(cam.width, cam.height_px),
                     pose_model=POSE_MODEL, label=action,
                     attribution="Generated by Mirror's virtual actor (demo/synth/virtual_actor.py)."), marks

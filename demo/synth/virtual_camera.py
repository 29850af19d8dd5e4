"""Film 3D joints with a virtual pinhole camera to make MediaPipe-like landmarks.

Takes 3D points (from motion capture or the virtual actor) and returns the 33
landmarks MediaPipe would report: image x, y in [0, 1], z relative to the
hips in image-width units, visibility; plus world landmarks in metres about
the hip centre (x right, y down, z away from the camera); both jitter as
MediaPipe's do. Face points missing from mocap are placed on the head from
its rotation. This module computes; it reads and writes no files.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demo.datasets.hdm05 import Motion
from demo.landmarks import INDEX
from demo.recording import SYNTHETIC_POSE_MODEL

WORLD_JITTER = 0.5  # world landmarks' jitter against the picture's, at the person's distance
POSE_MODEL = SYNTHETIC_POSE_MODEL  # what recordings filmed here name as their pose model


@dataclass
class Camera:
    distance: float = 2.6   # metres from the middle of the person's path (their hips)
    height: float = 1.2     # camera height above the floor, metres
    yaw_deg: float = 0.0    # 0: facing the person; 90: their side
    hfov_deg: float = 60.0
    width: int = 640
    height_px: int = 480
    noise: float = 0.002    # landmark jitter, in image fractions (MediaPipe's is of this order)
    seed: int = 0


def _acclaim_landmarks(m: Motion) -> np.ndarray:
    """(N, 33, 3) world points (y up) for the MediaPipe layout."""
    p = m.positions
    n = p["root"].shape[0]
    out = np.zeros((n, 33, 3))

    def put(name: str, value: np.ndarray) -> None:
        out[:, INDEX[name]] = value

    for side, s in (("left", "l"), ("right", "r")):
        put(f"{side}_shoulder", p[f"{s}clavicle"])
        put(f"{side}_elbow", p[f"{s}humerus"])
        put(f"{side}_wrist", p[f"{s}wrist"])
        hand_dir = p[f"{s}fingers"] - p[f"{s}wrist"]
        thumb_dir = p[f"{s}thumb"] - p[f"{s}wrist"]
        put(f"{side}_index", p[f"{s}fingers"])
        put(f"{side}_pinky", p[f"{s}wrist"] + 0.85 * hand_dir - 0.4 * thumb_dir)
        put(f"{side}_thumb", p[f"{s}thumb"])
        put(f"{side}_hip", p[f"{s}hipjoint"])
        put(f"{side}_knee", p[f"{s}femur"])
        put(f"{side}_ankle", p[f"{s}tibia"])
        put(f"{side}_foot_index", p[f"{s}toes"])
        foot = p[f"{s}foot"] - p[f"{s}tibia"]
        put(f"{side}_heel", p[f"{s}tibia"] - 0.35 * foot + np.array([0.0, -0.05, 0.0]))

    # The face, from the head bone: its centre a third of the way from the
    # neck top to the crown, where MediaPipe puts the eyes and nose.
    rot = m.rotations["head"]
    centre = p["upperneck"] + 0.35 * (p["head"] - p["upperneck"])
    fwd, up, left = rot[:, :, 2], rot[:, :, 1], rot[:, :, 0]  # Acclaim: +z front, +y up, +x left

    def face(f: float, u: float, lft: float) -> np.ndarray:
        return centre + f * fwd + u * up + lft * left

    put("nose", face(0.10, -0.01, 0))
    for side, sign in (("left", 1), ("right", -1)):
        put(f"{side}_eye_inner", face(0.085, 0.03, sign * 0.017))
        put(f"{side}_eye", face(0.08, 0.03, sign * 0.032))
        put(f"{side}_eye_outer", face(0.07, 0.03, sign * 0.047))
        put(f"{side}_ear", face(0.0, 0.01, sign * 0.075))
        put(f"mouth_{side}", face(0.085, -0.055, sign * 0.024))
    return out


def film(m: Motion, cam: Camera, fps: float = 30.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(t, landmarks (N, 33, 4), world (N, 33, 4)) at `fps`, resampled from the mocap rate."""
    return film_points(_acclaim_landmarks(m), m.fps, cam, fps)


def film_points(points: np.ndarray, points_fps: float, cam: Camera,
                fps: float = 30.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Film (N, 33, 3) world points (metres, y up) in the MediaPipe layout."""
    step = max(1, int(round(points_fps / fps)))
    pts = points[::step]
    n = pts.shape[0]
    # The camera looks at the middle of the person's path: where a standing person stands,
    # half way along a walk.
    aim = (pts[[0, -1], INDEX["left_hip"]] + pts[[0, -1], INDEX["right_hip"]]).mean(axis=0) / 2
    # The person's facing at the start (horizontal), from the hip line: left x up.
    across = pts[0, INDEX["left_hip"]] - pts[0, INDEX["right_hip"]]
    facing = np.cross(across, [0.0, 1.0, 0.0])
    facing[1] = 0
    facing /= np.linalg.norm(facing) + 1e-9
    yaw = np.deg2rad(cam.yaw_deg)
    side = np.cross([0.0, 1.0, 0.0], facing)
    view_dir = -(np.cos(yaw) * facing + np.sin(yaw) * side)  # camera looks at the person
    eye = np.array([aim[0], cam.height, aim[2]]) - cam.distance * view_dir
    # Camera frame: x right, y down, z forward (OpenCV).
    z_axis = view_dir / np.linalg.norm(view_dir)
    x_axis = np.cross(z_axis, [0.0, 1.0, 0.0])
    x_axis /= np.linalg.norm(x_axis)
    y_axis = np.cross(z_axis, x_axis)
    rot = np.stack([x_axis, y_axis, z_axis])
    cam_pts = (pts - eye) @ rot.T
    f = (cam.width / 2) / np.tan(np.deg2rad(cam.hfov_deg) / 2)
    u = f * cam_pts[..., 0] / cam_pts[..., 2] + cam.width / 2
    v = f * cam_pts[..., 1] / cam_pts[..., 2] + cam.height_px / 2
    hips = (cam_pts[:, INDEX["left_hip"]] + cam_pts[:, INDEX["right_hip"]]) / 2
    depth = (cam_pts[..., 2] - hips[:, None, 2]) * f / (hips[:, None, 2] * cam.width)
    rng = np.random.default_rng(cam.seed)
    lm = np.empty((n, 33, 4), np.float32)
    lm[..., 0] = u / cam.width + rng.normal(0, cam.noise, (n, 33))
    lm[..., 1] = v / cam.height_px + rng.normal(0, cam.noise, (n, 33))
    lm[..., 2] = depth
    # Like MediaPipe, points outside the picture are still estimated but marked unseen.
    inside = (lm[..., 0] >= 0) & (lm[..., 0] <= 1) & (lm[..., 1] >= 0) & (lm[..., 1] <= 1)
    lm[..., 3] = np.where(inside, 0.99, 0.1)
    world = np.empty((n, 33, 4), np.float32)
    # MediaPipe's world landmarks jitter too, most in depth, which one camera sees worst, and
    # a hand's points together (it estimates the hand as one). Scaled to match the jitter of
    # 3D channels at rest on real footage.
    metres = WORLD_JITTER * cam.noise * cam.distance * 2 * np.tan(np.deg2rad(cam.hfov_deg) / 2)
    jitter = rng.normal(0, metres, (n, 33, 3)) * np.array([1.0, 1.0, 1.5])
    for side in ("left", "right"):
        wrist = jitter[:, INDEX[f"{side}_wrist"]]
        for finger in ("index", "pinky", "thumb"):
            jitter[:, INDEX[f"{side}_{finger}"]] = wrist + 0.3 * jitter[:, INDEX[f"{side}_{finger}"]]
    world[..., :3] = cam_pts + jitter - hips[:, None, :]
    world[..., 3] = 0.99
    t = np.arange(n) / (points_fps / step)
    return t, lm, world

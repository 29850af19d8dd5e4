"""Read depth-camera (Kinect) skeleton sets as landmark recordings.

MSR Action3D, UTKinect-Action3D and GTU 3D Actions give joints in metres in
the sensor's frame (y up). The shared joints (head, shoulders, elbows,
wrists, hands, hips, knees, ankles, feet) are mapped to MediaPipe's layout,
face points placed on the head, and the result projected through a pinhole
(depth dropped, y flipped) so that the recogniser sees what it would see
from a camera (demo/lab/skeletons.py judges them). Research-only data: nothing read here is written anywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from demo.landmarks import INDEX
from demo.recording import Recording

MSR = ("shoulder_left shoulder_right neck spine hip_left hip_right hip_center elbow_left elbow_right "
       "wrist_left wrist_right hand_left hand_right knee_left knee_right ankle_left ankle_right foot_left "
       "foot_right head").split()
SDK = ("hip_center spine shoulder_center head shoulder_left elbow_left wrist_left hand_left shoulder_right "
       "elbow_right wrist_right hand_right hip_left knee_left ankle_left foot_left hip_right knee_right "
       "ankle_right foot_right").split()
V2 = ("spine_base spine_mid neck head shoulder_left elbow_left wrist_left hand_left shoulder_right elbow_right "
      "wrist_right hand_right hip_left knee_left ankle_left foot_left hip_right knee_right ankle_right foot_right "
      "spine_shoulder handtip_left thumb_left handtip_right thumb_right").split()

MSR_GOAL = {4: 1, 20: 1, 1: 0, 2: 0, 7: 0, 8: 0, 9: 0, 10: 0, 11: 0}
UT_GOAL = {"pickUp": 1, "carry": 1, "push": 1, "pull": 1, "waveHands": 0, "clapHands": 0}


def to_landmarks(joints: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Kinect joints (N, 3) by name -> (landmarks (N, 33, 4), world (N, 33, 4))."""
    n = len(next(iter(joints.values())))
    pts = np.zeros((n, 33, 3))
    for side in ("left", "right"):
        for mp, kn in (("shoulder", "shoulder"), ("elbow", "elbow"), ("wrist", "wrist"), ("hip", "hip"),
                       ("knee", "knee"), ("ankle", "ankle"), ("foot_index", "foot")):
            pts[:, INDEX[f"{side}_{mp}"]] = joints[f"{kn}_{side}"]
        hand = joints[f"hand_{side}"]
        tip = joints.get(f"handtip_{side}", hand + (hand - joints[f"wrist_{side}"]) * 0.8)
        pts[:, INDEX[f"{side}_index"]] = tip
        pts[:, INDEX[f"{side}_pinky"]] = (tip + hand) / 2
        pts[:, INDEX[f"{side}_thumb"]] = joints.get(f"thumb_{side}", hand)
        pts[:, INDEX[f"{side}_heel"]] = joints[f"ankle_{side}"]
    head = joints["head"]
    across = joints["shoulder_left"] - joints["shoulder_right"]
    width = np.linalg.norm(across, axis=1, keepdims=True) + 1e-6
    across = across / width
    up = np.array([0.0, 1.0, 0.0])
    fwd = np.cross(across, up)
    fwd /= np.linalg.norm(fwd, axis=1, keepdims=True) + 1e-6
    # Kinect faces the sensor: the face is towards the camera (-z) whichever way `fwd` came out.
    fwd *= -np.sign(fwd[:, 2:3] + 1e-9)

    def face(f, u, side):
        return head + f * fwd + u * up + side * across

    pts[:, INDEX["nose"]] = face(0.09, -0.02, 0)
    for side, s in (("left", 1), ("right", -1)):
        pts[:, INDEX[f"{side}_eye_inner"]] = face(0.08, 0.01, s * 0.015)
        pts[:, INDEX[f"{side}_eye"]] = face(0.075, 0.01, s * 0.03)
        pts[:, INDEX[f"{side}_eye_outer"]] = face(0.065, 0.01, s * 0.045)
        pts[:, INDEX[f"{side}_ear"]] = face(0.0, 0.0, s * 0.075)
        pts[:, INDEX[f"mouth_{side}"]] = face(0.08, -0.06, s * 0.022)
    # Pinhole: 640x480, 60 degrees across; Kinect x, y up, z away -> image x, y down.
    f = 320 / np.tan(np.deg2rad(30))
    z = np.maximum(pts[..., 2], 0.3)
    lm = np.empty((n, 33, 4), np.float32)
    lm[..., 0] = (f * pts[..., 0] / z + 320) / 640
    lm[..., 1] = (-f * pts[..., 1] / z + 240) / 480
    hips = (pts[:, INDEX["left_hip"]] + pts[:, INDEX["right_hip"]]) / 2
    lm[..., 2] = (pts[..., 2] - hips[:, None, 2]) * f / (hips[:, None, 2] * 640)
    lm[..., 3] = 0.99
    world = np.empty((n, 33, 4), np.float32)
    world[..., :3] = (pts - hips[:, None]) * np.array([1.0, -1.0, 1.0])
    world[..., 3] = 0.99
    return lm, world


def _recording(joints: dict[str, np.ndarray], t: np.ndarray, source: str) -> Recording:
    # Frames where the sensor lost the person come as zeros: leave them out.
    seen = (joints["hip_left"][:, 2] > 0.3) & (joints["head"][:, 2] > 0.3)
    joints = {k: v[seen] for k, v in joints.items()}
    lm, world = to_landmarks(joints)
    t = np.asarray(t, float)[seen]
    t = t - t[0]
    keep = np.concatenate([[True], np.diff(t) > 0])
    return Recording(t=t[keep], landmarks=lm[keep], world=world[keep], fps=float(1 / np.median(np.diff(t[keep]))),
                     source=source, image_size=(640, 480), pose_model="kinect skeleton")


def _by_name(frames: np.ndarray, order: list[str]) -> dict[str, np.ndarray]:
    return {name: frames[:, i, :3] for i, name in enumerate(order)}


def load_msr(path: Path) -> Recording:
    data = np.loadtxt(path).reshape(-1, 20, 4)
    return _recording(_by_name(data, MSR), np.arange(len(data)) / 15.0, Path(path).name)


def load_utkinect(folder: Path) -> list[tuple[Recording, str]]:
    """Each labelled stretch of each sequence, with its action label."""
    labels: dict[str, dict[str, tuple[int, int]]] = {}
    current = None
    for line in (Path(folder) / "actionLabel.txt").read_text().splitlines():
        line = line.strip()
        if re.match(r"s\d+_e\d+$", line):
            current = line
            labels[current] = {}
        elif ":" in line and current:
            name, span = line.split(":")
            a, b = span.split()[:2]
            if "NaN" not in (a, b):  # a few actions are unlabelled in the set itself
                labels[current][name.strip()] = (int(a), int(b))
    out = []
    for seq, spans in labels.items():
        raw = np.loadtxt(Path(folder) / f"joints_{seq}.txt")
        frame_no, joints = raw[:, 0], raw[:, 1:].reshape(-1, 20, 3)
        for action, (a, b) in spans.items():
            sel = (frame_no >= a) & (frame_no <= b)
            if sel.sum() >= 5:
                rec = _recording(_by_name(joints[sel], SDK), frame_no[sel] / 30.0, f"{seq}:{action}")
                out.append((rec, action))
    return out


def load_gtu(path: Path) -> Recording:
    data = np.loadtxt(path).reshape(-1, 25, 3)
    return _recording(_by_name(data, V2), np.arange(len(data)) / 30.0, str(path))

"""Read Acclaim ASF/AMC motion capture (HDM05) and compute 3D joint positions.

Forward kinematics follows the Acclaim convention: a bone's rotation is
C * R(dofs) * C^-1 in its parent's frame, C from the bone's `axis` (static
x-y-z Euler angles), and the bone ends at parent end + length * R * direction.
Positions come out in metres. This module parses and computes; it must not
project to images or write files (demo/synth/virtual_camera.py projects).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from demo.errors import RecordingFormatError

# Acclaim length unit (CMU/HDM05 `length 0.45`) to metres.
UNIT_TO_METRES = 0.0254 / 0.45
MOCAP_FPS = 120.0


@dataclass
class Bone:
    name: str
    direction: np.ndarray = field(default_factory=lambda: np.zeros(3))
    length: float = 0.0
    axis: np.ndarray = field(default_factory=lambda: np.zeros(3))
    dof: tuple[str, ...] = ()
    children: list[str] = field(default_factory=list)


@dataclass
class Skeleton:
    bones: dict[str, Bone]


def euler_xyz(angles_deg: np.ndarray) -> np.ndarray:
    """(N, 3) static x-y-z Euler angles in degrees -> (N, 3, 3) matrices Rz @ Ry @ Rx."""
    a = np.deg2rad(np.atleast_2d(angles_deg))
    cx, cy, cz = np.cos(a.T)
    sx, sy, sz = np.sin(a.T)
    n = a.shape[0]
    m = np.empty((n, 3, 3))
    m[:, 0, 0] = cy * cz
    m[:, 0, 1] = sx * sy * cz - cx * sz
    m[:, 0, 2] = cx * sy * cz + sx * sz
    m[:, 1, 0] = cy * sz
    m[:, 1, 1] = sx * sy * sz + cx * cz
    m[:, 1, 2] = cx * sy * sz - sx * cz
    m[:, 2, 0] = -sy
    m[:, 2, 1] = sx * cy
    m[:, 2, 2] = cx * cy
    return m


def _bone_field(bone: Bone, words: list[str]) -> None:
    """One `key values...` line of a bone's block in :bonedata."""
    key, values = words[0], words[1:]
    if key == "name":
        bone.name = values[0]
    elif key in ("direction", "axis"):
        setattr(bone, key, np.array([float(v) for v in values[:3]]))
    elif key == "length":
        bone.length = float(values[0]) * UNIT_TO_METRES
    elif key == "dof":
        bone.dof = tuple(values)


def _sections(path: Path) -> list[tuple[str, list[str]]]:
    """(section, words) for each meaningful line of an ASF file."""
    out, section = [], ""
    for raw in Path(path).read_text(errors="replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(":"):
            section = line.split()[0]
        else:
            out.append((section, line.split()))
    return out


def read_asf(path: Path) -> Skeleton:
    bones: dict[str, Bone] = {"root": Bone("root", dof=("tx", "ty", "tz", "rx", "ry", "rz"))}
    current: Bone | None = None
    for section, words in _sections(path):
        if section == ":bonedata":
            if words[0] == "begin":
                current = Bone("")
            elif words[0] == "end" and current is not None:
                bones[current.name] = current
                current = None
            elif current is not None:
                _bone_field(current, words)
        elif section == ":hierarchy" and words[0] not in ("begin", "end"):
            parent = bones.get(words[0])
            if parent is None:
                raise RecordingFormatError(f"{path}: hierarchy names unknown bone {words[0]!r}.",
                                           "Use an ASF file whose :bonedata lists every bone.")
            parent.children.extend(words[1:])
    return Skeleton(bones)


def read_amc(path: Path) -> dict[str, np.ndarray]:
    """Bone name -> (N, n_dof) values, in the order the ASF `dof` lists them."""
    frames: list[dict[str, list[float]]] = []
    for raw in Path(path).read_text(errors="replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or line.startswith(":"):
            continue
        if line.isdigit():
            frames.append({})
            continue
        words = line.split()
        if frames:
            frames[-1][words[0]] = [float(v) for v in words[1:]]
    if not frames:
        raise RecordingFormatError(f"{path}: no motion frames.", "Check that it is an AMC file.")
    names = frames[0].keys()
    return {name: np.array([f.get(name, frames[0][name]) for f in frames]) for name in names}


@dataclass
class Motion:
    """World positions (metres) of each bone's end, and each bone's rotation."""

    positions: dict[str, np.ndarray]  # name -> (N, 3); "root" is the pelvis centre
    rotations: dict[str, np.ndarray]  # name -> (N, 3, 3)
    fps: float = MOCAP_FPS


def forward_kinematics(skel: Skeleton, motion: dict[str, np.ndarray]) -> Motion:
    root = motion["root"]
    n = root.shape[0]
    positions = {"root": root[:, :3] * UNIT_TO_METRES}
    rotations = {"root": euler_xyz(root[:, 3:6])}

    def visit(name: str, parent: str) -> None:
        bone = skel.bones[name]
        c = euler_xyz(bone.axis)[0]
        angles = np.zeros((n, 3))
        values = motion.get(name)
        for k, d in enumerate(bone.dof):
            if values is not None and k < values.shape[1]:
                angles[:, "xyz".index(d[1])] = values[:, k]
        local = c @ euler_xyz(angles) @ c.T
        rot = rotations[parent] @ local
        rotations[name] = rot
        positions[name] = positions[parent] + bone.length * (rot @ bone.direction)
        for child in bone.children:
            visit(child, name)

    for child in skel.bones["root"].children:
        visit(child, "root")
    return Motion(positions, rotations)


def load_motion(asf: Path, amc: Path) -> Motion:
    return forward_kinematics(read_asf(asf), read_amc(amc))

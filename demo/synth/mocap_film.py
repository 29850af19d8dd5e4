"""Turn HDM05 (ASF/AMC) clips into landmark recordings (`python -m demo mocap`).

Used to build the bundled default recording from CC BY-SA 3.0 data; the
attribution travels inside every recording made here. This module glues
demo/datasets/hdm05.py and demo/synth/virtual_camera.py to demo/recording.py; no maths of
its own.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from demo.datasets.hdm05 import load_motion
from demo.recording import Recording, Segment
from demo.synth.virtual_camera import POSE_MODEL, Camera, film

HDM05_ATTRIBUTION = (
    "Derived from the Motion Capture Database HDM05 (M. Mueller, T. Roeder, M. Clausen, "
    "B. Eberhardt, B. Krueger, A. Weber, Documentation Mocap Database HDM05, Technical Report "
    "CG-2007-2, Universitaet Bonn, 2007), licensed CC BY-SA 3.0; this derived file is "
    "CC BY-SA 3.0 too. The data used in this project was obtained from HDM05."
)


def clip_label(amc: Path) -> str:
    """HDM_bd_grabHighR_001_120.amc -> grabHighR."""
    m = re.match(r"HDM_[a-z]+_(.+?)_\d{3}_\d+\.amc$", Path(amc).name)
    return m.group(1) if m else Path(amc).stem


def asf_for(amc: Path, asf_dir: Path) -> Path:
    performer = Path(amc).name.split("_")[1]
    return asf_dir / f"HDM_{performer}.asf"


def mocap_recording(amcs: list[Path], asf_dir: Path, camera: Camera | None = None,
                    fps: float = 30.0, gap: float = 0.0) -> Recording:
    """One recording of the clips in order, each a labelled segment."""
    camera = camera or Camera()
    ts, lms, worlds, segments = [], [], [], []
    offset = 0.0
    for amc in amcs:
        t, lm, world = film(load_motion(asf_for(amc, asf_dir), amc), camera, fps)
        segments.append(Segment(offset, offset + float(t[-1]), clip_label(amc)))
        ts.append(t + offset)
        lms.append(lm)
        worlds.append(world)
        offset += float(t[-1]) + 1.0 / fps + gap
    return Recording(t=np.concatenate(ts), landmarks=np.concatenate(lms), world=np.concatenate(worlds),
                     fps=fps, source="HDM05 motion capture, virtual camera",
                     image_size=(camera.width, camera.height_px), pose_model=POSE_MODEL,
                     segments=segments, attribution=HDM05_ATTRIBUTION)

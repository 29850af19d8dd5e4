"""`python -m demo mocap`: turn HDM05 ASF/AMC clips into one landmark recording (virtual camera)."""

from __future__ import annotations

import argparse
from pathlib import Path

from demo.synth.mocap_film import mocap_recording
from demo.synth.virtual_camera import Camera


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("amc", nargs="+", type=Path, help="AMC clips, played in this order")
    p.add_argument("--asf-dir", type=Path, required=True, help="folder with HDM_<performer>.asf")
    p.add_argument("--yaw", type=float, default=0.0, help="camera angle: 0 front, 90 side")
    p.add_argument("-o", "--out", type=Path, required=True, help="output recording")


def run(args: argparse.Namespace) -> int:
    rec = mocap_recording(args.amc, args.asf_dir, Camera(yaw_deg=args.yaw))
    print(f"wrote {rec.save(args.out)} ({len(rec)} frames, {rec.duration:.1f} s)")
    return 0

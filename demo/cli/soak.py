"""`python -m demo soak --minutes N`: both paths for a long time; memory, latency and errors."""

from __future__ import annotations

import argparse
from pathlib import Path

from demo.cli import args as common
from demo.lab.soak import run_soak
from demo.pose.bundles import resolve


def add_arguments(p: argparse.ArgumentParser) -> None:
    common.pose_model(p)
    p.add_argument("--minutes", type=float, default=60.0)
    p.add_argument("--video", type=Path, help="clip to stream (default: a bundled test clip)")
    p.add_argument("--every", type=float, default=30.0, help="seconds between report lines")


def run(args: argparse.Namespace) -> int:
    run_soak(args.minutes, resolve(args.pose_model), args.video, args.every,
             log=lambda line: print(line, flush=True))  # an hour's report, line by line
    return 0

"""`python -m demo soak --minutes N`: both paths for a long time; memory, latency and errors.
`--visits N`: N visitors' cameras opened and closed one after another; memory."""

from __future__ import annotations

import argparse
from pathlib import Path

from demo.cli import args as common
from demo.lab.soak import run_soak, run_visits
from demo.pose.bundles import resolve


def add_arguments(p: argparse.ArgumentParser) -> None:
    common.pose_model(p)
    p.add_argument("--minutes", type=float, default=60.0)
    p.add_argument("--video", type=Path, help="clip to stream (default: a bundled test clip)")
    p.add_argument("--every", type=float, default=30.0, help="seconds between report lines")
    p.add_argument("--visits", type=int, metavar="N",
                   help="instead: N cameras that connect, send one frame and leave; memory as they go")


def run(args: argparse.Namespace) -> int:
    if args.visits:
        run_visits(args.visits, resolve(args.pose_model), args.video, log=lambda line: print(line, flush=True))
        return 0
    run_soak(args.minutes, resolve(args.pose_model), args.video, args.every,
             log=lambda line: print(line, flush=True))  # an hour's report, line by line
    return 0

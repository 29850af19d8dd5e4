"""`python -m demo bench`: measure pose, pipeline, round trip, recogniser, mirror units, viewers, pages."""

from __future__ import annotations

import argparse
from pathlib import Path

from demo.cli import args as common
from demo.lab.bench import run_bench


def add_arguments(p: argparse.ArgumentParser) -> None:
    common.pose_model(p)
    p.add_argument("--video", type=Path, help="clip to measure on (default: a bundled test clip)")
    p.add_argument("--frames", type=int, default=150, help="frames per measurement")
    p.add_argument("--only", choices=["mirror", "viewers", "page"],
                   help="measure only this part: the mirror units, one stream to many viewers, "
                        "or the pages in Chromium (needs requirements-dev.txt and Debian's chromium)")
    p.add_argument("--viewers", type=int, default=100, help="viewer clients for --only viewers")
    p.add_argument("--seconds", type=float, default=20.0,
                   help="with --only viewers: how long each number of viewers is measured")


def run(args: argparse.Namespace) -> int:
    return run_bench(args)

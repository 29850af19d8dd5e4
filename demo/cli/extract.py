"""`python -m demo extract VIDEO... -o DIR`: turn videos into landmark recordings."""

from __future__ import annotations

import argparse
from pathlib import Path

from demo.cli import args as common
from demo.pose.bundles import resolve
from demo.pose.extract import extract_all


def add_arguments(p: argparse.ArgumentParser) -> None:
    common.pose_model(p)
    p.add_argument("videos", nargs="+", type=Path)
    p.add_argument("-o", "--out", type=Path, required=True, help="output directory")


def run(args: argparse.Namespace) -> int:
    extract_all(args.videos, args.out, resolve(args.pose_model))
    return 0

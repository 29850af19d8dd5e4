"""`python -m demo pose-models`: download or build the pose model files, or list them."""

from __future__ import annotations

import argparse

from demo.cli import args as common
from demo.pose.bundles import available, provision


def add_arguments(p: argparse.ArgumentParser) -> None:
    common.pose_model(p)
    p.add_argument("--offline", action="store_true", help="skip the download; build from the wheel")
    p.add_argument("--list", action="store_true", help="list the installed models and exit")


def run(args: argparse.Namespace) -> int:
    if args.list:
        for variant, path in available().items():
            print(f"{variant:6s} {path}")
        return 0
    provision(args.pose_model, online=not args.offline)
    return 0

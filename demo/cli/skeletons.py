"""`python -m demo skeletons --data DIR`: goal vs meaningless on depth-camera skeleton sets."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from demo.cli import args as common
from demo.lab.skeletons import report
from demo.recognition.library import Library
from demo.recognition.training import fit


def add_arguments(p: argparse.ArgumentParser) -> None:
    common.library(p)
    p.add_argument("--data", type=Path, required=True, help="folder with msr-action3d/, utkinect/, gtu/")


def run(args: argparse.Namespace) -> int:
    print(json.dumps(report(args.data, fit(Library(args.library))), indent=2))
    return 0

"""`python -m demo mirror plot`: the mirror units' typical responses as a PNG."""

from __future__ import annotations

import argparse
from pathlib import Path

from demo.cli import args as common
from demo.lab.mirror_plot import plot


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="mirror_cmd", required=True)
    mplot = sub.add_parser("plot", help="draw typical responses as a PNG")
    common.library(mplot)
    mplot.add_argument("-o", "--out", type=Path, default=Path("mirror-model.png"), help="PNG to write")
    mplot.add_argument("--params", type=Path, help="parameters file (default: models/mirror/params.toml)")


def run(args: argparse.Namespace) -> int:
    print(f"wrote {plot(args.out, args.library, args.params)}")
    return 0

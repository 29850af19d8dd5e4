"""Arguments several commands share: the pose model variant and the action library folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from demo import config


def pose_model(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pose-model", choices=config.POSE_VARIANTS, default=None,
                   help=f"pose model variant (default: {config.DEFAULT_POSE_VARIANT}, the one recognition is "
                        "measured with; else the fastest one present)")


def library(p: argparse.ArgumentParser) -> None:
    p.add_argument("--library", type=Path, default=None, help="action library folder (default: models/actions)")

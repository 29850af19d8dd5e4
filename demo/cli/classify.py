"""`python -m demo classify FILE... [--json]`: one verdict per clip from the action library.

Stable interface (see README): JSON fields are added, never renamed. `seen`: the share of
frames with a person; with nobody seen, `label` is null.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from demo.cli import args as common
from demo.cli.inputs import read_inputs
from demo.recognition.clips import classify_recording
from demo.recognition.library import Library
from demo.recognition.training import fit


def add_arguments(p: argparse.ArgumentParser) -> None:
    common.library(p)
    p.add_argument("files", nargs="+", type=Path, help="videos or recordings")
    p.add_argument("--json", action="store_true", help="one JSON object per line per file")


def run(args: argparse.Namespace) -> int:
    model = fit(Library(args.library))
    for f, rec in zip(args.files, read_inputs(args.files), strict=True):
        res = classify_recording(model, rec)
        seen = float(rec.seen.mean()) if len(rec) else 0.0
        row = {"file": str(f), "label": res.label, "goal_directed": round(res.goal, 4), "seen": round(seen, 3),
               "scores": {k: round(v, 4) for k, v in res.scores.items()},
               "decided_at": None if res.decided_at is None else round(res.decided_at, 3)}
        if args.json:
            print(json.dumps(row), flush=True)
        elif not seen:
            print(f"{f}: nobody seen in it")
        else:
            print(f"{f}: {res.label} (goal-directed {res.goal:.2f}, decided at {row['decided_at']})")
    return 0

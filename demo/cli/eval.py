"""`python -m demo eval --labels CSV`: accuracy, goal vs meaningless and early recognition on labelled clips."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from demo.cli import args as common
from demo.cli.inputs import read_inputs
from demo.lab.evaluation import Item, plot, summarise
from demo.recognition.clips import classify_recording
from demo.recognition.library import ActionFileError, Library
from demo.recognition.training import fit


def add_arguments(p: argparse.ArgumentParser) -> None:
    common.library(p)
    p.add_argument("--labels", type=Path, required=True, help="CSV: file,label[,goal_directed]")
    p.add_argument("--plot", type=Path, help="write a PNG of the results")


def read_labels(path: Path) -> list[tuple[Path, str | None, int | None]]:
    """CSV with a `file` column and a `label` and/or `goal_directed` (1/0) column.

    Without a `goal_directed` column, a clip's goal comes from its label's class
    in the library; with one, an empty cell means "not judged" (a cough is
    neither aimed nor aimless)."""
    rows = []
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames or "file" not in reader.fieldnames:
            raise ActionFileError(f"{path}: field 'file' is missing from the header.",
                                  "The first line must name the columns: file,label[,goal_directed].")
        for n, row in enumerate(reader, start=2):
            file = Path(row["file"])
            # A relative path is taken from the CSV's folder, else from the current one.
            if not file.is_absolute() and (Path(path).parent / file).exists():
                file = Path(path).parent / file
            goal = row.get("goal_directed")
            if goal not in (None, "", "0", "1"):
                raise ActionFileError(f"{path}: line {n}: field 'goal_directed' must be 0, 1 or empty.", "")
            rows.append((file, row.get("label") or None,
                         int(goal) if goal else (None if "goal_directed" in reader.fieldnames else -1)))
    return rows


def run(args: argparse.Namespace) -> int:
    lib = Library(args.library)
    model = fit(lib)
    goal_of = {c.name: int(c.goal_directed) for c in lib if c.kind != "idle"}
    items = []
    rows = read_labels(args.labels)
    for (file, label, goal), rec in zip(rows, read_inputs([r[0] for r in rows]), strict=True):
        res = classify_recording(model, rec)
        items.append(Item(str(file), label, goal_of.get(label) if goal == -1 else goal,
                          res.label, res.goal, res.decided_at, res.timeline))
    report = summarise(items)
    json.dump(report, sys.stdout, indent=2)
    print()
    if args.plot:
        plot(report, args.plot)
        print(f"plot: {args.plot}", file=sys.stderr)
    return 0

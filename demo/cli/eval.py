"""`python -m demo eval`: accuracy, goal vs meaningless, early recognition and calibration on labelled clips.

`--labels CSV` judges clips with one library; `--cv N` cross-validates over people
(demo/lab/crossval.py): BIISC clips (`--biisc DIR`) or a CSV with a `person` column;
`--live` plays BIISC clips through a real server and reports what the page shows
(demo/lab/live_eval.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from pathlib import Path

from demo.cli import args as common
from demo.cli.inputs import read_inputs
from demo.config import Settings
from demo.datasets import biisc
from demo.errors import DemoError
from demo.lab.crossval import Labelled, Plan, cross_validate
from demo.lab.evaluation import Item, plot, plot_cv, summarise
from demo.lab.live_eval import LiveClip, measure
from demo.pose import bundles as pose_models
from demo.recognition.clips import classify_recording
from demo.recognition.library import DEFAULT_COLOURS, ActionClass, ActionFileError, Library
from demo.recognition.training import fit


def add_arguments(p: argparse.ArgumentParser) -> None:
    common.library(p)
    common.pose_model(p)
    p.add_argument("--labels", type=Path, help="CSV: file,label[,goal_directed][,person]")
    p.add_argument("--plot", type=Path, help="write a PNG of the results")
    cv = p.add_argument_group("cross-validation over people")
    cv.add_argument("--cv", type=int, metavar="FOLDS", help="folds of people (each person is tested once)")
    cv.add_argument("--biisc", type=Path, metavar="DIR", help="the BIISC clips (their names give the labels)")
    cv.add_argument("--per-class", type=int, metavar="N", help="train on N clips a class (drawn per fold)")
    cv.add_argument("--draws", type=int, default=1, help="with --per-class: how many draws (default 1)")
    cv.add_argument("--report", type=Path, help="write the whole report (every fold) as JSON")
    live = p.add_argument_group("through the real server, as the page sees it")
    live.add_argument("--live", action="store_true", help="play --biisc clips at their own rate to a server")
    live.add_argument("--clips", type=int, default=24, help="how many clips, spread over actions (default 24)")
    live.add_argument("--people", help="only these people, e.g. S006,S007")
    live.add_argument("--hold", type=float, default=3.0, help="seconds the last picture is held still")


def read_labels(path: Path) -> list[tuple[Path, str | None, int | None, str | None]]:
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
                         int(goal) if goal else (None if "goal_directed" in reader.fieldnames else -1),
                         row.get("person") or None))
    return rows


def run(args: argparse.Namespace) -> int:
    if args.cv:
        return run_cv(args)
    if args.live:
        return run_live(args)
    if args.labels is None:
        raise DemoError("Nothing to measure on.", "Give --labels CSV, or --cv N with --biisc DIR or --labels CSV.")
    lib = Library(args.library)
    model = fit(lib)
    goal_of = {c.name: int(c.goal_directed) for c in lib if c.kind != "idle"}
    items = []
    rows = read_labels(args.labels)
    recs = read_inputs([r[0] for r in rows], pose_model=args.pose_model)
    for (file, label, goal, _), rec in zip(rows, recs, strict=True):
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


def _labelled(args: argparse.Namespace) -> tuple[list[ActionClass], list[Labelled]]:
    """The classes and clips to cross-validate: from BIISC's names or a CSV with `person`."""
    if args.biisc:
        found = biisc.clips(args.biisc)
        rows = [(c.file, c.action, c.goal_directed, c.person) for c in found]
        labels = {name: label for _, name, label in biisc.ACTIONS}
    elif args.labels:
        rows = [(f, label, None if goal in (None, -1) else bool(goal), person)
                for f, label, goal, person in read_labels(args.labels)]
        if any(label is None or person is None for _, label, _, person in rows):
            raise ActionFileError(f"{args.labels}: every row needs a label and a person for --cv.",
                                  "Add the columns label and person (who is filmed: folds keep people apart).")
        labels = {label: label.replace("-", " ").capitalize() for _, label, _, _ in rows}
    else:
        raise DemoError("--cv needs clips.", "Give --biisc DIR or --labels CSV (with a person column).")
    aimed = {name: any(g for _, n, g, _ in rows if n == name) for name in labels}
    colours = DEFAULT_COLOURS
    classes = [ActionClass(name, label, f"The movement called {label.lower()}.", aimed[name], None,
                           colours[i % len(colours)]) for i, (name, label) in enumerate(labels.items())]
    recs = read_inputs([r[0] for r in rows], pose_model=args.pose_model)
    return classes, [Labelled(Path(f).name, rec, name, goal, person)
                     for (f, name, goal, person), rec in zip(rows, recs, strict=True)]


def run_cv(args: argparse.Namespace) -> int:
    classes, clips = _labelled(args)
    people = len({c.person for c in clips})
    if not 2 <= args.cv <= people:
        raise DemoError(f"--cv {args.cv}: the clips show {people} people.", f"Use 2 to {people} folds.")
    plan = Plan(args.cv, args.per_class, max(1, args.draws))
    report = cross_validate(classes, clips, plan, log=lambda m: print(m, file=sys.stderr, flush=True))
    print(summary_lines(report))
    if args.report:
        args.report.write_text(json.dumps(report, indent=2) + "\n")
    if args.plot:
        plot_cv(report, args.plot)
        print(f"plot: {args.plot}", file=sys.stderr)
    return 0


def summary_lines(report: dict) -> str:
    """The figures README and docs quote, one per line: mean and worst fold."""
    plan = report["plan"]
    what = (f"{plan['folds']} folds of people, "
            + (f"{plan['per_class']} a class x {plan['draws']} draws" if plan["per_class"] else "every clip"))
    lines = [f"cross-validation ({what}):"]
    for key, name in (("accuracy", "8-way accuracy"), ("goal_balanced_accuracy", "goal vs meaningless, balanced"),
                      ("stated", "share of clips named (sure)"), ("stated_accuracy", "accuracy when named"),
                      ("verdict_right", "'just now' verdict right"),
                      ("verdict_right_when_named", "'just now' verdict right when it names a class")):
        if key in report:
            lines.append(f"  {name}: mean {report[key]['mean']:.3f}, worst fold {report[key]['worst']:.3f}")
    lines.append(f"  expected calibration error: {report['expected_calibration_error']:.3f}")
    return "\n".join(lines)


def _spread_over_actions(found: list, n: int, seed: int = 0) -> list:
    """n clips taking the actions in turn, each action's clips in a seeded random order (so
    people, views and standing or walking vary)."""
    rng = random.Random(seed)
    queues = []
    for action in sorted({c.action for c in found}):
        queue = sorted((c for c in found if c.action == action), key=lambda c: c.file.name)
        rng.shuffle(queue)
        queues.append(queue)
    out = []
    while len(out) < n and any(queues):
        for q in queues:
            if q and len(out) < n:
                out.append(q.pop(0))
    return out


def _class_in(names: set[str], action: str) -> str | None:
    """The library's class for a BIISC action: its own name, or the shipped library's."""
    for name in (action, biisc.SHIPPED.get(action)):
        if name in names:
            return name
    return None


def run_live(args: argparse.Namespace) -> int:
    if not args.biisc:
        raise DemoError("--live needs clips.", "Give --biisc DIR (the BIISC videos).")
    found = biisc.clips(args.biisc)
    if args.people:
        wanted = {p.strip() for p in args.people.split(",")}
        found = [c for c in found if c.person in wanted]
    names = set(Library(args.library).classes)
    clips = [LiveClip(c.file, _class_in(names, c.action), c.goal_directed)
             for c in _spread_over_actions(found, max(1, args.clips))]
    settings = Settings(library=args.library, pose_model=pose_models.resolve(args.pose_model))
    report = measure(clips, settings, hold=args.hold,
                     log=lambda m: print(m, file=sys.stderr, flush=True))
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0

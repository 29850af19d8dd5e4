"""`python -m demo actions list|show|add|remove|export|import|calibrate|rebuild-defaults`: manage action classes.

Stable interface (other tools depend on it; see README): output formats change only with a
new field, never a renamed one.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from demo import config
from demo.cli import args as common
from demo.cli.inputs import read_inputs
from demo.recognition import movement_model
from demo.recognition.calibration import held_out_answers
from demo.recognition.confidence import WRONG_COST, expected_calibration_error
from demo.recognition.library import Library, class_for
from demo.recognition.training import fit
from demo.synth.shipped_library import build


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action_cmd", required=True)
    for name in SUBCOMMANDS:
        common.library(sub.add_parser(name))
    for name in ("show", "remove"):
        sub.choices[name].add_argument("name")
    add = sub.choices["add"]
    add.add_argument("name", help="lower-case, digits and '-' (for example grasp-to-mouth)")
    kind = add.add_mutually_exclusive_group()
    kind.add_argument("--goal-directed", dest="goal_directed", action="store_true", default=None)
    kind.add_argument("--meaningless", dest="goal_directed", action="store_false")
    add.add_argument("--idle", action="store_true", help="this class is the 'no action' class")
    add.add_argument("--label", help="short label for the screen")
    add.add_argument("--explanation", help="one sentence for visitors")
    add.add_argument("--goal", help="what the action is aimed at (mouth, ear, an object...)")
    add.add_argument("--colour", help="#rrggbb")
    add.add_argument("--close-ups", action="store_true",
                     help="also learn each video cropped to the upper body, as a visitor standing close "
                          "to the camera is seen")
    add.add_argument("files", nargs="+", type=Path, help="example videos or recordings")
    sub.choices["export"].add_argument("names", nargs="*", help="classes (default: all)")
    sub.choices["export"].add_argument("-o", "--out", type=Path, required=True)
    sub.choices["import"].add_argument("pack", type=Path)
    sub.choices["import"].add_argument("--replace", action="store_true")
    sub.choices["rebuild-defaults"].add_argument("--hdm05", type=Path, help="the HDM05 folder (asf/, amc/)")


def run(args: argparse.Namespace) -> int:
    SUBCOMMANDS[args.action_cmd](Library(args.library), args)
    return 0


def list_classes(lib: Library, args: argparse.Namespace) -> None:
    for c in lib:
        kind = "idle" if c.kind == "idle" else ("goal-directed" if c.goal_directed else "meaningless")
        print(f"{c.name:18s} {kind:14s} {len(c.examples):3d} examples  {c.label}")


def show(lib: Library, args: argparse.Namespace) -> None:
    c = lib[args.name]
    print(json.dumps({**c.manifest(), "examples": [p.name for p in c.examples]}, indent=2))


def add(lib: Library, args: argparse.Namespace) -> None:
    cls = class_for(lib, args.name, {"goal_directed": args.goal_directed, "label": args.label,
                                     "explanation": args.explanation, "goal": args.goal, "colour": args.colour,
                                     "kind": "idle" if args.idle else None})
    cls = lib.add(cls, read_inputs(args.files, close_ups=args.close_ups))
    print(f"{cls.name}: {len(cls.examples)} examples in {cls.directory}")


def remove(lib: Library, args: argparse.Namespace) -> None:
    lib.remove(args.name)
    print(f"removed {args.name}")


def export(lib: Library, args: argparse.Namespace) -> None:
    print(f"wrote {lib.export(args.names or list(lib.classes), args.out)}")


def import_pack(lib: Library, args: argparse.Namespace) -> None:
    names = lib.import_pack(args.pack, replace=args.replace)
    print(f"imported {', '.join(names)}")


def calibrate(lib: Library, args: argparse.Namespace) -> None:
    """Choose the library's "sure" threshold from its examples judged by models that never saw them."""
    answers = held_out_answers(list(lib), {c.name: c.recordings() for c in lib})
    stated = answers.confidence >= answers.sure
    details = {"examples": len(answers.correct), "held_out_accuracy": float(answers.correct.mean()),
               "named": float(stated.mean()), "wrong_cost": WRONG_COST,
               "expected_calibration_error": expected_calibration_error(answers.confidence, answers.correct)}
    path = lib.write_calibration(answers.sure, details)
    print(f"sure threshold {answers.sure:.2f}: examples named {details['named']:.2f} of the time, "
          f"held-out accuracy {details['held_out_accuracy']:.3f} -> {path}")


def rebuild_defaults(lib: Library, args: argparse.Namespace) -> None:
    lib = build(lib.root, args.hdm05)
    print(f"rebuilt {len(lib)} classes in {lib.root}")
    if lib.root.resolve() == config.ACTIONS_DIR.resolve():
        # Every library's movement model is learnt from the shipped examples
        # (demo/recognition/movement_model.py).
        model = fit(lib, own_movement_model=True)
        path = movement_model.save(model.goal_model, sum(len(c.examples) for c in lib))
        print(f"learnt the movement model from them: {path}")
    else:
        print(f"{config.MOVEMENT_MODEL} left as it is: the movement model every library leans on is "
              f"learnt only from the shipped library in {config.ACTIONS_DIR}")


SUBCOMMANDS = {"list": list_classes, "show": show, "add": add, "remove": remove, "export": export,
               "import": import_pack, "calibrate": calibrate, "rebuild-defaults": rebuild_defaults}

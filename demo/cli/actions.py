"""The `actions`, `classify` and `eval` commands: thin glue from arguments to modules.

Stable interface (other tools depend on it; see README): output formats
change only with a new field, never a renamed one.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

from demo import config
from demo.lab.evaluation import Item, plot, summarise
from demo.pose import bundles as pose_models
from demo.pose import close_up
from demo.recognition import movement_model
from demo.recognition import online as recogniser
from demo.recognition.library import ActionFileError, Library, class_for
from demo.recording import SUFFIX, Recording, load

VIDEO_SUFFIXES = (".avi", ".mp4", ".mov", ".mkv", ".webm", ".m4v")


def read_inputs(files: list[Path], close_ups: bool = False) -> list[Recording]:
    """Recordings as they are; videos through the pose stage (cached, one process per core).
    With `close_ups`, each video also cropped to its person's upper body (demo/pose/close_up.py)."""
    from demo.pose.extract import extract_many

    files = [Path(f) for f in files]
    for f in files:
        if not f.name.endswith(SUFFIX) and f.suffix.lower() not in VIDEO_SUFFIXES:
            raise ActionFileError(f"{f}: neither a recording ({SUFFIX}) nor a video "
                                  f"({', '.join(VIDEO_SUFFIXES)}).", "Pass recordings or videos.")
    videos = list(dict.fromkeys(f for f in files if not f.name.endswith(SUFFIX)))
    model = pose_models.resolve() if videos else None
    whole = dict(zip(videos, extract_many(videos, model), strict=True)) if videos else {}
    crops = {v: c for v in videos if close_ups and (c := close_up.upper_body(whole[v])) is not None}
    closer = (dict(zip(crops, extract_many(list(crops), model, crops=list(crops.values())), strict=True))
              if crops else {})
    if close_ups:
        _report_close_ups(files, videos, crops)
    out = []
    for f in files:
        out.extend([load(f)] if f.name.endswith(SUFFIX) else [whole[f], *([closer[f]] if f in closer else [])])
    return out


def _report_close_ups(files: list[Path], videos: list[Path], crops: dict) -> None:
    """Say how many close-ups were learnt, and why the others were not (one line each)."""
    def some(paths: list[Path]) -> str:
        return ", ".join(p.name for p in paths[:5]) + (", ..." if len(paths) > 5 else "")

    print(f"Close-ups learnt from {len(crops)} of {len(videos)} videos.", file=sys.stderr)
    missing = [v for v in videos if v not in crops]
    if missing:
        print(f"No close-up of {some(missing)}: the person is not seen, or crosses the picture, which one "
              "crop cannot hold. Film those examples with the person staying in place, or record them "
              "on the record page where visitors stand.", file=sys.stderr)
    recordings = [f for f in files if f.name.endswith(SUFFIX)]
    if recordings:
        print(f"No close-up of {some(recordings)}: a close-up is cropped from a video's pictures, and these "
              "are recordings. Add the videos they came from instead.", file=sys.stderr)


def cmd_actions(args) -> int:
    lib = Library(args.library)
    if args.action_cmd == "list":
        for c in lib:
            kind = "idle" if c.kind == "idle" else ("goal-directed" if c.goal_directed else "meaningless")
            print(f"{c.name:18s} {kind:14s} {len(c.examples):3d} examples  {c.label}")
        return 0
    if args.action_cmd == "show":
        c = lib[args.name]
        print(json.dumps({**c.manifest(), "examples": [p.name for p in c.examples]}, indent=2))
        return 0
    if args.action_cmd == "add":
        cls = class_for(lib, args.name, args.goal_directed, label=args.label, explanation=args.explanation,
                        goal=args.goal, colour=args.colour, idle=args.idle)
        cls = lib.add(cls, read_inputs(args.files, close_ups=args.close_ups))
        print(f"{cls.name}: {len(cls.examples)} examples in {cls.directory}")
        return 0
    if args.action_cmd == "remove":
        lib.remove(args.name)
        print(f"removed {args.name}")
        return 0
    if args.action_cmd == "export":
        out = lib.export(args.names or list(lib.classes), args.out)
        print(f"wrote {out}")
        return 0
    if args.action_cmd == "rebuild-defaults":
        from demo.synth.shipped_library import build

        lib = build(lib.root, args.hdm05)
        print(f"rebuilt {len(lib)} classes in {lib.root}")
        if lib.root.resolve() == config.ACTIONS_DIR.resolve():
            # Every library's movement model is learnt from the shipped examples
            # (demo/recognition/movement_model.py).
            model = recogniser.fit(lib, own_movement_model=True)
            path = movement_model.save(model.goal_model, sum(len(c.examples) for c in lib))
            print(f"learnt the movement model from them: {path}")
        else:
            print(f"{config.MOVEMENT_MODEL} left as it is: the movement model every library leans on is "
                  f"learnt only from the shipped library in {config.ACTIONS_DIR}")
        return 0
    if args.action_cmd == "import":
        names = lib.import_pack(args.pack, replace=args.replace)
        print(f"imported {', '.join(names)}")
        return 0
    raise AssertionError(args.action_cmd)


def cmd_classify(args) -> int:
    model = recogniser.fit(Library(args.library))
    for f, rec in zip(args.files, read_inputs(args.files), strict=True):
        res = recogniser.classify_recording(model, rec)
        row = {"file": str(f), "label": res.label, "goal_directed": round(res.goal, 4),
               "scores": {k: round(v, 4) for k, v in res.scores.items()},
               "decided_at": None if res.decided_at is None else round(res.decided_at, 3)}
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            print(f"{f}: {res.label} (goal-directed {res.goal:.2f}, decided at {row['decided_at']})")
    return 0


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


def cmd_eval(args) -> int:
    lib = Library(args.library)
    model = recogniser.fit(lib)
    goal_of = {c.name: int(c.goal_directed) for c in lib if c.kind != "idle"}
    items = []
    rows = read_labels(args.labels)
    for (file, label, goal), rec in zip(rows, read_inputs([r[0] for r in rows]), strict=True):
        res = recogniser.classify_recording(model, rec)
        items.append(Item(str(file), label, goal_of.get(label) if goal == -1 else goal,
                          res.label, res.goal, res.decided_at, res.timeline))
    report = summarise(items)
    json.dump(report, sys.stdout, indent=2)
    print()
    if args.plot:
        plot(report, args.plot)
        print(f"plot: {args.plot}", file=sys.stderr)
    return 0

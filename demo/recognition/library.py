"""Action classes as data: `models/actions/<name>/action.json` plus example recordings.

A developer adds a class without code: a manifest (name, label, a one-line
explanation for visitors, goal_directed, the goal, a colour) and a few
example recordings in `examples/`. Loading validates every field and names
the file and field of any error. This module reads and writes the library;
it does not learn from it (demo/recognition/training.py does).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from demo import config
from demo.errors import DemoError
from demo.recording import SUFFIX, Recording, from_bytes, load
from demo.validate import Field, check_field

MANIFEST = "action.json"
CALIBRATION = "calibration.json"  # the library's "sure" threshold, from `actions calibrate`
EXAMPLES = "examples"
PACK_FORMAT = "mirror-action-pack"
NAME_RE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
KINDS = ("action", "idle")
MAX_PACK_BYTES = 200_000_000  # unpacked; a pack of ten classes of twenty examples is a few MB


class ActionFileError(DemoError):
    code = "bad_action"


class LibraryNotWritableError(DemoError):
    code = "library_not_writable"


def _not_writable(what: str, path: Path, e: OSError) -> LibraryNotWritableError:
    return LibraryNotWritableError(
        f"Could not {what} {path}: {e.strerror or e}.",
        "Make that folder writable, or start the demo with --library DIR on a writable folder; "
        "nothing was lost (recorded examples stay on the page until they are saved).")


@dataclass
class ActionClass:
    name: str
    label: str
    explanation: str
    goal_directed: bool
    goal: str | None
    colour: str
    kind: str = "action"  # "idle": the "no action" class
    attribution: str | None = None
    directory: Path | None = None
    examples: list[Path] = field(default_factory=list)

    def manifest(self) -> dict:
        out = {"name": self.name, "label": self.label, "explanation": self.explanation,
               "goal_directed": self.goal_directed, "goal": self.goal, "colour": self.colour,
               "kind": self.kind}
        if self.attribution:
            out["attribution"] = self.attribution
        return out

    def recordings(self) -> list[Recording]:
        return [load(p) for p in self.examples]


# A manifest field, checked; a fault is an ActionFileError naming the file and the field.
_check = partial(check_field, error=ActionFileError)


def parse_manifest(path: Path, data) -> ActionClass:
    if not isinstance(data, dict):
        raise ActionFileError(f"{path}: must hold a JSON object.", "See docs/actions.md.")
    name = _check(path, data, Field("name", str, rule=NAME_RE.match,
                                    hint="Use lower-case letters, digits and '-', starting with a letter "
                                         "(for example grasp-to-mouth)."))
    return ActionClass(
        name=name,
        label=_check(path, data, Field("label", str, rule=lambda s: 0 < len(s) <= 40,
                                       hint="A short label for the screen, 1-40 characters.")),
        explanation=_check(path, data, Field("explanation", str, rule=lambda s: 0 < len(s) <= 200,
                                             hint="One sentence for visitors, at most 200 characters.")),
        goal_directed=_check(path, data, Field("goal_directed", bool, hint="true or false.")),
        goal=_check(path, data, Field("goal", str, required=False, rule=lambda s: len(s) <= 80,
                                      hint="A few words, at most 80 characters (\"the mouth\").")),
        colour=_check(path, data, Field("colour", str, rule=COLOUR_RE.match, hint="A colour like \"#0072b2\".")),
        kind=_check(path, data, Field("kind", str, required=False, rule=lambda k: k in KINDS,
                                      hint=f"One of {', '.join(KINDS)}.")) or "action",
        attribution=_check(path, data, Field("attribution", str, required=False, rule=lambda s: len(s) <= 500,
                                             hint="At most 500 characters: who made the examples, the licence.")),
    )


def load_class(directory: Path) -> ActionClass:
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise ActionFileError(f"{path}: no manifest.", f"Create {MANIFEST} (see docs/actions.md).")
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ActionFileError(f"{path}: not valid JSON ({e}).", "Fix the JSON syntax.") from e
    cls = parse_manifest(path, data)
    if cls.name != Path(directory).name:
        raise ActionFileError(f"{path}: field 'name' is {cls.name!r} but the folder is {Path(directory).name!r}.",
                              "Make them the same.")
    cls.directory = Path(directory)
    cls.examples = sorted((Path(directory) / EXAMPLES).glob("*" + SUFFIX))
    return cls


DEFAULT_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#999999")


def class_for(lib: Library, name: str, given: dict) -> ActionClass:
    """A new class, or an update of an existing one: the manifest fields in `given` (label,
    explanation, goal_directed, goal, colour, kind; None or absent: keep or default), checked
    field by field like a manifest (from the command line and from the record page alike)."""
    existing = lib.classes.get(name) if isinstance(name, str) else None
    label, explanation, goal_directed, goal, colour, kind = (
        given.get(k) for k in ("label", "explanation", "goal_directed", "goal", "colour", "kind"))
    if goal_directed is None and existing is None:
        raise ActionFileError(f"New class {name!r} needs to be goal-directed or meaningless.",
                              "Say whether the action is aimed at a goal (--goal-directed or --meaningless).")
    words = name.replace("-", " ") if isinstance(name, str) else ""
    manifest = {
        "name": name,
        "label": label or (existing.label if existing else words.capitalize()),
        "explanation": explanation or (existing.explanation if existing else f"The movement called {words}."),
        "goal_directed": goal_directed if goal_directed is not None else existing.goal_directed,
        "goal": goal or (existing.goal if existing else None),
        "colour": colour or (existing.colour if existing else DEFAULT_COLOURS[len(lib) % len(DEFAULT_COLOURS)]),
        "kind": kind or (existing.kind if existing else "action"),
    }
    return parse_manifest(Path(f"class {name!r}"), manifest)


class Library:
    """The action classes in one folder (default `models/actions/`)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root or config.ACTIONS_DIR)
        self.classes: dict[str, ActionClass] = {}
        self.reload()

    def reload(self) -> Library:
        self.classes = {}
        if self.root.is_dir():
            for d in sorted(p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")):
                cls = load_class(d)
                self.classes[cls.name] = cls
        return self

    def fingerprint(self) -> dict[str, int]:
        """Each class's number of examples: a calibration holds while this is unchanged."""
        return {c.name: len(c.examples) for c in self}

    def sure(self) -> float | None:
        """The calibrated "sure" threshold, or None when there is none or the classes have
        changed since (a stale threshold was chosen for other classes)."""
        path = self.root / CALIBRATION
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ActionFileError(f"{path}: not valid JSON ({e}).",
                                  "Run `python -m demo actions calibrate` again, or delete the file.") from e
        fix = "Run `python -m demo actions calibrate` again, or delete the file."
        sure = check_field(path, data, Field("sure", (int, float), rule=lambda v: 0 < v < 1, hint=fix),
                           ActionFileError)
        made_for = check_field(path, data, Field("classes", dict, hint=fix), ActionFileError)
        return float(sure) if made_for == self.fingerprint() else None

    def write_calibration(self, sure: float, details: dict) -> Path:
        path = self.root / CALIBRATION
        try:
            path.write_text(json.dumps({"sure": sure, "classes": self.fingerprint(), **details}, indent=2) + "\n")
        except OSError as e:
            raise _not_writable("write", path, e) from e
        return path

    def __iter__(self):
        return iter(self.classes.values())

    def __len__(self) -> int:
        return len(self.classes)

    def __getitem__(self, name: str) -> ActionClass:
        if name not in self.classes:
            raise ActionFileError(f"No action class {name!r} in {self.root}.",
                                  f"Known: {', '.join(self.classes) or 'none'}.")
        return self.classes[name]

    def add(self, cls: ActionClass, recordings: list[Recording], replace: bool = False) -> ActionClass:
        """Write a class and its examples; merges examples into an existing class unless `replace`."""
        parse_manifest(Path(f"{cls.name}/{MANIFEST}"), cls.manifest())  # validate before writing
        directory = self.root / cls.name
        try:
            if directory.exists() and replace:
                shutil.rmtree(directory)
            _write_class(directory, cls, recordings)
        except OSError as e:
            raise _not_writable("write the class to", directory, e) from e
        finally:
            self.reload()
        return self.classes[cls.name]

    def remove(self, name: str) -> None:
        cls = self[name]
        try:
            shutil.rmtree(cls.directory)
        except OSError as e:
            raise _not_writable("remove", cls.directory, e) from e
        finally:
            self.reload()

    def export(self, names: list[str], out: Path) -> Path:
        """One zip file holding the classes' manifests and recordings (landmarks only)."""
        out = Path(out)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("pack.json", json.dumps({"format": PACK_FORMAT, "version": 1, "classes": names}))
            for name in names:
                cls = self[name]
                zf.writestr(f"{name}/{MANIFEST}", json.dumps(cls.manifest(), indent=2))
                for ex in cls.examples:
                    zf.write(ex, f"{name}/{EXAMPLES}/{ex.name}")
        return out

    def import_pack(self, pack: Path, replace: bool = False) -> list[str]:
        """All of a pack's classes, or none: everything is read and checked first, written to a
        hidden folder, then moved into place; an existing class is replaced only with `replace`."""
        classes = read_pack(Path(pack))
        clash = [cls.name for cls, _ in classes if cls.name in self.classes]
        if clash and not replace:
            raise ActionFileError(f"{pack}: {', '.join(clash)} already in {self.root}; nothing was imported.",
                                  "Remove them first, or import with --replace.")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".import-", dir=self.root))
        except OSError as e:
            raise _not_writable("import into", self.root, e) from e
        try:
            for cls, recs in classes:
                _write_class(staging / cls.name, cls, recs)
            for cls, _ in classes:  # a rename within one folder: each class appears whole
                old = self.root / cls.name
                if old.exists():
                    old.rename(staging / f".old-{cls.name}")
                (staging / cls.name).rename(old)
        except OSError as e:
            raise _not_writable("import into", self.root, e) from e
        finally:
            shutil.rmtree(staging, ignore_errors=True)
            self.reload()
        return [cls.name for cls, _ in classes]


def _write_class(directory: Path, cls: ActionClass, recordings: list[Recording]) -> None:
    """A class's manifest and examples into `directory` (new examples numbered after any there)."""
    (directory / EXAMPLES).mkdir(parents=True, exist_ok=True)
    (directory / MANIFEST).write_text(json.dumps(cls.manifest(), indent=2) + "\n")
    start = len(list((directory / EXAMPLES).glob("*" + SUFFIX)))
    for i, rec in enumerate(recordings, start=start + 1):
        rec.label = cls.name
        rec.save(directory / EXAMPLES / f"{cls.name}-{i:03d}")


def read_pack(pack: Path) -> list[tuple[ActionClass, list[Recording]]]:
    """Every class of an action pack with its examples, each checked; ActionFileError naming the
    pack, the member and the field otherwise. Reads nothing larger than MAX_PACK_BYTES unpacked."""
    fix = "Export the pack again with `python -m demo actions export`."
    try:
        zf = zipfile.ZipFile(pack)
    except (zipfile.BadZipFile, OSError) as e:
        raise ActionFileError(f"{pack}: not an action pack ({e}).", "Export one with `actions export`.") from e
    with zf:
        unpacked = sum(i.file_size for i in zf.infolist())
        if unpacked > MAX_PACK_BYTES:
            raise ActionFileError(f"{pack}: unpacks to {unpacked / 1e6:.0f} MB; the limit is "
                                  f"{MAX_PACK_BYTES / 1e6:.0f} MB.", "Import fewer classes at a time.")
        head = _pack_json(zf, pack, "pack.json", fix)
        if not isinstance(head, dict) or head.get("format") != PACK_FORMAT:
            raise ActionFileError(f"{pack}: field 'format' of pack.json must be {PACK_FORMAT!r}.", fix)
        names = head.get("classes")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise ActionFileError(f"{pack}: field 'classes' of pack.json must be a list of class names.", fix)
        out = []
        for name in names:
            member = f"{name}/{MANIFEST}"
            cls = parse_manifest(Path(f"{pack}!{member}"), _pack_json(zf, pack, member, fix))
            if cls.name != name:
                raise ActionFileError(f"{pack}!{member}: field 'name' is {cls.name!r}, but pack.json lists "
                                      f"{name!r}.", fix)
            recs = [from_bytes(zf.read(m), f"{pack}!{m}")
                    for m in sorted(n for n in zf.namelist() if n.startswith(f"{name}/{EXAMPLES}/"))]
            if not recs:
                raise ActionFileError(f"{pack}: class {name!r} has no examples.", fix)
            out.append((cls, recs))
        return out


def _pack_json(zf: zipfile.ZipFile, pack: Path, member: str, fix: str):
    try:
        return json.loads(zf.read(member))
    except KeyError as e:
        raise ActionFileError(f"{pack}: member {member!r} is missing.", fix) from e
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ActionFileError(f"{pack}!{member}: not valid JSON ({e}).", fix) from e


__all__ = ["ActionClass", "Library", "ActionFileError", "load_class", "parse_manifest"]

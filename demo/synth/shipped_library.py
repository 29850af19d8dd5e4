"""Build the shipped action library (`models/actions/`) from redistributable data only.

Examples come from the project's own virtual actor and, for reaches,
put-downs and arm circles, from HDM05 motion capture (CC BY-SA 3.0, with
its attribution kept beside the examples). Nothing from the research-only
sets is used. Run with `python -m demo actions rebuild-defaults --hdm05 DIR`;
deterministic for a given seed.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from demo.recognition.library import ActionClass, Library
from demo.recording import Recording
from demo.synth import virtual_actor
from demo.synth.mocap_film import HDM05_ATTRIBUTION, mocap_recording

FPS = 15.0
# Every third example of an action is performed walking: people act while they walk past,
# and a library of standing people read real walkers' goals as aimless (BIISC: 0.78 of their
# goals judged aimed, against 0.91 standing; docs/recognition.md).
WALK_EVERY = 3


@dataclass(frozen=True)
class Default:
    cls: ActionClass
    scripts: tuple[tuple[str, int], ...]   # (virtual actor script, how many)
    hdm05: tuple[str, ...] = ()            # HDM05 class names to draw examples from
    hdm05_count: int = 0



DEFAULTS = (
    Default(ActionClass("reach-to-grasp", "Reach and grasp", "A hand reaches out to take hold of something.",
                        True, "an object", "#0072b2"), (("reach-to-grasp", 10),), ("grabHighR",), 4),
    Default(ActionClass("grasp-to-mouth", "Drink / eat", "A hand brings something to the mouth.",
                        True, "the mouth", "#009e73"), (("grasp-to-mouth", 12),)),
    Default(ActionClass("grasp-to-place", "Put something down", "A hand takes something and puts it somewhere.",
                        True, "a place", "#56b4e9"), (("grasp-to-place", 10),), ("depositFloorR",), 4),
    Default(ActionClass("point", "Point", "An arm points at something far away.",
                        True, "a thing far away", "#cc79a7"), (("point", 10),)),
    Default(ActionClass("hand-to-ear", "Answer a phone", "A hand goes to the ear, as if holding a phone.",
                        True, "the ear", "#e69f00"), (("hand-to-ear", 10),)),
    Default(ActionClass("arm-circles", "Arm circles", "Arms swing round in circles: movement with no target.",
                        False, None, "#d55e00"), (("arm-circles", 8),), ("rotateArmsBothBackward1Reps",), 4),
    Default(ActionClass("flailing", "Waving / flailing",
                        "Hands wave, stretch or flail about without reaching anything.",
                        False, None, "#f0e442"), (("waving", 5), ("flailing", 4), ("stretching", 5))),
    Default(ActionClass("idle", "Standing still", "Nothing in particular is happening.",
                        False, None, "#999999", kind="idle"), (("idle", 8),)),
)


def _hdm05_examples(hdm05: Path, names: tuple[str, ...], count: int, rng) -> list[Recording]:
    out = []
    for name in names:
        clips = sorted((hdm05 / "amc").glob(f"HDM_*_{name}_*_120.amc"))
        # Spread over the performers rather than taking one person's takes.
        by_performer: dict[str, list[Path]] = {}
        for c in clips:
            by_performer.setdefault(c.name.split("_")[1], []).append(c)
        picks = [v[0] for v in by_performer.values()][:count]
        for clip in picks:
            cam = virtual_actor.random_camera(rng)
            rec = mocap_recording([clip], hdm05 / "asf", cam, fps=FPS)
            out.append(rec)
    return out


def build(root: Path, hdm05: Path | None, seed: int = 7) -> Library:
    rng = np.random.default_rng(seed)
    root = Path(root)
    lib = Library(root)
    for d in DEFAULTS:
        recs: list[Recording] = []
        for script, n in d.scripts:
            for i in range(n):
                walking = d.cls.kind != "idle" and i % WALK_EVERY == WALK_EVERY - 1
                recs.append(virtual_actor.recording(script, int(rng.integers(1 << 30)), fps=FPS, walking=walking))
        cls = d.cls
        if d.hdm05 and hdm05 is not None:
            recs += _hdm05_examples(Path(hdm05), d.hdm05, d.hdm05_count, rng)
            cls = ActionClass(**{**cls.__dict__, "attribution": "Some examples: " + HDM05_ATTRIBUTION,
                                 "directory": None, "examples": []})
        if (root / cls.name).exists():
            shutil.rmtree(root / cls.name)
        lib.add(cls, recs, replace=True)
    return lib

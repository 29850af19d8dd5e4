"""The BII Sneeze-Cough clips as labelled files: action, goal-directedness, person, view.

Reads only file names (`Sxxx_G_ACTN_LOC_VIEW.avi`, Thi et al. 2014); the landmarks come from
demo/pose/extract.py like any video's. Research-only data: nothing read here is written
anywhere (see the shared data's README).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from demo.errors import DemoError

NAME = re.compile(r"^S(\d+)_([MF])_([A-Z]{4})_(STD|WLK)_(FCE|LFT|RGT)\.avi$")
# (code, class name, label); goal-directed: an object or a body target is reached; meaningless:
# aimless; cough and sneeze are reflexes, judged neither (the shared data's README).
ACTIONS = (("DRIN", "drink", "Drink"), ("CALL", "answer-phone", "Answer the phone"),
           ("WIPE", "wipe-glasses", "Wipe glasses"), ("SCRA", "scratch-head", "Scratch head"),
           ("WAVE", "wave", "Wave"), ("STRE", "stretch", "Stretch arms"),
           ("COUG", "cough", "Cough"), ("SNEE", "sneeze", "Sneeze"))
GOAL = {"DRIN": True, "CALL": True, "WIPE": True, "SCRA": True, "WAVE": False, "STRE": False}
# The shipped library's class for a BIISC action, where it has one (others are judged by the gauge only).
SHIPPED = {"drink": "grasp-to-mouth", "answer-phone": "hand-to-ear", "wave": "flailing"}


@dataclass(frozen=True)
class Clip:
    file: Path
    action: str               # class name, e.g. "drink"
    goal_directed: bool | None  # None: a reflex, not judged
    person: str               # "S001"
    place: str                # STD standing, WLK walking
    view: str                 # FCE facing, LFT / RGT side views


def clips(folder: Path) -> list[Clip]:
    """Every BIISC clip in `folder` (searched below it too), sorted by name."""
    names = {code: name for code, name, _ in ACTIONS}
    found = []
    for path in sorted(Path(folder).rglob("*.avi")):
        m = NAME.match(path.name)
        if m and m[3] in names:
            found.append(Clip(path, names[m[3]], GOAL.get(m[3]), f"S{int(m[1]):03d}", m[4], m[5]))
    if not found:
        raise DemoError(f"No BIISC clips (Sxxx_G_ACTN_LOC_VIEW.avi) under {folder}.",
                        "Give the folder holding the BII Sneeze-Cough videos, e.g. ../shared/data/biisc.")
    return found

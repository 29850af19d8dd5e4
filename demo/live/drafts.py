"""Examples recorded on the record page, held until they are saved as a class.

Only a developer's explicit "record" keeps poses (the stream hands them over
when recording stops). Each example is trimmed to its movement; the drafts
live in memory per page and are dropped when the page leaves or saves them.
Saving writes the class to the action library, like `actions add`. This
module turns poses into examples and examples into a class; it must not
talk to sockets.
"""

from __future__ import annotations

import threading

import numpy as np

from demo import config
from demo.errors import DemoError
from demo.landmarks import Pose
from demo.recognition.library import ActionClass, ActionFileError, Library, class_for
from demo.recognition.trim import trim
from demo.recording import Recording

PREVIEW_FRAMES = 120  # frames sent back to the page to replay an example


class RecordingError(DemoError):
    code = "bad_recording"


class Drafts:
    def __init__(self) -> None:
        self._by_page: dict[str, list[tuple[Recording, tuple[float, float] | None]]] = {}
        self._lock = threading.Lock()

    def add(self, page: str, poses: list[Pose]) -> Recording:
        """A stopped recording becomes an example, trimmed to its movement."""
        seen = [p for p in poses if p.seen]
        if len(seen) < 5:
            raise RecordingError("Nobody was seen while recording.",
                                 "Stand in the picture, whole upper body in view, and record again.")
        duration = poses[-1].t - poses[0].t
        fps = (len(poses) - 1) / duration if duration > 0 else 10.0
        rec = Recording.from_poses(poses, fps=fps, source="record page",
                                   pose_model="", attribution="Recorded with Mirror's record page.")
        rec, span = trim(rec)
        with self._lock:
            drafts = self._by_page.setdefault(page, [])
            if len(drafts) >= config.MAX_DRAFT_EXAMPLES:
                raise RecordingError(f"{config.MAX_DRAFT_EXAMPLES} examples are waiting already.",
                                     "Save them as a class, or discard some.")
            drafts.append((rec, span))
        return rec

    def discard(self, page: str, index: int) -> None:
        with self._lock:
            drafts = self._by_page.get(page, [])
            if not 0 <= index < len(drafts):
                raise RecordingError(f"There is no example {index}.", f"Choose 0 to {len(drafts) - 1}.")
            drafts.pop(index)

    def drop(self, page: str) -> None:
        with self._lock:
            self._by_page.pop(page, None)

    def summary(self, page: str) -> dict:
        """The page's examples: length, the movement found, and landmarks to replay."""
        with self._lock:
            drafts = list(self._by_page.get(page, []))
        out = []
        for rec, span in drafts:
            idx = np.linspace(0, len(rec) - 1, min(len(rec), PREVIEW_FRAMES)).round().astype(int)
            out.append({"frames": len(rec), "duration": round(rec.duration, 2),
                        "movement": None if span is None else [round(span[0], 2), round(span[1], 2)],
                        "fps": round(len(idx) / max(rec.duration, 1e-3), 2),
                        "landmarks": np.nan_to_num(rec.landmarks[idx], nan=0.0).astype("<f4").tobytes()})
        return {"examples": out}

    def save(self, page: str, library: Library, spec: dict) -> ActionClass:
        """Write the page's examples to the library as a class (new, or more examples for one)."""
        with self._lock:
            drafts = list(self._by_page.get(page, []))
        if not drafts:
            raise RecordingError("There are no examples to save.", "Record a few (three to five) first.")
        name = spec.get("name")
        if not isinstance(name, str):
            raise ActionFileError("The class needs a name.", "Use lower-case letters, digits and '-'.")
        cls = class_for(library, name, {k: spec.get(k) for k in ("goal_directed", "label", "explanation", "goal")})
        saved = library.add(cls, [rec for rec, _ in drafts])
        self.drop(page)
        return saved

"""Find the movement in a recording and trim the recording to it.

A recorded example starts and ends with the person standing (waiting for the
countdown, reaching for the button): the longest movement the segmenter finds,
with a margin of rest on each side, is the example. Used by the record page
and by the recogniser when it learns from examples. It reads and writes no
files.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from demo.recognition.features import sequence
from demo.recognition.segmenter import segments
from demo.recording import Recording

MARGIN = 0.4  # seconds of rest kept before and after the movement


def longest_movement(rec: Recording) -> tuple[float, float] | None:
    """(start, end) in the recording's time of its longest movement, or None if nothing moves."""
    return longest_span(*sequence(rec.poses()))


def longest_span(t: np.ndarray, values: np.ndarray, seen: np.ndarray) -> tuple[float, float] | None:
    """longest_movement() for feature frames already computed (demo.features.sequence)."""
    if not seen.any():
        return None
    # An example holds an action: a low hand held forward, or held still, is part of it.
    moves = segments(t, values, seen, online_rests=False)
    if not moves:
        return None
    m = max(moves, key=lambda m: (m.end if m.end is not None else t[-1]) - m.start)
    return m.start, (m.end if m.end is not None else float(t[-1]))


def trim(rec: Recording, margin: float = MARGIN) -> tuple[Recording, tuple[float, float] | None]:
    """The recording cut to its longest movement (with `margin`), and that movement's span.

    With no movement the recording is returned whole."""
    span = longest_movement(rec)
    if span is None:
        return rec, None
    keep = (rec.t >= span[0] - margin) & (rec.t <= span[1] + margin)
    if keep.sum() < 3:
        return rec, span
    idx = np.flatnonzero(keep)
    t = rec.t[idx]
    return replace(rec, t=t - t[0], landmarks=rec.landmarks[idx], world=rec.world[idx], segments=[]), \
        (span[0] - float(t[0]), span[1] - float(t[0]))

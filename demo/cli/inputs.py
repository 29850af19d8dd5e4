"""Clips named on the command line -> landmark recordings: recordings as they are, videos through pose."""

from __future__ import annotations

import sys
from pathlib import Path

from demo.pose import bundles, close_up
from demo.pose.extract import extract_many
from demo.recognition.library import ActionFileError
from demo.recording import SUFFIX, Recording, load

VIDEO_SUFFIXES = (".avi", ".mp4", ".mov", ".mkv", ".webm", ".m4v")


def read_inputs(files: list[Path], close_ups: bool = False, pose_model: str | None = None) -> list[Recording]:
    """Recordings as they are; videos through the pose stage (cached, one process per core), with
    the `pose_model` variant (None: the default). With `close_ups`, each video also cropped to
    its person's upper body (demo/pose/close_up.py)."""

    files = [Path(f) for f in files]
    for f in files:
        if not f.name.endswith(SUFFIX) and f.suffix.lower() not in VIDEO_SUFFIXES:
            raise ActionFileError(f"{f}: neither a recording ({SUFFIX}) nor a video "
                                  f"({', '.join(VIDEO_SUFFIXES)}).", "Pass recordings or videos.")
    videos = list(dict.fromkeys(f for f in files if not f.name.endswith(SUFFIX)))
    model = bundles.resolve(pose_model) if videos else None
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

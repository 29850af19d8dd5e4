"""What the page would show for labelled clips sent through the real server (`eval --live`).

A client acting like the page's camera sends each clip's frames as JPEG at the clip's own
frame rate to a server started here (the real Socket.IO path: handlers, stream, pose,
recognition), then holds the clip's last picture still. From the states that come back it
measures what a visitor would read: the share of moving time with the right class named, the
gauge on the right side, the time to the first right label, the verdict shown once the
movement ended ("just now: ..."), and what the held picture was shown as: a person standing
with the hands down should be shown at rest, a hand held up at the head (a phone at the ear)
is still the action, and a picture the person has walked out of shows nobody. Which of the
three the held picture is comes from the landmarks the server sent back, not from the
recogniser's own rules. It measures and prints; the tests judge.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from demo.config import Settings
from demo.errors import DemoError
from demo.lab.clients import CameraClient
from demo.landmarks import HAND_POINTS, INDEX
from demo.live.protocol import decode_landmarks
from demo.sources import jpeg
from demo.web.server import create_app
from demo.web.server_thread import ServerThread

HOLD = 3.0          # seconds the last picture is held still
SETTLE = 1.0        # seconds into the hold before rest is expected
JPEG_QUALITY = 80
_SHOULDERS = [INDEX["left_shoulder"], INDEX["right_shoulder"]]
POSTURES = ("hands down", "hand raised", "nobody")
SEEN_HAND = 0.5     # a hand's mean visibility from which it counts as seen (side-on, the far one is not)


@dataclass(frozen=True)
class LiveClip:
    file: Path
    action: str | None          # class name, when the library has it
    goal_directed: bool | None  # None: not judged


@dataclass
class Seen:
    """The states one clip brought back, split into the movement and the hold."""

    clip: LiveClip
    moving: list[tuple[float, str | None, float]] = field(default_factory=list)  # (t, label, goal)
    held: list[tuple[float, bool, bool]] = field(default_factory=list)  # (t since hold, rest, moving)
    posture: str = "nobody"  # the held picture: "hands down", "hand raised" or "nobody"
    verdict: str | None = None  # "just now: ...", the movement's verdict shown once it ended


class _Page(CameraClient):
    """A camera client that also keeps each state's action, in arrival order."""

    def __init__(self, url: str) -> None:
        self.states: list[dict] = []
        super().__init__(url)

    def _on_state(self, s: dict) -> None:
        super()._on_state(s)
        person = s.get("person")
        self.states.append({"frame_id": s.get("frame_id"), "action": s.get("action"),
                            "landmarks": decode_landmarks(person["landmarks"]) if person else None})


def _frames(path: Path) -> tuple[list[bytes], float]:
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS) or 10.0
    out = []
    while True:
        ok, image = cap.read()
        if not ok:
            break
        out.append(jpeg.encode(image, JPEG_QUALITY))
    cap.release()
    if not out:
        raise DemoError(f"{path}: no frames could be read.", "Check that the file is a video OpenCV can open.")
    return out, float(fps)


def _play(url: str, clip: LiveClip, idle: set[str], hold: float) -> Seen:
    frames, fps = _frames(clip.file)
    page = _Page(url)
    sent_at: dict[int, float] = {}
    try:
        start = time.perf_counter()
        n_clip, n_hold = len(frames), int(round(hold * fps))
        for i in range(n_clip + n_hold):
            time.sleep(max(0.0, start + i / fps - time.perf_counter()))
            sent_at[i] = i / fps
            page.send(i, frames[min(i, n_clip - 1)])
        time.sleep(0.5)  # the last states arrive
    finally:
        page.close()
    seen = Seen(clip)
    postures = [posture(s["landmarks"]) for s in page.states if s["frame_id"] is not None
                and s["frame_id"] >= n_clip]
    seen.posture = max(set(postures), key=postures.count) if postures else "nobody"
    for s in page.states:
        a, i = s["action"], s["frame_id"]
        if a is None or i is None:
            continue
        t = sent_at.get(i, 0.0)
        if i < n_clip:
            if a["moving"]:
                seen.moving.append((t, a["label"], float(a["goal"])))
        else:
            top = max(range(len(a["scores"])), key=a["scores"].__getitem__) if a["scores"] else None
            rest = not a["moving"] and a["label"] is None and (not idle or top in idle)
            seen.held.append((t - n_clip / fps, rest, bool(a["moving"])))
            seen.verdict = a.get("last") if not a["moving"] else seen.verdict
    return seen


def posture(landmarks: np.ndarray | None) -> str:
    """What a picture shows, from its landmarks: nobody, a seen hand above the shoulder line
    (held up at the head), or the hands down."""
    if landmarks is None:
        return "nobody"
    shoulder_y = float(landmarks[_SHOULDERS, 1].mean())
    for hand in HAND_POINTS:
        if landmarks[list(hand), 3].mean() >= SEEN_HAND and landmarks[list(hand), 1].mean() < shoulder_y:
            return "hand raised"
    return "hands down"


def measure(clips: Sequence[LiveClip], settings: Settings, hold: float = HOLD,
            log: Callable[[str], None] = print) -> dict:
    """Play every clip through a server made with `settings`; the page's figures."""
    if settings.pose_model is None:
        raise DemoError("No pose model to play the clips through.", "Run `python -m demo pose-models`.")
    app, _, hub = create_app(settings)
    model = hub.learnt.action_model
    if model is None:
        raise DemoError("The server has no action model.", "Check the library: python -m demo actions list.")
    # Scores arrive in the model's class order; the idle classes' indices mark rest.
    idle = {i for i, c in enumerate(model.classes) if c.idle}
    results = []
    with ServerThread(app) as srv:
        for k, clip in enumerate(clips):
            seen = _play(srv.url, clip, idle, hold)
            results.append(seen)
            log(f"{k + 1}/{len(clips)} {clip.file.name}: {_line(seen)}")
    hub.stop_all()
    return summarise(results)


def _right_gauge(seen: Seen) -> float | None:
    if seen.clip.goal_directed is None or not seen.moving:
        return None
    return float(np.mean([(g > 0.5) == seen.clip.goal_directed for _, _, g in seen.moving]))


def _right_label(seen: Seen) -> float | None:
    if seen.clip.action is None or not seen.moving:
        return None
    return float(np.mean([label == seen.clip.action for _, label, _ in seen.moving]))


def _first_right(seen: Seen) -> float | None:
    return next((t for t, label, _ in seen.moving if label == seen.clip.action), None)


def _rest(seen: Seen) -> float | None:
    """Share of the hold after SETTLE shown as rest, for a person standing with the hands down."""
    after = [r for t, r, _ in seen.held if t >= SETTLE]
    return float(np.mean(after)) if after and seen.posture == "hands down" else None


def _kept(seen: Seen) -> float | None:
    """Share of the hold after SETTLE still shown as the movement, for a hand held up at the head."""
    after = [m for t, _, m in seen.held if t >= SETTLE]
    return float(np.mean(after)) if after and seen.posture == "hand raised" else None


def _line(seen: Seen) -> str:
    def f(v):
        return "-" if v is None else f"{v:.2f}"
    return (f"moving states {len(seen.moving)}, right label {f(_right_label(seen))}, "
            f"gauge right {f(_right_gauge(seen))}, verdict {seen.verdict}, held picture: {seen.posture}, "
            f"shown as rest {f(_rest(seen))}, as the action {f(_kept(seen))}")


def summarise(results: list[Seen]) -> dict:
    def mean(values):
        values = [v for v in values if v is not None]
        return round(float(np.mean(values)), 3) if values else None

    gauge = {g: mean(_right_gauge(s) for s in results if s.clip.goal_directed is g) for g in (True, False)}
    balanced = mean(gauge.values()) if None not in gauge.values() else None  # of the rounded shares
    labelled = [s for s in results if s.clip.action is not None]
    firsts = [_first_right(s) for s in labelled]
    return {"clips": len(results),
            "right_label_share_of_moving_time": mean(_right_label(s) for s in results),
            "gauge_right_share_of_moving_time": {"goal_directed": gauge[True], "meaningless": gauge[False],
                                                 "balanced": balanced},
            "first_right_label_seconds_median": (float(np.median([t for t in firsts if t is not None]))
                                                 if any(t is not None for t in firsts) else None),
            "never_right_label": sum(t is None for t in firsts),
            "verdict_right": mean(s.verdict == s.clip.action for s in labelled),
            "held_still_shown_as_rest": mean(_rest(s) for s in results),
            "held_posture_shown_as_the_action": mean(_kept(s) for s in results),
            "held_pictures": {p: sum(s.posture == p for s in results) for p in POSTURES},
            "clips_never_moving": sum(not s.moving for s in results)}

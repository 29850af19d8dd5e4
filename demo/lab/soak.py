"""`python -m demo soak --minutes N`: run the demo for a long time and watch it age.

A real clip goes through both paths at once, in one server: a browser-camera
client (JPEG frames, one in flight, round trips timed) and the server's own
video source with a viewer watching it. Every `every` seconds it prints the
process's resident memory, the round-trip median and p95 of the period, the
frames each path delivered and any errors; at the end, the growth of memory
after warm-up and how p95 moved. `run_visits` instead opens and closes visitors' cameras
(connect, one frame, leave) and prints how memory follows. It prints; the README keeps the
figures.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np

from demo.config import Settings
from demo.lab.clients import CameraClient, ViewerClient
from demo.lab.measure import DEFAULT_CLIP, load_frames, pct, rss_mb
from demo.sources import VideoSource, jpeg
from demo.web.server import create_app
from demo.web.server_thread import ServerThread

WARM_UP = 120.0  # s: memory is measured from here (caches, the landmarkers and JIT settle first)


def run_soak(minutes: float, model: Path, clip: Path | None = None, every: float = 30.0, log=print) -> dict:
    clip = Path(clip or DEFAULT_CLIP)
    jpegs = [jpeg.encode(f, 80) for f in load_frames(clip, 200)]
    app, _, hub = create_app(Settings(pose_model=model, recordings={}), server_source=lambda: VideoSource(clip))
    rows = []
    stop = threading.Event()
    with ServerThread(app) as srv:
        camera = CameraClient(srv.url)
        viewer = ViewerClient(srv.url, "server")

        def feed() -> None:
            i = 0
            while not stop.is_set():
                i += 1
                if not camera.round_trip(i, jpegs[i % len(jpegs)], timeout=5):
                    time.sleep(0.1)

        sender = threading.Thread(target=feed, name="soak-camera", daemon=True)
        sender.start()
        start = time.monotonic()
        end = start + minutes * 60
        log(f"soak: {minutes:g} min, clip {clip.name}, model {model.name}; a line every {every:g} s")
        log("   min   RSS MB   RTT median   RTT p95   camera fps   viewer fps   errors")
        seen_rtt, seen_views = 0, 0
        while time.monotonic() < end:
            time.sleep(min(every, max(0.0, end - time.monotonic())))
            now = time.monotonic()
            rtts = camera.rtts[seen_rtt:]
            seen_rtt = len(camera.rtts)
            views = viewer.states - seen_views
            seen_views = viewer.states
            row = {"t": now - start, "rss": rss_mb(), "median": pct(rtts, 50), "p95": pct(rtts, 95),
                   "camera_fps": len(rtts) / every, "viewer_fps": views / every,
                   "errors": len(camera.errors) + len(viewer.errors)}
            rows.append(row)
            log(f"{row['t'] / 60:6.1f} {row['rss']:8.0f} {row['median']:10.1f} ms {row['p95']:7.1f} ms "
                f"{row['camera_fps']:10.1f} {row['viewer_fps']:12.1f} {row['errors']:8d}")
        stop.set()
        sender.join(timeout=10)
        camera.close()
        viewer.close()
        hub.stop_all()
    return summarise(rows, log)


VISITS_WARM_UP = 10  # cameras opened before memory is counted (the first landmarkers are made then)


def run_visits(cycles: int, model: Path, clip: Path | None = None, log=print) -> dict:
    """`cycles` visitors, one after another: connect, send one frame, get its state, leave."""
    frames = load_frames(Path(clip or DEFAULT_CLIP), 10)
    jpegs = [jpeg.encode(f, 80) for f in frames]
    app, _, hub = create_app(Settings(pose_model=model, recordings={}))
    rss = {}
    failed = 0
    with ServerThread(app) as srv:
        log(f"visits: {cycles} cameras, each connecting, sending one frame, leaving; model {model.name}")
        for k in range(cycles):
            camera = CameraClient(srv.url)
            failed += not camera.round_trip(1, jpegs[k % len(jpegs)], timeout=10)
            camera.close()
            if k + 1 in (VISITS_WARM_UP, cycles) or (k + 1) % max(1, cycles // 10) == 0:
                rss[k + 1] = rss_mb()
                log(f"  after {k + 1:5d} visits: RSS {rss[k + 1]:.0f} MB")
        hub.stop_all()
    base = rss.get(VISITS_WARM_UP, next(iter(rss.values())))
    out = {"cycles": cycles, "rss_after_warm_up": base, "rss_end": rss[cycles],
           "rss_growth_mb": rss[cycles] - base, "failed": failed}
    log(f"memory after {VISITS_WARM_UP} visits {base:.0f} MB -> {rss[cycles]:.0f} MB after {cycles} "
        f"({out['rss_growth_mb']:+.0f} MB); visits without an answer: {failed}")
    return out


def summarise(rows: list[dict], log=print) -> dict:
    warm = [r for r in rows if r["t"] >= WARM_UP] or rows
    base = warm[0]["rss"]
    growth = (rows[-1]["rss"] - base) / base * 100 if rows else float("nan")
    tenth = max(1, len(warm) // 10)
    p95_first = float(np.nanmedian([r["p95"] for r in warm[:tenth]]))
    p95_last = float(np.nanmedian([r["p95"] for r in warm[-tenth:]]))
    out = {"rss_start": base, "rss_end": rows[-1]["rss"] if rows else float("nan"), "rss_growth_pct": growth,
           "p95_first": p95_first, "p95_last": p95_last, "errors": rows[-1]["errors"] if rows else 0,
           "minutes": rows[-1]["t"] / 60 if rows else 0.0}
    log(f"memory after warm-up {out['rss_start']:.0f} MB -> {out['rss_end']:.0f} MB ({growth:+.1f}%); "
        f"round-trip p95 {p95_first:.0f} ms (first tenth) -> {p95_last:.0f} ms (last tenth); "
        f"errors {out['errors']}")
    return out

"""How fast the pages load and draw in Debian's Chromium with a fake camera (`bench --only page`).

Starts a server on a free port, opens each page at a projector's size with the camera playing a
clip, and reads the page's own counters (`window.mirror`). Measures only; asserts nothing.
"""

from __future__ import annotations

import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from demo import config
from demo.errors import DemoError
from demo.lab import chromium
from demo.web.server import create_app
from demo.web.server_thread import ServerThread

PAGES = ("/", "/lecture")  # the kiosk and the lecturer's page, both following the browser's camera
VIEWPORT = (1920, 1080)
READY_S = 60.0  # a page with no state by then is reported as failed

# Counters over `seconds`, read in the page (its CSP forbids evaluating strings, not functions).
WINDOW = """async (seconds) => {
  const m = window.mirror;
  const d0 = m.framesDrawn, ms0 = m.drawMs, s0 = m.statesReceived, t0 = performance.now();
  const trips = [];
  const sample = setInterval(() => { trips.push(m.latency); }, 100);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  clearInterval(sample);
  const mid = (v) => {
    const s = v.filter((x) => x != null).sort((a, b) => a - b);
    return s.length ? s[s.length >> 1] : null;
  };
  const dt = (performance.now() - t0) / 1000, draws = m.framesDrawn - d0;
  const nav = performance.getEntriesByType("navigation")[0];
  return { draws: draws / dt, drawMs: (m.drawMs - ms0) / Math.max(1, draws),
           states: (m.statesReceived - s0) / dt, loadedMs: nav.loadEventEnd,
           firstStateMs: m.firstStateAt, heap: performance.memory ? performance.memory.usedJSHeapSize : null,
           glassMs: mid(m.glassToGlass), roundTripMs: mid(trips) };
}"""


@dataclass(frozen=True)
class PageRate:
    path: str
    loaded_s: float       # navigation start to the page's load event
    first_state_s: float  # navigation start to the first state from the server
    draws_per_s: float    # animation frames drawn (the browser offers 60 a second)
    draw_ms: float        # time one draw takes, mean
    states_per_s: float   # states received, i.e. camera frames the server answered
    heap_mb: float | None  # the page's JavaScript heap at the end
    glass_ms: float | None       # camera frame captured to its skeleton drawn, median of the last 100
    round_trip_ms: float | None  # frame sent to its state back, median of the window


def measure_pages(camera: Path, model: Path | None, seconds: float = 5.0,
                  paths: tuple[str, ...] = PAGES) -> list[PageRate]:
    """Each page in `paths`, in turn, with the fake camera playing `camera` (a y4m file)."""
    # A page asks for a dozen files: their access lines would bury the figures.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app, _, hub = create_app(config.Settings(pose_model=model, recordings={}))
    rates = []
    try:
        with ServerThread(app) as srv, tempfile.TemporaryDirectory() as profile:
            pw, ctx = chromium.start(Path(profile), camera, VIEWPORT)
            try:
                for path in paths:
                    rates.append(_measure(ctx, srv.url, path, seconds))
            finally:
                chromium.stop(pw, ctx)
    finally:
        hub.stop_all()
    return rates


def _measure(ctx, server: str, path: str, seconds: float) -> PageRate:
    url = server + path
    page = ctx.new_page()
    try:
        page.goto(url)
        deadline = time.monotonic() + READY_S
        while not page.evaluate("() => (window.mirror?.statesReceived ?? 0) > 5"):
            if time.monotonic() > deadline:
                raise DemoError(f"{url} showed no state within {READY_S:.0f} s.",
                                "Run the page tests (tests/browser) to see what it reports.")
            page.wait_for_timeout(100)
        m = page.evaluate(WINDOW, seconds)
    finally:
        page.close()
    return PageRate(path=path,
                    loaded_s=m["loadedMs"] / 1000, first_state_s=m["firstStateMs"] / 1000,
                    draws_per_s=m["draws"], draw_ms=m["drawMs"], states_per_s=m["states"],
                    heap_mb=m["heap"] / 2**20 if m["heap"] else None, glass_ms=m["glassMs"],
                    round_trip_ms=m["roundTripMs"])


def describe(rate: PageRate) -> str:
    heap = f", JS heap {rate.heap_mb:.0f} MB" if rate.heap_mb is not None else ""
    if rate.glass_ms is not None and rate.round_trip_ms is not None:
        heap += f"; glass to glass {rate.glass_ms:.0f} ms (round trip {rate.round_trip_ms:.0f} ms)"
    return (f"page {rate.path:9s} loaded {rate.loaded_s:4.1f} s, first state {rate.first_state_s:4.1f} s; "
            f"{rate.draws_per_s:5.1f} draws/s ({rate.draw_ms:.1f} ms each), "
            f"{rate.states_per_s:5.1f} states/s{heap}")

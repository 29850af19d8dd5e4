"""The pages keep drawing and taking states with a real camera clip: what `bench --only page` prints.

Floors far under what the bench prints on this machine (60 draws/s, 15-22 states/s): they catch
a page that stops animating or stops answering, not a slow day.
"""

from __future__ import annotations

import pytest

from demo.lab.chromium import write_y4m
from demo.lab.page_rate import describe, measure_pages

from chromium import need_chromium
from helpers import read_frames

pytestmark = pytest.mark.browser


def test_kiosk_and_lecture_pages_draw_and_take_states(pose_model, drink_clip, tmp_path):
    need_chromium()
    camera = write_y4m(read_frames(drink_clip), tmp_path / "camera.y4m")
    rates = measure_pages(camera, pose_model, seconds=3.0)
    for rate in rates:
        print(describe(rate))
        assert rate.loaded_s < 10, rate
        assert rate.first_state_s < 20, rate
        assert rate.draws_per_s > 20, rate
        assert rate.states_per_s > 5, rate
        assert rate.heap_mb is None or rate.heap_mb < 100, rate
        # Glass to glass holds the round trip and the camera's and the drawing's parts besides.
        assert rate.round_trip_ms is not None and rate.glass_ms is not None, rate
        assert rate.round_trip_ms < rate.glass_ms < rate.round_trip_ms + 1000, rate

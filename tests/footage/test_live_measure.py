"""`eval --live`: real BIISC clips through a real server at their own frame rate, as the page sees them."""

from __future__ import annotations

import json

from demo.cli.main import main

from helpers import BIISC


def test_what_the_page_shows_for_real_people(biisc_clips, pose_model, capsys):
    """One clip of each action (shipped library): the gauge while moving, rest when held still."""
    assert main(["eval", "--live", "--biisc", str(BIISC), "--clips", "8"]) == 0
    report = json.loads(capsys.readouterr().out)
    print(json.dumps(report, indent=1))
    assert report["clips"] == 8 and report["clips_never_moving"] <= 1
    gauge = report["gauge_right_share_of_moving_time"]
    assert gauge["goal_directed"] >= 0.85                    # issue target: balanced 0.90
    # The held pictures split by what they show; a hand held up at the head stays the action.
    assert sum(report["held_pictures"].values()) == 8 and report["held_pictures"]["hands down"] >= 5
    assert report["held_still_shown_as_rest"] >= 0.9          # issue target 0.95

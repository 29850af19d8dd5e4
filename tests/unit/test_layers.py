"""The code's shape: imports follow the pipeline, with no cycle and none hidden in a function."""

from __future__ import annotations

from demo.lab import imports


def test_imports_follow_the_flow_with_no_cycle():
    problems = imports.breaches(imports.edges())
    assert problems == [], "\n".join(problems)


def test_the_check_catches_an_edge_against_the_flow_and_a_cycle():
    """The same check with a backward edge and a cycle put in: it must complain of both."""
    found = imports.edges()
    backward = imports.Edge("demo.pose.estimator", "demo.web.server", 1, True)
    cycle = [imports.Edge("demo.recognition.features", "demo.recognition.segmenter", 1, True),
             imports.Edge("demo.recognition.segmenter", "demo.recognition.features", 1, True)]
    hidden = imports.Edge("demo.live.hub", "json", 99, False)
    problems = imports.breaches([*found, backward, *cycle, hidden])
    assert any("pose may not import web" in p for p in problems)
    assert any(p.startswith("import cycle") and "demo.recognition.features" in p for p in problems)
    assert any("json inside a function" in p for p in problems)

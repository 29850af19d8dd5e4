"""The kiosk's policy: invite visitors when nobody is there, forget the last one, stop for a visitor."""

from __future__ import annotations

from demo.live.kiosk import Kiosk
from demo.mirror.params import load
from demo.mirror.session import MirrorSystem
from demo.recognition import training
from demo.recognition.library import Library


def test_attract_mode_starts_when_nobody_is_in_view_and_stops_for_a_visitor():
    params = load()
    lib = Library()
    model = training.fit_library(lib)
    s = MirrorSystem(model.classes, params, lambda n: lib[n].recordings()[0])
    kiosk = Kiosk()
    k = params.kiosk
    s.train("imitation")
    s.set_learning(True)
    t, acted = 0.0, set()
    while t < k.attract_after - 1:
        t += 0.1
        kiosk.update(s, t, present=False)
        snap = s.update(t, None)
        assert not snap.attract and snap.agent is None
    while t < k.reset_after + 20:
        t += 0.1
        kiosk.update(s, t, present=False)
        snap = s.update(t, None)
        if snap.agent is not None:
            acted.add(snap.agent.action)
    # Nobody for long: the last visitor's training is forgotten, then the model invites with its actions.
    assert snap.attract and s.training == "off" and not s.model.learning
    assert len(acted) >= 3 and set(acted) <= set(s.attract_actions())
    kiosk.update(s, t + 0.1, present=True)
    snap = s.update(t + 0.1, None)
    assert not snap.attract and snap.agent is None

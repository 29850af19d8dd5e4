"""The kiosk's policy: invite visitors when nobody is in view, forget the last visitor later.

After `attract_after` seconds with nobody in view the model acts to invite (goal-directed
actions, then one aimless one, with pauses between); after `reset_after` seconds the last
visitor's training is forgotten. Someone stepping in stops the invitation. The numbers are in
models/mirror/params.toml ([kiosk]); the mirror system only does what this asks.
"""

from __future__ import annotations

from demo.mirror.session import MirrorSystem


class Kiosk:
    """One stream's attract mode and forgetting, from how long nobody has been in view."""

    def __init__(self) -> None:
        self._absent_since: float | None = None
        self._forgotten = False
        self._next_attract: float | None = None
        self._turn = 0

    def update(self, system: MirrorSystem, t: float, present: bool) -> None:
        if present:
            self._absent_since = None
            self._forgotten = False
            if system.attracting:
                system.attracting = False
                system.agent.stop()
            return
        if self._absent_since is None:
            self._absent_since = t
        k = system.params.kiosk
        away = t - self._absent_since
        if away >= k.reset_after and not self._forgotten:
            system.forget()
            self._forgotten = True
        if away >= k.attract_after and system.training == "off":
            self._invite(system, t, k.attract_pause)

    def _invite(self, system: MirrorSystem, t: float, pause: float) -> None:
        if not system.attracting:
            system.attracting = True
            self._next_attract = t
        if system.agent.busy:
            self._next_attract = None
            return
        if self._next_attract is None:
            self._next_attract = t + pause
        # Only when it is time to act: asking which classes can be acted may load example files.
        if t >= self._next_attract and system.invite(t, self._turn):
            self._turn += 1

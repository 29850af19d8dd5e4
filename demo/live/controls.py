"""The model controls: what each `control` a page sends does to its stream, one handler a control.

Watching and leaving are the hub's; these change the model (the lecture and record pages):
slow motion, "why", the mirror units' commands, and the record page's examples. Permission
(local or token) is checked before a control reaches here, by the web handlers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from demo.errors import DemoError
from demo.live import protocol
from demo.live.drafts import Drafts
from demo.live.hub import Hub

log = logging.getLogger(__name__)


class Controls:
    """Applies model controls to the stream a page sends to or watches; one handler per control."""

    def __init__(self, hub: Hub, drafts: Drafts | None = None) -> None:
        self.hub = hub
        self.drafts = drafts or Drafts()
        self.handlers: dict[str, Callable[[str, protocol.ControlMessage], None]] = {
            "speed": self._speed, "why": self._why,
            "act": self._mirror("act"), "learning": self._mirror("set_learning"),
            "train": self._mirror("train"), "reset": self._mirror("reset"),
            "scene": self._mirror("set_context"), "lesion": self._mirror("lesion"),
            "record": self._record, "discard": self._discard, "save": self._save,
        }

    def apply(self, sid: str, msg: protocol.ControlMessage) -> None:
        self.handlers[msg.action](sid, msg)

    def forget(self, sid: str) -> None:
        """A page left: its unsaved examples go with it."""
        self.drafts.drop(sid)

    def _speed(self, sid: str, msg: protocol.ControlMessage) -> None:
        self.hub.stream_of(sid).source.set_speed(msg.value)

    def _why(self, sid: str, msg: protocol.ControlMessage) -> None:
        self.hub.stream_of(sid).why = msg.value

    def _mirror(self, command: str) -> Callable[[str, protocol.ControlMessage], None]:
        def run(sid: str, msg: protocol.ControlMessage) -> None:
            session = self.hub.stream_of(sid).mirror_session()
            if session is None:
                raise DemoError(f"The mirror model is off: {self.hub.learnt.mirror_off_reason()}",
                                "Fix models/mirror/params.toml or the action library.")
            getattr(session, command)(msg.value)
        return run

    # --- the record page: examples from this page's stream, then a class in the library ---
    def _record(self, sid: str, msg: protocol.ControlMessage) -> None:
        stream = self.hub.stream_of(sid)
        if msg.value:
            stream.start_recording()
            return
        self.drafts.add(sid, stream.stop_recording())
        self._send_examples(sid)

    def _discard(self, sid: str, msg: protocol.ControlMessage) -> None:
        self.drafts.discard(sid, msg.value)
        self._send_examples(sid)

    def _save(self, sid: str, msg: protocol.ControlMessage) -> None:
        learnt = self.hub.learnt
        saved = self.drafts.save(sid, learnt.open_library(), msg.value)
        log.info("class %s saved with %d examples", saved.name, len(saved.examples))
        learnt.retrain()
        # Every page learns the new class list and population; every stream adopts the new model.
        self.hub.rooms.emit(protocol.HELLO, self.hub.hello())
        self._send_examples(sid)

    def _send_examples(self, sid: str) -> None:
        self.hub.rooms.emit(protocol.EXAMPLES, self.drafts.summary(sid), to=sid)

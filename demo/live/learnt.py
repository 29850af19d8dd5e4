"""What every stream learns from: the action model (from the library) and the mirror parameters.

Retrained when a class is saved; streams ask for the current action model each frame, so a
new class is recognised without a restart. A bad library or parameter file turns that part
off with a reason (shown on the pages); it never stops the live view. Knows no sockets.
"""

from __future__ import annotations

import logging
from pathlib import Path

from demo.errors import DemoError
from demo.mirror.params import Params
from demo.mirror.params import load as load_mirror_params
from demo.mirror.session import MirrorSystem, layout
from demo.recognition.library import Library
from demo.recognition.training import ActionModel, fit_library
from demo.recording import Recording

log = logging.getLogger(__name__)


class Learnt:
    """The action model and the mirror parameters the streams share; thread-safe to read."""

    def __init__(self, library: Path | None = None, mirror_params: Path | None = None) -> None:
        self.library_dir = library
        self.library: Library | None = None
        self.action_model: ActionModel | None = None
        self.action_error: str | None = None
        self.mirror_params: Params | None = None
        self.mirror_error: str | None = None
        try:
            self.mirror_params = load_mirror_params(mirror_params)
        except DemoError as e:  # bad model parameters must not stop the live view either
            log.error("the mirror model is off: %s", e)
            self.mirror_error = str(e)
        self.retrain()

    def retrain(self) -> None:
        """(Re)learn the action classes from the library; streams pick the new model up."""
        try:
            self.library = Library(self.library_dir)
            self.action_model = fit_library(self.library)
            self.action_error = None
        except DemoError as e:  # a bad library must not stop the live view
            log.error("action recognition is off: %s", e)
            self.action_error = str(e)

    def open_library(self) -> Library:
        """The library folder as it is on disk now (the record page saves into it)."""
        return Library(self.library_dir)

    def example(self, name: str) -> Recording | None:
        """One example recording of a class, for the agent to act out classes it has no script for."""
        try:
            recs = self.library[name].recordings() if self.library is not None else []
        except DemoError:
            return None
        return recs[0] if recs else None

    def mirror_session(self, model: ActionModel) -> MirrorSystem:
        return MirrorSystem(model.classes, self.mirror_params, self.example)

    @property
    def mirror_factory(self):
        """Makes one stream's mirror session, or None when the mirror model is off."""
        return self.mirror_session if self.mirror_params is not None else None

    def mirror_layout(self) -> dict | None:
        if self.mirror_params is None or self.action_model is None:
            return None
        return layout(self.action_model.classes, self.mirror_params)

    def mirror_off_reason(self) -> str:
        return self.mirror_error or self.action_error or "no action classes"

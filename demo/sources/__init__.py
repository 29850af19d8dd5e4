"""Where frames come from: one module per kind of source, one base class.

`create(kind, ...)` builds a source by name from the registry below, so the
server and the command line share one way to make sources.
"""

from __future__ import annotations

from .base import Source, SourceStatus
from .browser import BrowserSource
from .camera import CameraSource
from .replay import ReplaySource
from .video import VideoSource

REGISTRY: dict[str, type[Source]] = {
    "browser": BrowserSource,
    "camera": CameraSource,
    "video": VideoSource,
    "replay": ReplaySource,
}

__all__ = ["Source", "SourceStatus", "BrowserSource", "CameraSource", "VideoSource",
           "ReplaySource", "REGISTRY"]

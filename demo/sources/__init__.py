"""Where frames come from: one module per kind of source, one base class.

The server's flags choose one (demo/app.py); the page's camera is always a
BrowserSource made per connection (demo/server.py).
"""

from __future__ import annotations

from .base import Source, SourceStatus
from .browser import BrowserSource
from .camera import CameraSource
from .replay import ReplaySource
from .video import VideoSource

__all__ = ["Source", "SourceStatus", "BrowserSource", "CameraSource", "VideoSource",
           "ReplaySource"]

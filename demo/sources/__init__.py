"""Where frames come from: one module per kind of source, one base class.

The server's flags choose one (demo/cli/run.py); the page's camera is always a
BrowserSource made per connection (demo/web/server.py).
"""

from __future__ import annotations

from demo.sources.base import Source, SourceStatus
from demo.sources.browser import BrowserSource
from demo.sources.camera import CameraSource
from demo.sources.replay import ReplaySource
from demo.sources.video import VideoSource

__all__ = ["Source", "SourceStatus", "BrowserSource", "CameraSource", "VideoSource",
           "ReplaySource"]

"""The Socket.IO handlers: one `Namespace` method per event a page sends.

Every payload is validated (demo/live/protocol.py) and a bad one is answered with an `error`
naming what was wrong and how to fix it, to that page only: one client's fault never reaches
another. Streams and controls are the live package's; this module only routes and permits.
"""

from __future__ import annotations

import hmac
import logging
from urllib.parse import urlsplit

from flask import request
from flask_socketio import Namespace

from demo import config
from demo.errors import BadMessageError, DemoError, ForbiddenError, RateLimitedError
from demo.live import protocol
from demo.live.controls import Controls
from demo.live.hub import Hub
from demo.live.limits import RateLimiter

log = logging.getLogger(__name__)

LOCAL_ADDRESSES = ("127.0.0.1", "::1", "::ffff:127.0.0.1")
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")


class Handlers(Namespace):
    """The default namespace: connect, disconnect, `frame` and `control`."""

    def __init__(self, hub: Hub, controls: Controls, token: str | None) -> None:
        super().__init__("/")
        self.hub = hub
        self.controls = controls
        self.token = token
        self.limiter = RateLimiter()

    def allowed(self, token: str | None) -> bool:
        """Model controls: from this computer, or with the token given at start. This computer
        means a loopback address *and* a loopback Host: a web page whose name was rebound to
        127.0.0.1 (DNS rebinding) connects from here, but under its own name."""
        host = urlsplit("//" + (request.host or "")).hostname
        if request.remote_addr in LOCAL_ADDRESSES and host in LOCAL_NAMES:
            return True
        if not self.token or not isinstance(token, str):
            return False
        # Guesses are counted per address, over all its connections (a new connection is cheap).
        address = request.remote_addr or "?"
        if not self.limiter.allow(address, "token guess", spend=False):
            raise RateLimitedError("Too many wrong tokens from this address: model controls are refused for now.",
                                   f"Wait {config.TOKEN_GUESS_EVERY:.0f} s, then pass the right token.")
        right = hmac.compare_digest(token.encode(), self.token.encode())  # bytes: any alphabet
        if not right:
            self.limiter.allow(address, "token guess")
        return right

    def limit(self, kind: str, per_second: float, fix: str) -> None:
        """Refuse this page's `kind` of message beyond its rate (demo/live/limits.py)."""
        if not self.limiter.allow(request.sid, kind):
            raise RateLimitedError(f"More than {per_second:.0f} {kind}s a second: this one was dropped.", fix)

    def emit_error(self, err: DemoError | str, code: str | None = None) -> None:
        self.socketio.emit(protocol.ERROR, protocol.error(err, code), to=request.sid)

    def on_connect(self, auth=None):
        self.socketio.emit(protocol.HELLO, self.hub.hello(), to=request.sid)

    def on_disconnect(self, *args):
        self.hub.leave(request.sid)
        self.controls.forget(request.sid)
        self.limiter.forget(request.sid)

    def on_frame(self, payload=None):
        try:
            self.limit("frame", config.MAX_FRAMES_PER_SECOND, "Send a frame only when the camera has a new one.")
            msg = protocol.parse_frame(payload)
            if len(msg.jpeg) > config.MAX_FRAME_BYTES:
                raise BadMessageError(
                    f"The frame is {len(msg.jpeg) / 1e6:.1f} MB; the limit is "
                    f"{config.MAX_FRAME_BYTES / 1e6:.1f} MB.", "Send smaller frames (640x480, quality 80).")
            if self.hub.setup.model_path is None:
                raise DemoError("The server has no pose model.", "Run `python -m demo pose-models`.")
            stream = self.hub.browser_stream(request.sid)
        except DemoError as e:
            self.emit_error(e)
            return
        stream.source.submit(msg.jpeg, msg.frame_id, msg.client_ts)

    def on_control(self, payload=None):
        try:
            self.limit("control", config.MAX_CONTROLS_PER_SECOND, "Slow down.")
            msg = protocol.parse_control(payload)
            if msg.action == "watch":
                self.hub.watch(request.sid, msg.source)
            elif msg.action == "stop":
                self.hub.leave(request.sid)
            elif msg.changes_model:
                if not self.allowed(msg.token):
                    raise ForbiddenError("Model controls are refused from other devices without the token.",
                                         "Pass the token the server was started with (--token).")
                self.controls.apply(request.sid, msg)
        except DemoError as e:
            self.emit_error(e)

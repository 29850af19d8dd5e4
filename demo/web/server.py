"""The Flask-SocketIO server: the pages, the headers they are served with, and /health.

`create_app` wires the live hub (streams and viewers) to Socket.IO through `SocketRooms` and
registers the handlers (demo/web/handlers.py). No frames or landmarks are written to disk here.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable

from flask import Flask, render_template
from flask_socketio import SocketIO, join_room, leave_room

from demo import config
from demo.live.controls import Controls
from demo.live.hub import SERVER_STREAM, Hub, StreamSetup, bundled_recordings
from demo.live.learnt import Learnt
from demo.sources import Source
from demo.web.handlers import Handlers
from demo.web.malformed import guard_packets

log = logging.getLogger(__name__)

# One template per kind of page; /view is state only (no camera, no pose cost: cheap for a hall of phones).
PAGES = {"/": ("index.html", "kiosk"), "/lecture": ("index.html", "lecture"),
         "/view": ("index.html", "view"), "/record": ("record.html", "record")}
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
    "connect-src 'self'; style-src 'self'; script-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")  # 'self' covers its own ws/wss


class SocketRooms:
    """The hub's `Rooms` on Socket.IO's default namespace."""

    def __init__(self, socketio: SocketIO) -> None:
        self.socketio = socketio

    def emit(self, event: str, payload: dict, to: str | None = None) -> None:
        self.socketio.emit(event, payload, to=to)

    def join(self, sid: str, room: str) -> None:
        join_room(room, sid=sid, namespace="/")

    def leave(self, sid: str, room: str) -> None:
        leave_room(room, sid=sid, namespace="/")


def _no_delay(wsgi_app):
    """WSGI wrapper turning off Nagle's algorithm on each connection.

    States are small writes in quick succession; with Nagle on, a write waits
    while the one before is unacknowledged, i.e. for the peer's delayed ACK
    (up to 40 ms). It mattered most when a state was several frames (protocol 1).
    """

    def app(environ, start_response):
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:  # not TCP (a unix socket behind a proxy): nothing to do
                pass
        return wsgi_app(environ, start_response)

    return app


def create_app(settings: config.Settings | None = None,
               server_source: Callable[[], Source] | None = None) -> tuple[Flask, SocketIO, Hub]:
    """The Flask app, its Socket.IO server and the hub, configured by `settings`; `server_source`
    makes the server's own camera or video (None: only browsers and recordings are sources)."""
    settings = settings or config.Settings()
    app = Flask(__name__, static_folder=str(config.STATIC_DIR), template_folder=str(config.TEMPLATES_DIR))
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 0
    # Larger than a frame may be, so an oversize frame gets an `error` reply
    # instead of engine.io silently dropping the connection.
    # With a message queue (Redis), events emitted here reach viewers connected to every server
    # sharing it (docs/operations.md). Only the page's own origin may connect (engine.io's default).
    # MessagePack makes every packet one websocket frame, so two threads sending to one client
    # (a stream's state, a handler's status) cannot interleave the parts of a packet.
    socketio = SocketIO(app, async_mode="threading", max_http_buffer_size=config.MAX_HTTP_BUFFER,
                        serializer=config.SOCKETIO_SERIALIZER, message_queue=settings.message_queue)
    guard_packets(socketio.server)
    app.wsgi_app = _no_delay(app.wsgi_app)
    recordings = settings.recordings if settings.recordings is not None else bundled_recordings()
    setup = StreamSetup(settings.pose_model, server_source, recordings,
                        settings.max_people, settings.max_streams, settings.relay)
    hub = Hub(SocketRooms(socketio), setup, Learnt(settings.library, settings.mirror_params))
    if settings.message_queue and server_source is not None and not settings.relay:
        hub.pin(SERVER_STREAM)
    add_pages(app, hub)
    handlers = Handlers(hub, Controls(hub), settings.token)
    socketio.on_namespace(handlers)

    @socketio.on_error_default
    def on_any_error(e):  # an unexpected fault in a handler: tell this client, serve the rest
        log.exception("handler error")
        handlers.emit_error(f"Internal error: {e}", code="internal")

    return app, socketio, hub


def add_pages(app: Flask, hub: Hub) -> None:
    """The pages, /health, and the headers every response carries."""

    @app.after_request
    def security_headers(resp):
        resp.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "no-referrer")
        return resp

    for path, (template, mode) in PAGES.items():
        app.add_url_rule(path, mode, lambda template=template, mode=mode: render_template(
            template, protocol_version=config.PROTOCOL_VERSION, mode=mode))

    @app.route("/health")
    def health():
        # A stream that failed in the last minute is reported (it restarted itself; the server
        # answers, so mirror-health.timer leaves it running).
        failing = [s.id for s in list(hub.streams.values()) if s.failed_within(60.0)]
        return {"ok": not failing, "streams": len(hub.streams), "failing": failing, "pose_model": hub.pose_name}

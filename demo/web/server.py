"""The Flask-SocketIO server: pages, the hub of streams, and the event handlers.

Each browser camera gets its own stream (room "cam:<sid>"); server-side
sources (a camera, a video, the bundled recordings) are shared streams that
any page can watch, started on the first viewer and stopped after the last.
Handlers validate every payload and answer bad ones with an `error` event;
they never let one client's fault reach another. No frames or landmarks are
written to disk here.
"""

from __future__ import annotations

import hmac
import logging
import socket
import threading
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from flask import Flask, render_template, request
from flask_socketio import SocketIO, join_room, leave_room

from demo import config
from demo.errors import BadMessageError, BusyError, DemoError, ForbiddenError, RateLimitedError
from demo.live import protocol
from demo.live.drafts import Drafts
from demo.live.limits import RateLimiter
from demo.live.stream import Stream
from demo.mirror.params import load as load_mirror_params
from demo.mirror.population import actions_of
from demo.mirror.population import build as build_population
from demo.mirror.session import Session
from demo.sources import BrowserSource, Source
from demo.sources.replay import ReplaySource

log = logging.getLogger(__name__)

LOCAL_ADDRESSES = ("127.0.0.1", "::1", "::ffff:127.0.0.1")
SERVER_STREAM = "server"
REPLAY_PREFIX = "replay:"


def bundled_recordings(directory: Path = config.RECORDINGS_DIR) -> dict[str, Path]:
    from demo.recording import SUFFIX

    if not directory.is_dir():
        return {}
    return {p.name.removesuffix(SUFFIX): p for p in sorted(directory.glob("*" + SUFFIX))}


class Hub:
    """Owns every stream and who watches it; thread-safe."""

    def __init__(self, socketio: SocketIO, model_path: Path | None,
                 server_source: Callable[[], Source] | None = None,
                 recordings: dict[str, Path] | None = None,
                 max_people: int = config.MAX_POSES, library: Path | None = None,
                 mirror_params: Path | None = None, max_streams: int = config.MAX_POSE_STREAMS,
                 relay: bool = False) -> None:
        self.socketio = socketio
        self.max_people = max_people
        self.model_path = model_path
        self.server_source = server_source
        self.recordings = recordings if recordings is not None else bundled_recordings()
        self.streams: dict[str, Stream] = {}
        self.viewers: dict[str, set[str]] = defaultdict(set)
        self.lock = threading.RLock()
        self.library_dir = library
        self.action_model = None
        self.action_error: str | None = None
        self.library = None
        self.mirror_params = None
        self.mirror_error: str | None = None
        self.drafts = Drafts()
        self.max_streams = max_streams
        # A relay (several servers behind a message queue) runs no streams: it only passes on
        # the states another server publishes. Streams pinned here run without local viewers.
        self.relay = relay
        self.pinned: set[str] = set()
        try:
            self.mirror_params = load_mirror_params(mirror_params)
        except DemoError as e:  # bad model parameters must not stop the live view either
            log.error("the mirror model is off: %s", e)
            self.mirror_error = str(e)
        self.retrain()

    def retrain(self) -> None:
        """(Re)learn the action classes from the library; streams pick the new model up."""
        from demo.recognition.library import Library
        from demo.recognition.online import fit_library

        try:
            self.library = Library(self.library_dir)
            self.action_model = fit_library(self.library)
            self.action_error = None
        except DemoError as e:  # a bad library must not stop the live view
            log.error("action recognition is off: %s", e)
            self.action_error = str(e)

    # --- the mirror model ----------------------------------------------------------
    def _example(self, name: str):
        """One example recording of a class, for the agent to act out classes it has no script for."""
        try:
            recs = self.library[name].recordings() if self.library is not None else []
        except DemoError:
            return None
        return recs[0] if recs else None

    def _mirror_session(self, model) -> Session:
        return Session(model.classes, self.mirror_params, self._example)

    def mirror_layout(self) -> dict | None:
        if self.mirror_params is None or self.action_model is None:
            return None
        return build_population(self.mirror_params, actions_of(self.action_model.classes)).layout()

    def stream_of(self, sid: str) -> Stream:
        """The stream this client sends to or watches."""
        with self.lock:
            for stream_id, viewers in self.viewers.items():
                if sid in viewers and stream_id in self.streams:
                    return self.streams[stream_id]
        raise BadMessageError("This page watches no stream yet.", "Send camera frames or 'watch' a source first.")

    @property
    def pose_name(self) -> str:
        return self.model_path.name if self.model_path else "none"

    def hello(self) -> dict:
        server = {"stream": SERVER_STREAM} if self.server_source is not None else None
        return protocol.hello(server, list(self.recordings), self.pose_name,
                              self.action_model, self.action_error, self.mirror_layout(), self.mirror_error)

    def record(self, sid: str, msg: protocol.ControlMessage) -> None:
        """The record page: examples from this page's stream, then a class in the library."""
        if msg.action == "record":
            stream = self.stream_of(sid)
            if msg.value:
                stream.start_recording()
                return
            self.drafts.add(sid, stream.stop_recording())
        elif msg.action == "discard":
            self.drafts.discard(sid, msg.value)
        elif msg.action == "save":
            from demo.recognition.library import Library

            saved = self.drafts.save(sid, Library(self.library_dir), msg.value)
            log.info("class %s saved with %d examples", saved.name, len(saved.examples))
            self.retrain()
            # Every page learns the new class list and population; every stream adopts the new model.
            self.socketio.emit(protocol.HELLO, self.hello())
        self.socketio.emit(protocol.EXAMPLES, self.drafts.summary(sid), to=sid)

    def control_model(self, sid: str, msg: protocol.ControlMessage) -> None:
        if msg.action in ("record", "discard", "save"):
            self.record(sid, msg)
            return
        stream = self.stream_of(sid)
        if msg.action == "speed":
            stream.source.set_speed(msg.value)
            return
        if msg.action == "why":
            stream.why = msg.value
            return
        session = stream.mirror_session()
        if session is None:
            why = self.mirror_error or self.action_error or "no action classes"
            raise DemoError(f"The mirror model is off: {why}",
                            "Fix models/mirror/params.toml or the action library.")
        if msg.action == "act":
            session.act(msg.value)
        elif msg.action == "learning":
            session.set_learning(msg.value)
        elif msg.action == "train":
            session.train(msg.value)
        elif msg.action == "reset":
            session.reset(msg.value)

    # --- helpers -----------------------------------------------------------
    def _publisher(self, room: str):
        def publish(event: str, payload: dict) -> None:
            self.socketio.emit(event, payload, to=room)
        return publish

    def _reporter(self, to: str):
        def report(payload: dict) -> None:
            self.socketio.emit(protocol.ERROR, payload, to=to)
        return report

    def _start(self, stream_id: str, source: Source, report_to: str) -> Stream:
        stream = Stream(stream_id, source, self.model_path, self._publisher(stream_id),
                        self._reporter(report_to), max_people=self.max_people,
                        action_model=lambda: self.action_model,
                        mirror=self._mirror_session if self.mirror_params is not None else None).start()
        self.streams[stream_id] = stream
        return stream

    def _make_shared_source(self, stream_id: str) -> Source:
        if stream_id == SERVER_STREAM:
            if self.server_source is None:
                raise BadMessageError("No server source was configured.",
                                      "Start with --camera N, --video PATH or --replay PATH.")
            return self.server_source()
        if stream_id.startswith(REPLAY_PREFIX):
            name = stream_id[len(REPLAY_PREFIX):]
            if name not in self.recordings:
                raise BadMessageError(f"No bundled recording named {name!r}.",
                                      f"Choose one of: {', '.join(self.recordings) or 'none installed'}.")
            return ReplaySource(self.recordings[name])
        raise BadMessageError(f"Unknown source {stream_id!r}.",
                              f"Use '{SERVER_STREAM}' or '{REPLAY_PREFIX}<name>'.")

    def default_shared(self) -> str | None:
        if self.server_source is not None:
            return SERVER_STREAM
        if "default" in self.recordings:
            return REPLAY_PREFIX + "default"
        return REPLAY_PREFIX + next(iter(self.recordings)) if self.recordings else None

    # --- browser camera ----------------------------------------------------
    def pin(self, stream_id: str) -> None:
        """Run a shared stream for viewers on other servers (behind a message queue) too."""
        with self.lock:
            self.pinned.add(stream_id)
            if stream_id not in self.streams:
                self._start(stream_id, self._make_shared_source(stream_id), report_to=stream_id)

    def browser_stream(self, sid: str) -> Stream:
        if self.relay:
            raise BusyError("This server relays a demo run elsewhere: it follows no camera itself.",
                            "Open the main server's page to use a camera, or watch here (/view).")
        stream_id = f"cam:{sid}"
        with self.lock:
            stream = self.streams.get(stream_id)
            if stream is None:
                cameras = sum(1 for s in self.streams if s.startswith("cam:"))
                if cameras >= self.max_streams:
                    raise BusyError(f"The demo is busy: it follows {cameras} cameras already, its limit here.",
                                    "Watch instead (/view shows the demo without a camera), or try again soon.")
                self._leave_all(sid)
                stream = self._start(stream_id, BrowserSource(), report_to=sid)
                self._join(sid, stream_id)
            return stream

    # --- viewers -----------------------------------------------------------
    def _join(self, sid: str, stream_id: str) -> None:
        join_room(stream_id, sid=sid, namespace="/")
        self.viewers[stream_id].add(sid)

    def watch(self, sid: str, stream_id: str | None) -> str:
        stream_id = stream_id or self.default_shared()
        if stream_id is None:
            raise BadMessageError("There is nothing to watch: no camera and no bundled recording.",
                                  "Run `python -m demo models` to restore the bundled recording.")
        with self.lock:
            if sid in self.viewers.get(stream_id, ()):
                return stream_id
            self._leave_all(sid)
            if self.relay:
                self._join(sid, stream_id)  # the states come through the message queue
                return stream_id
            if stream_id not in self.streams:
                if stream_id.startswith("cam:"):
                    raise BadMessageError(f"The camera {stream_id!r} is not streaming now.",
                                          "Ask for a new link: it changes when that page reloads.")
                self._start(stream_id, self._make_shared_source(stream_id), report_to=stream_id)
            self._join(sid, stream_id)
            self.socketio.emit(protocol.STATUS, self.streams[stream_id].status(), to=sid)
            return stream_id

    def _leave_all(self, sid: str) -> None:
        for stream_id in [s for s, v in self.viewers.items() if sid in v]:
            self.viewers[stream_id].discard(sid)
            leave_room(stream_id, sid=sid, namespace="/")
            owned = stream_id == f"cam:{sid}"
            if owned or (not self.viewers[stream_id] and stream_id not in self.pinned):
                stream = self.streams.pop(stream_id, None)
                self.viewers.pop(stream_id, None)
                if stream is not None:
                    stream.stop(wait=False)

    def leave(self, sid: str) -> None:
        with self.lock:
            self._leave_all(sid)

    def disconnect(self, sid: str) -> None:
        self.leave(sid)
        self.drafts.drop(sid)

    def stop_all(self) -> None:
        with self.lock:
            for stream in self.streams.values():
                stream.stop(wait=False)
            self.streams.clear()
            self.viewers.clear()


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


def create_app(settings: config.Settings | None = None, model_path: Path | None = None,
               server_source: Callable[[], Source] | None = None,
               recordings: dict[str, Path] | None = None,
               library: Path | None = None, mirror_params: Path | None = None) -> tuple[Flask, SocketIO, Hub]:
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
    app.wsgi_app = _no_delay(app.wsgi_app)
    hub = Hub(socketio, model_path, server_source, recordings, settings.max_people, library, mirror_params,
              settings.max_streams, relay=settings.relay)
    if settings.message_queue and server_source is not None and not settings.relay:
        hub.pin(SERVER_STREAM)
    limiter = RateLimiter()

    @app.after_request
    def security_headers(resp):
        resp.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
            "connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; object-src 'none'")
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "no-referrer")
        return resp

    # One template per kind of page; /view is state only (no camera, no pose cost: cheap for a hall of phones).
    pages = {"/": ("index.html", "kiosk"), "/lecture": ("index.html", "lecture"),
             "/view": ("index.html", "view"), "/record": ("record.html", "record")}
    for path, (template, mode) in pages.items():
        app.add_url_rule(path, mode, lambda template=template, mode=mode: render_template(
            template, protocol_version=config.PROTOCOL_VERSION, mode=mode))

    @app.route("/health")
    def health():
        return {"ok": True, "streams": len(hub.streams), "pose_model": hub.pose_name}

    def allowed(token: str | None) -> bool:
        """Model controls: from this computer, or with the token given at start."""
        if request.remote_addr in LOCAL_ADDRESSES:
            return True
        return bool(settings.token) and token is not None and hmac.compare_digest(token, settings.token)

    def emit_error(err: DemoError | str, code: str | None = None) -> None:
        socketio.emit(protocol.ERROR, protocol.error(err, code), to=request.sid)

    @socketio.on("connect")
    def on_connect(auth=None):
        socketio.emit(protocol.HELLO, hub.hello(), to=request.sid)

    @socketio.on("disconnect")
    def on_disconnect(*args):
        hub.disconnect(request.sid)
        limiter.forget(request.sid)

    @socketio.on(protocol.FRAME)
    def on_frame(payload=None):
        try:
            if not limiter.allow(request.sid, "frame"):
                raise RateLimitedError(f"More than {config.MAX_FRAMES_PER_SECOND:.0f} frames a second: "
                                       "this one was dropped.", "Send a frame only when the camera has a new one.")
            msg = protocol.parse_frame(payload)
            if len(msg.jpeg) > config.MAX_FRAME_BYTES:
                raise BadMessageError(
                    f"The frame is {len(msg.jpeg) / 1e6:.1f} MB; the limit is "
                    f"{config.MAX_FRAME_BYTES / 1e6:.1f} MB.", "Send smaller frames (640x480, quality 80).")
            if model_path is None:
                raise DemoError("The server has no pose model.", "Run `python -m demo models`.")
        except DemoError as e:
            emit_error(e)
            return
        try:
            stream = hub.browser_stream(request.sid)
        except DemoError as e:
            emit_error(e)
            return
        stream.source.submit(msg.jpeg, msg.frame_id, msg.client_ts)

    @socketio.on(protocol.CONTROL)
    def on_control(payload=None):
        try:
            if not limiter.allow(request.sid, "control"):
                raise RateLimitedError(f"More than {config.MAX_CONTROLS_PER_SECOND:.0f} controls a second: "
                                       "this one was dropped.", "Slow down.")
            msg = protocol.parse_control(payload)
            if msg.action == "watch":
                hub.watch(request.sid, msg.source)
            elif msg.action == "stop":
                hub.leave(request.sid)
            elif msg.changes_model:
                if not allowed(msg.token):
                    raise ForbiddenError("Model controls are refused from other devices without the token.",
                                         "Pass the token the server was started with (--token).")
                hub.control_model(request.sid, msg)
        except DemoError as e:
            emit_error(e)

    @socketio.on_error_default
    def on_any_error(e):  # an unexpected fault in a handler: tell this client, serve the rest
        log.exception("handler error")
        emit_error(f"Internal error: {e}", code="internal")

    return app, socketio, hub

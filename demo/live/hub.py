"""The hub: every stream and who watches it; thread-safe.

Each browser camera gets its own stream (room "cam:<sid>"); server-side sources (a camera,
a video, the bundled recordings) are shared streams that any page can watch, started on the
first viewer and stopped after the last. The hub reaches pages only through `Rooms` (the web
package binds it to Socket.IO); it knows no sockets and writes nothing to disk.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from demo import config
from demo.errors import BadMessageError, BusyError
from demo.live import protocol
from demo.live.learnt import Learnt
from demo.live.stream import Stream, Wiring
from demo.pose.pool import Estimators
from demo.recording import SUFFIX
from demo.sources import BrowserSource, ReplaySource, Source

SERVER_STREAM = "server"
REPLAY_PREFIX = "replay:"
CAMERA_PREFIX = "cam:"


class Rooms(Protocol):
    """How the hub talks to pages: events to one page or a room, and room membership."""

    def emit(self, event: str, payload: dict, to: str | None = None) -> None: ...
    def join(self, sid: str, room: str) -> None: ...
    def leave(self, sid: str, room: str) -> None: ...


def bundled_recordings(directory: Path = config.RECORDINGS_DIR) -> dict[str, Path]:
    if not directory.is_dir():
        return {}
    return {p.name.removesuffix(SUFFIX): p for p in sorted(directory.glob("*" + SUFFIX))}


@dataclass
class StreamSetup:
    """How the hub makes streams: the pose model, the sources it offers, and its limits."""

    model_path: Path | None
    server_source: Callable[[], Source] | None = None
    recordings: dict[str, Path] = field(default_factory=bundled_recordings)
    max_people: int = config.MAX_POSES
    max_streams: int = config.MAX_POSE_STREAMS
    # A relay (several servers behind a message queue) runs no streams: it only passes on
    # the states another server publishes.
    relay: bool = False


class Hub:
    """Owns every stream and who watches it; thread-safe."""

    def __init__(self, rooms: Rooms, setup: StreamSetup, learnt: Learnt) -> None:
        self.rooms = rooms
        self.setup = setup
        self.learnt = learnt
        self.streams: dict[str, Stream] = {}
        self.retired: list[Stream] = []  # stopped, their workers maybe finishing a frame
        self.viewers: dict[str, set[str]] = defaultdict(set)
        self.lock = threading.RLock()
        self.pinned: set[str] = set()  # streams run for viewers on other servers, without local ones
        # Pose estimators for every stream, reused: one per camera at once, the shared streams, a spare.
        self.estimators = Estimators(setup.model_path, setup.max_people, keep=setup.max_streams + 2)

    @property
    def pose_name(self) -> str:
        return self.setup.model_path.name if self.setup.model_path else "none"

    def hello(self) -> dict:
        server = {"stream": SERVER_STREAM} if self.setup.server_source is not None else None
        return protocol.hello(protocol.Hello(
            server_source=server, replays=list(self.setup.recordings), pose_model=self.pose_name,
            model=self.learnt.action_model, actions_error=self.learnt.action_error,
            mirror=self.learnt.mirror_layout(), mirror_error=self.learnt.mirror_error))

    def stream_of(self, sid: str) -> Stream:
        """The stream this client sends to or watches."""
        with self.lock:
            for stream_id, viewers in self.viewers.items():
                if sid in viewers and stream_id in self.streams:
                    return self.streams[stream_id]
        raise BadMessageError("This page watches no stream yet.", "Send camera frames or 'watch' a source first.")

    # --- starting streams ----------------------------------------------------------
    def _publisher(self, room: str):
        def publish(event: str, payload: dict) -> None:
            self.rooms.emit(event, payload, to=room)
        return publish

    def _reporter(self, to: str):
        def report(payload: dict) -> None:
            self.rooms.emit(protocol.ERROR, payload, to=to)
        return report

    def _start(self, stream_id: str, source: Source, report_to: str) -> Stream:
        wiring = Wiring(self._publisher(stream_id), self._reporter(report_to),
                        action_model=lambda: self.learnt.action_model, mirror=self.learnt.mirror_factory)
        stream = Stream(stream_id, source, self.estimators, wiring).start()
        self.streams[stream_id] = stream
        return stream

    def _make_shared_source(self, stream_id: str) -> Source:
        recordings = self.setup.recordings
        if stream_id == SERVER_STREAM:
            if self.setup.server_source is None:
                raise BadMessageError("No server source was configured.",
                                      "Start with --camera N, --video PATH or --replay PATH.")
            return self.setup.server_source()
        if stream_id.startswith(REPLAY_PREFIX):
            name = stream_id[len(REPLAY_PREFIX):]
            if name not in recordings:
                raise BadMessageError(f"No bundled recording named {name!r}.",
                                      f"Choose one of: {', '.join(recordings) or 'none installed'}.")
            return ReplaySource(recordings[name])
        raise BadMessageError(f"Unknown source {stream_id!r}.",
                              f"Use '{SERVER_STREAM}' or '{REPLAY_PREFIX}<name>'.")

    def default_shared(self) -> str | None:
        recordings = self.setup.recordings
        if self.setup.server_source is not None:
            return SERVER_STREAM
        if "default" in recordings:
            return REPLAY_PREFIX + "default"
        return REPLAY_PREFIX + next(iter(recordings)) if recordings else None

    def pin(self, stream_id: str) -> None:
        """Run a shared stream for viewers on other servers (behind a message queue) too."""
        with self.lock:
            self.pinned.add(stream_id)
            if stream_id not in self.streams:
                self._start(stream_id, self._make_shared_source(stream_id), report_to=stream_id)

    def browser_stream(self, sid: str) -> Stream:
        """The stream of this page's own camera, started on its first frame."""
        if self.setup.relay:
            raise BusyError("This server relays a demo run elsewhere: it follows no camera itself.",
                            "Open the main server's page to use a camera, or watch here (/view).")
        stream_id = CAMERA_PREFIX + sid
        with self.lock:
            stream = self.streams.get(stream_id)
            if stream is None:
                # A camera stream that was stopped holds its slot until its worker has ended
                # (a frame still decoding costs the same CPU as a live one).
                cameras = sum(1 for s in [*self.streams, *(r.id for r in self._finishing())]
                              if s.startswith(CAMERA_PREFIX))
                if cameras >= self.setup.max_streams:
                    raise BusyError(f"The demo is busy: it follows {cameras} cameras already, its limit here.",
                                    "Watch instead (/view shows the demo without a camera), or try again soon.")
                self._leave_all(sid)
                stream = self._start(stream_id, BrowserSource(), report_to=sid)
                self._join(sid, stream_id)
            return stream

    # --- viewers -------------------------------------------------------------------
    def _join(self, sid: str, stream_id: str) -> None:
        self.rooms.join(sid, stream_id)
        self.viewers[stream_id].add(sid)

    def watch(self, sid: str, stream_id: str | None) -> str:
        stream_id = stream_id or self.default_shared()
        if stream_id is None:
            raise BadMessageError("There is nothing to watch: no camera and no bundled recording.",
                                  "Run `python -m demo pose-models` to restore the bundled recording.")
        with self.lock:
            if sid in self.viewers.get(stream_id, ()):
                return stream_id
            self._leave_all(sid)
            if self.setup.relay:
                self._join(sid, stream_id)  # the states come through the message queue
                return stream_id
            if stream_id not in self.streams:
                if stream_id.startswith(CAMERA_PREFIX):
                    raise BadMessageError(f"The camera {stream_id!r} is not streaming now.",
                                          "Ask for a new link: it changes when that page reloads.")
                self._start(stream_id, self._make_shared_source(stream_id), report_to=stream_id)
            self._join(sid, stream_id)
            self.rooms.emit(protocol.STATUS, self.streams[stream_id].status(), to=sid)
            return stream_id

    def _leave_all(self, sid: str) -> None:
        for stream_id in [s for s, v in self.viewers.items() if sid in v]:
            self.viewers[stream_id].discard(sid)
            self.rooms.leave(sid, stream_id)
            owned = stream_id == CAMERA_PREFIX + sid
            if owned or (not self.viewers[stream_id] and stream_id not in self.pinned):
                stream = self.streams.pop(stream_id, None)
                self.viewers.pop(stream_id, None)
                if stream is not None:
                    stream.stop(wait=False)
                    self.retired = [*self._finishing(), stream]

    def _finishing(self) -> list[Stream]:
        """The stopped streams whose workers still run (the others are forgotten here)."""
        self.retired = [s for s in self.retired if s.finishing]
        return self.retired

    def leave(self, sid: str) -> None:
        with self.lock:
            self._leave_all(sid)

    def stop_all(self) -> None:
        """Stop every stream and wait for their workers: at exit, MediaPipe's own threads shut
        down next, and a worker still detecting would fail with a traceback in the log."""
        with self.lock:
            streams = list(self.streams.values()) + self.retired
            self.retired = []
            self.streams.clear()
            self.viewers.clear()
        for stream in streams:
            stream.stop(wait=False)
        for stream in streams:
            stream.join()
        self.estimators.close()

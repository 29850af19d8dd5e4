"""Socket.IO clients that act like pages, for the benchmark and the soak test.

`CameraClient` sends JPEG frames like the page's camera and times each round
trip; `ViewerClient` watches a stream like /view. They measure; they must
not assert anything (the benchmark and soak print, the tests judge).

`InOrderClient`: python-engineio's client hands every incoming message to a
new thread, so under load states would be handled out of order (and, with
the default serializer, the parts of a packet mixed up: python-socketio
issues #403, #436). Browsers handle messages in order; these clients do too,
and speak the server's serializer.
"""

from __future__ import annotations

import threading
import time

import engineio
import socketio

from demo import config


class _InOrderEngineIO(engineio.Client):
    def _trigger_event(self, event, *args, **kwargs):
        if event == "message":
            kwargs["run_async"] = False  # in the read loop, in arrival order
        return super()._trigger_event(event, *args, **kwargs)


class InOrderClient(socketio.Client):
    """A python-socketio client that handles messages one by one, in the order they arrive,
    speaking the server's serializer."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("serializer", config.SOCKETIO_SERIALIZER)
        super().__init__(*args, **kwargs)

    def _engineio_client_class(self):
        return _InOrderEngineIO


class CameraClient:
    def __init__(self, url: str) -> None:
        self.sio = InOrderClient(reconnection=False)
        self.rtts: list[float] = []
        self.errors: list[dict] = []
        self.answered = threading.Event()
        self.sio.on("state", self._on_state)
        self.sio.on("error", self.errors.append)
        self.sio.connect(url, transports=["websocket"])

    def _on_state(self, s: dict) -> None:
        if s.get("client_ts") is not None:
            self.rtts.append(time.perf_counter() * 1000 - s["client_ts"])
        self.answered.set()

    def send(self, frame_id: int, jpeg: bytes) -> None:
        self.answered.clear()
        self.sio.emit("frame", {"jpeg": jpeg, "id": frame_id, "ts": time.perf_counter() * 1000})

    def round_trip(self, frame_id: int, jpeg: bytes, timeout: float = 10.0) -> bool:
        """Send one frame and wait for its state (one frame in flight)."""
        self.send(frame_id, jpeg)
        return self.answered.wait(timeout)

    def close(self) -> None:
        self.sio.disconnect()


class ViewerClient:
    def __init__(self, url: str, source: str | None = None) -> None:
        self.sio = InOrderClient(reconnection=False)
        self.states = 0
        self.arrivals: list[tuple[float, float]] = []  # (when it arrived, the state's source clock)
        self.errors: list[dict] = []
        self.sio.on("state", self._on_state)
        self.sio.on("error", self.errors.append)
        self.sio.connect(url, transports=["websocket"])
        self.sio.emit("control", {"action": "watch", **({"source": source} if source else {})})

    def _on_state(self, s: dict) -> None:
        self.states += 1
        self.arrivals.append((time.monotonic(), s["t"]))

    def close(self) -> None:
        self.sio.disconnect()

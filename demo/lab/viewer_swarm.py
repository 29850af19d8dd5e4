"""Many cheap viewers in one process, for the viewers benchmark.

A hall of phones is a hundred clients that each do little. Simulating them
with a hundred python-socketio clients (two threads each, a full packet
decoder) costs more CPU than the server they measure, and on a small machine
the harness starves first: its clients miss pings and get dropped, which
looks like a server fault. These viewers are one asyncio loop speaking just
enough Engine.IO / Socket.IO over raw websockets (wsproto) to join a stream,
answer pings, and note when each `state` arrives and its source clock `t`.
Engine.IO's own packets (open, ping) are text; Socket.IO's are MessagePack
frames (config.SOCKETIO_SERIALIZER).
They measure; they do not judge (the benchmark prints, the tests assert).
"""

from __future__ import annotations

import asyncio
import resource
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import msgpack
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, BytesMessage, CloseConnection, Ping, Request, TextMessage

_PATH = "/socket.io/?EIO=4&transport=websocket"
_CONNECT, _EVENT = 0, 2  # Socket.IO packet types


@dataclass
class Arrivals:
    """One viewer's states: (when it arrived, monotonic s; the state's source clock, s)."""
    times: list[tuple[float, float]] = field(default_factory=list)
    errors: int = 0
    dropped: bool = False  # the server closed the connection before the end
    done: bool = False


class _Viewer(asyncio.Protocol):
    def __init__(self, host: str, watch: dict, out: Arrivals) -> None:
        self.host, self.watch, self.out = host, watch, out
        self.ws = WSConnection(ConnectionType.CLIENT)
        self.text = ""
        self.data = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(self.ws.send(Request(host=self.host, target=_PATH)))

    def _send(self, text: str) -> None:
        self.transport.write(self.ws.send(TextMessage(text)))

    def data_received(self, data: bytes) -> None:
        self.ws.receive_data(data)
        for event in self.ws.events():
            if isinstance(event, TextMessage):
                self.text += event.data
                if event.message_finished:
                    self._message(self.text)
                    self.text = ""
            elif isinstance(event, BytesMessage):
                self.data += event.data
                if event.message_finished:
                    self._packet(msgpack.loads(self.data))
                    self.data = b""
            elif isinstance(event, Ping):
                self.transport.write(self.ws.send(event.response()))
            elif isinstance(event, CloseConnection):
                self.connection_lost(None)
                self.transport.close()
            elif isinstance(event, AcceptConnection):
                pass

    def _send_packet(self, packet: dict) -> None:
        self.transport.write(self.ws.send(BytesMessage(msgpack.dumps({"nsp": "/", **packet}))))

    def _message(self, text: str) -> None:
        if text[:1] == "0":  # engine.io open: join the default namespace
            self._send_packet({"type": _CONNECT})
        elif text == "2":  # engine.io ping
            self._send("3")

    def _packet(self, packet: dict) -> None:
        if packet["type"] == _CONNECT:  # joined: watch the stream
            self._send_packet({"type": _EVENT, "data": ["control", self.watch]})
        elif packet["type"] == _EVENT:
            name, payload = packet["data"][:2]
            if name == "state":
                self.out.times.append((time.monotonic(), payload["t"]))
            elif name == "error":
                self.out.errors += 1

    def connection_lost(self, exc) -> None:
        self.out.dropped = self.out.dropped or not self.out.done


async def _swarm(url: str, count: int, settle: float, seconds: float, watch: dict) -> list[Arrivals]:
    parts = urlsplit(url)
    loop = asyncio.get_running_loop()
    viewers = [Arrivals() for _ in range(count)]
    transports = []
    for out in viewers:
        transport, _ = await loop.create_connection(lambda o=out: _Viewer(parts.netloc, watch, o),
                                                    parts.hostname, parts.port)
        transports.append(transport)
    await asyncio.sleep(settle)
    for out in viewers:
        out.times.clear()
    await asyncio.sleep(seconds)
    for out in viewers:
        out.done = True
    for t in transports:
        t.close()
    return viewers


def run(url: str, count: int, seconds: float, settle: float = 3.0, source: str = "server") -> dict:
    """Connect `count` viewers, let them settle, record `seconds` of states.

    Returns the arrivals of each viewer and this process's CPU (% of a core) while recording."""
    start = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.monotonic()
    viewers = asyncio.run(_swarm(url, count, settle, seconds, {"action": "watch", "source": source}))
    end = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (end.ru_utime + end.ru_stime - start.ru_utime - start.ru_stime) / (time.monotonic() - t0) * 100
    return {"viewers": [v.times for v in viewers], "errors": sum(v.errors for v in viewers),
            "dropped": sum(v.dropped for v in viewers), "cpu": cpu}

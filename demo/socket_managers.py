"""Socket.IO client managers that send each packet's frames to a client together.

A packet with binary fields is a text header followed by one websocket frame
per field; python-socketio's manager sends a packet to a room one frame at a
time. When two threads send to the same client at once (a stream worker's
`state`, and a handler's `status` or `error` to a viewer who just joined), the
frames interleave and the client cannot put the packets back together. These
managers hold one lock while a packet goes out (locally, or as it arrives from
the message queue), so frames stay together. Encoding happens once per emit
either way; the lock covers queueing, which is quick. Nothing else here.
"""

from __future__ import annotations

import threading

import socketio


class _WholePackets:
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._send_lock = threading.RLock()

    def emit(self, *args, **kwargs):
        with self._send_lock:
            return super().emit(*args, **kwargs)


class LocalManager(_WholePackets, socketio.Manager):
    """One server on its own."""


class RedisQueue(_WholePackets, socketio.RedisManager):
    """Several servers sharing viewers through Redis (`--message-queue`)."""

    def _handle_emit(self, message):  # a packet published by any server, sent to our own clients
        with self._send_lock:
            return super()._handle_emit(message)


def manager_for(message_queue: str | None):
    if message_queue:
        return RedisQueue(message_queue, channel="flask-socketio")
    return LocalManager()

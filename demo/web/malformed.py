"""Packets that are not Socket.IO: answered once with `bad_message`, logged once a minute per client.

python-socketio decodes each engine.io message into a packet inside its own message handler;
a message that does not decode raised out of it, so the client heard nothing and the log got
two tracebacks per message (2,000 one-byte messages: 64,000 lines). This module puts a guard
around that one handler: it decodes nothing itself and must not catch faults of the demo's own
handlers (those reach `on_error_default` inside, as before).
"""

from __future__ import annotations

import logging
import threading
import time

import socketio

from demo.errors import BadMessageError
from demo.live import protocol

log = logging.getLogger(__name__)

LOG_EVERY = 60.0  # seconds: one log line per client in this time, however many bad packets
# What python-socketio's packet decoding raises for bytes that are not a packet.
DECODE_ERRORS = (ValueError, TypeError, KeyError, IndexError, AttributeError, UnicodeDecodeError)


def guard_packets(server: socketio.Server) -> None:
    """Wrap `server`'s engine.io message handler (python-socketio 5.x: `_handle_eio_message`)."""
    handle = server._handle_eio_message
    logged: dict[str, float] = {}
    lock = threading.Lock()

    def guarded(eio_sid: str, data) -> None:
        try:
            handle(eio_sid, data)
        except DECODE_ERRORS as e:
            sid = server.manager.sid_from_eio_sid(eio_sid, "/")
            now = time.monotonic()
            with lock:
                quiet = now - logged.get(eio_sid, -LOG_EVERY) < LOG_EVERY
                if not quiet:
                    logged[eio_sid] = now
                if len(logged) > 10_000:  # clients come and go all day: keep the recent ones
                    for k in [k for k, t in logged.items() if now - t > LOG_EVERY]:
                        del logged[k]
            if not quiet:
                log.warning("client %s sent a packet that is not Socket.IO (%s: %s); "
                            "further ones this minute are not logged", sid or eio_sid, type(e).__name__, e)
            if sid is not None:
                err = BadMessageError("The message is not a Socket.IO packet and was dropped.",
                                      "Use a Socket.IO client (protocol: docs/protocol.md).")
                server.emit(protocol.ERROR, protocol.error(err), to=sid)

    server.eio.on("message", guarded)

"""The werkzeug request handler both servers use (`python -m demo`, and ServerThread).

A websocket session takes the raw socket over from werkzeug. When it ends,
werkzeug's keep-alive loop would read on from that socket and take the
client's last websocket frames (its close frame, a frame still in flight)
for a new HTTP request, logging "code 400, message Bad HTTP/0.9 request"
for every visitor who leaves. This handler ends the connection instead.
It also names the server "Mirror" rather than its software and version (a prober's map), and
closes connections that stay silent (config.IDLE_CONNECTION_TIMEOUT, longer for a websocket).
"""

from __future__ import annotations

from werkzeug.serving import WSGIRequestHandler

from demo import config


class RequestHandler(WSGIRequestHandler):
    timeout = config.IDLE_CONNECTION_TIMEOUT  # socketserver applies it to every read

    def run_wsgi(self) -> None:
        websocket = self.headers.get("Upgrade", "").lower() == "websocket"
        if websocket:
            self.connection.settimeout(config.IDLE_WEBSOCKET_TIMEOUT)
        super().run_wsgi()
        if websocket:
            self.close_connection = True  # what follows on this socket is websocket, not HTTP

    def version_string(self) -> str:
        return "Mirror"

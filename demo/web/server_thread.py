"""Run the Flask-SocketIO app on a background thread (benchmarks and tests).

A real werkzeug server on a real port, stopped cleanly; `python -m demo`
itself uses socketio.run in the foreground instead. Nothing else here.
"""

from __future__ import annotations

import threading

from flask import Flask
from werkzeug.serving import make_server

from demo.web.http_handler import RequestHandler


class ServerThread:
    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = make_server(host, port, app, threaded=True, request_handler=RequestHandler)
        self.host = host
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, name="http", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> ServerThread:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

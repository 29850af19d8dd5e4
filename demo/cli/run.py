"""`python -m demo [run]`: start the server (the default command).

Chooses the pose model (provisioning it on first start), the server source
and TLS, then serves. It holds no request logic: that is demo/web/server.py.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from demo import config
from demo.cli import args as common
from demo.errors import DemoError
from demo.pose import bundles as pose_models
from demo.sources import CameraSource, ReplaySource, Source, VideoSource
from demo.web.http_handler import RequestHandler
from demo.web.server import create_app
from demo.web.server_log import quiet_server_log

log = logging.getLogger(__name__)
_KEPT: list[tempfile.TemporaryDirectory] = []  # folders that last as long as the process


def add_arguments(p: argparse.ArgumentParser) -> None:
    common.pose_model(p)
    common.library(p)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1; 0.0.0.0 for the LAN, with TLS)")
    p.add_argument("--port", type=port_number, default=8000, help="port to listen on (default 8000)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--camera", type=int, metavar="N", help="use the server's camera N")
    src.add_argument("--video", type=Path, metavar="PATH", help="play a video file, looping")
    src.add_argument("--replay", type=Path, metavar="PATH", help="play a landmark recording, looping")
    p.add_argument("--ssl-cert", type=Path, help="TLS certificate (browsers allow cameras only on "
                   "https:// or localhost)")
    p.add_argument("--ssl-key", type=Path, help="TLS private key")
    p.add_argument("--self-signed", action="store_true", help="serve TLS with a throw-away certificate")
    p.add_argument("--token", help="lets other devices use the model controls (lecture page); "
                                   "this computer needs none")
    p.add_argument("--max-streams", type=int, default=config.MAX_POSE_STREAMS, metavar="N",
                   help=f"browser cameras followed at once (default: the cores, {config.MAX_POSE_STREAMS})")
    p.add_argument("--message-queue", metavar="URL",
                   help="share viewers between servers through Redis, e.g. redis://127.0.0.1:6379/0")
    p.add_argument("--relay", action="store_true",
                   help="with --message-queue: run no streams, pass on another server's (for more viewers)")
    p.add_argument("--max-people", type=int, default=config.MAX_POSES, metavar="N",
                   help=f"people to detect before choosing one to follow (default {config.MAX_POSES}; "
                   "1 is faster but lets MediaPipe choose)")
    p.add_argument("--no-provision", action="store_true",
                   help="do not build or download a pose model on start")


def port_number(text: str) -> int:
    """A TCP port, 1-65535 (argparse refuses anything else with this message)."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port: use 1 to 65535")
    return port


def check_free(host: str, port: int) -> None:
    """Refuse to start (before saying it runs) when the address is taken."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]  # ::1 is IPv6
        with socket.create_server((host, port), family=family):
            pass
    except OSError as e:
        raise DemoError(f"Cannot listen on {host}:{port}: {e.strerror or e}.",
                        "Another program (or another Mirror) uses it: stop it, or choose --port.") from e


def server_source_factory(args: argparse.Namespace) -> Callable[[], Source] | None:
    if args.camera is not None:
        return lambda: CameraSource(args.camera)
    if args.video is not None:
        VideoSource(args.video)  # fail now, with a clear message, not on the first viewer
        return lambda: VideoSource(args.video)
    if args.replay is not None:
        ReplaySource(args.replay)
        return lambda: ReplaySource(args.replay)
    return None


def ssl_context(args: argparse.Namespace):
    if args.ssl_cert or args.ssl_key:
        if not (args.ssl_cert and args.ssl_key):
            raise DemoError("--ssl-cert and --ssl-key go together.", "Give both files, or --self-signed.")
        for p in (args.ssl_cert, args.ssl_key):
            if not p.is_file():
                raise DemoError(f"TLS file {p} does not exist.", "Check the path.")
        return (str(args.ssl_cert), str(args.ssl_key))
    if args.self_signed:
        return "adhoc"  # werkzeug makes a throw-away certificate (needs `cryptography`)
    return None


def run(args: argparse.Namespace) -> int:
    # mediapipe imports matplotlib, which would make its cache folder in $HOME: a server leaves
    # no files behind, so it gets a folder of its own that goes when the process ends.
    if "MPLCONFIGDIR" not in os.environ:
        _KEPT.append(tempfile.TemporaryDirectory(prefix="mirror-matplotlib-"))
        os.environ["MPLCONFIGDIR"] = _KEPT[-1].name
    if args.no_provision:
        model_path = pose_models.resolve(args.pose_model)
    else:
        model_path = pose_models.provision(args.pose_model, log=lambda m: log.info("%s", m))
    source = server_source_factory(args)
    tls = ssl_context(args)
    if args.host not in ("127.0.0.1", "localhost", "::1") and tls is None:
        log.warning("Serving on %s without TLS: browsers on other devices will refuse the camera. "
                    "Add --self-signed or --ssl-cert/--ssl-key.", args.host)
    if args.library is not None and not args.library.is_dir():
        raise DemoError(f"--library {args.library}: no such folder.",
                        "Give a folder of action classes (python -m demo actions list --library DIR shows one).")
    quiet_server_log()
    settings = config.Settings(max_people=max(1, args.max_people), library=args.library,
                               token=args.token, max_streams=max(1, args.max_streams),
                               message_queue=args.message_queue, relay=args.relay, pose_model=model_path)
    if args.relay and not args.message_queue:
        raise DemoError("--relay needs --message-queue.", "Give the Redis URL the main server uses.")
    check_free(args.host, args.port)
    app, socketio, hub = create_app(settings, server_source=source)
    scheme = "https" if tls else "http"
    print(f"Mirror is running: open {scheme}://{args.host}:{args.port}/ (Ctrl+C to stop)", file=sys.stderr)
    try:
        socketio.run(app, host=args.host, port=args.port, ssl_context=tls,
                     allow_unsafe_werkzeug=True, log_output=False, request_handler=RequestHandler)
    finally:
        hub.stop_all()
    return 0

"""The server's log, kept to what a museum operator needs: start, errors, warnings that mean something.

Left out: one access line per static file (werkzeug's INFO), werkzeug's notices about itself
(the choice of server is made and documented: README, "Reliability"), and MediaPipe's native
start-up lines, two warnings and an INFO for every pose stream, harmless, and read as faults.
MediaPipe's C++ core writes those straight to file descriptor 2 (absl logging; neither an
environment variable nor a Python call turns it down), so a pipe is put in front of that
descriptor and every other line is passed on unchanged. This module must not drop any line
it does not name, nor hold one back: the pipe is drained when the process ends.
"""

from __future__ import annotations

import atexit
import logging
import os
import re
import sys
import threading

# MediaPipe's native lines that say nothing to an operator (each seen once per pose stream).
NATIVE_NOISE = re.compile(
    rb"inference_feedback_manager\.cc.*Feedback manager requires"
    rb"|landmark_projection_calculator\.cc.*NORM_RECT without IMAGE_DIMENSIONS"
    rb"|^WARNING: Logging before InitGoogle\(\)"
    rb"|^INFO: Created TensorFlow Lite XNNPACK delegate")
WERKZEUG_NOTICES = ("production deployment", "development server")


class _WerkzeugNotices(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(n in message for n in WERKZEUG_NOTICES)


def quiet_server_log() -> None:
    """Access lines off, werkzeug's notices about itself off, MediaPipe's native chatter filtered."""
    werkzeug = logging.getLogger("werkzeug")
    werkzeug.setLevel(logging.WARNING)
    werkzeug.addFilter(_WerkzeugNotices())
    filter_native_stderr()


def filter_native_stderr() -> None:
    """Pass file descriptor 2 through a pipe that drops NATIVE_NOISE lines; no-op without one."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # stderr replaced (tests, an embedding host)
        return
    sys.stderr.flush()
    original = os.dup(fd)
    read_end, write_end = os.pipe()
    os.dup2(write_end, fd)
    os.close(write_end)

    def pump() -> None:
        try:
            with os.fdopen(read_end, "rb") as source:
                for line in source:
                    if not NATIVE_NOISE.search(line):
                        os.write(original, line)
        except OSError:  # the terminal went away: give the descriptor back rather than block writers
            os.dup2(original, fd)

    thread = threading.Thread(target=pump, name="stderr-filter", daemon=True)
    thread.start()

    def restore() -> None:
        sys.stderr.flush()
        os.dup2(original, fd)  # the pipe's last writer closes: the pump reads to its end
        thread.join(timeout=2.0)

    atexit.register(restore)

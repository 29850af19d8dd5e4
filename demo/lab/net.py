"""Small network helpers for starting local servers (benchmarks and tests).

A free port to listen on, and waiting until a server answers /health. Nothing else.
"""

from __future__ import annotations

import socket
import ssl
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, timeout: float = 30.0, alive=lambda: True) -> bool:
    """True once `url`/health answers (self-signed certificates accepted); False on timeout
    or as soon as `alive()` says the server process died."""
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url + "/health", timeout=1, context=insecure)
            return True
        except OSError:
            if not alive():
                return False
            time.sleep(0.2)
    return False

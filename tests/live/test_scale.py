"""Past one machine: two servers share viewers through a real Redis server.

The main server runs the stream (a bundled recording as its source); a relay
runs none and passes on what the main one publishes. Redis is started by the
test (`apt-get install redis-server`; CI installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

from demo import config
from demo.config import Settings
from demo.sources import ReplaySource
from demo.web.server import create_app
from demo.web.server_thread import ServerThread

from helpers import Client, free_port, wait_for


@pytest.fixture
def redis_url(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("MIRROR_REQUIRE_REDIS"):
            pytest.fail("redis-server is missing: apt-get install redis-server")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    assert wait_for(lambda: _ping(client), 10), "redis-server did not start"
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


def _ping(client) -> bool:
    try:
        return client.ping()
    except Exception:
        return False


def test_a_relay_passes_on_the_main_servers_stream(redis_url, pose_model):
    main_app, _, main_hub = create_app(Settings(message_queue=redis_url, pose_model=pose_model),
                                       server_source=lambda: ReplaySource(config.DEFAULT_RECORDING))
    relay_app, _, relay_hub = create_app(Settings(message_queue=redis_url, relay=True, pose_model=pose_model))
    with ServerThread(main_app), ServerThread(relay_app) as relay_srv:
        viewers = [Client(relay_srv.url) for _ in range(3)]
        try:
            for v in viewers:
                v.sio.emit("control", {"action": "watch", "source": "server"})
            assert wait_for(lambda: all(len(v.states) > 10 for v in viewers), 20)
            assert {s["stream"] for v in viewers for s in v.states} == {"server"}
            assert not relay_hub.streams and "server" in main_hub.streams  # the pose ran once, there
            # Frames in step: every viewer sees the same states, in order.
            ids = [[s["frame_id"] for s in v.states] for v in viewers]
            assert all(a == sorted(a) for a in ids)
            # A relay follows no camera itself, and says so.
            viewers[0].send(b"\xff\xd8", 1)
            assert wait_for(lambda: viewers[0].errors, 5) and viewers[0].errors[0]["code"] == "busy"
        finally:
            for v in viewers:
                v.close()
            main_hub.stop_all()
            relay_hub.stop_all()
    time.sleep(0.2)


def test_one_stream_reaches_a_hundred_viewers_whole_and_in_order(server_factory):
    """A hall of phones on /view: 100 viewers (one cheap process of raw websockets) watch one stream.

    Every viewer stays connected and gets the same states in order; none falls behind the rest.
    The CPU and the rate are measured by `python -m demo bench --only viewers`, not asserted here."""
    from concurrent.futures import ProcessPoolExecutor

    from demo.lab import viewer_swarm

    srv, _ = server_factory(server_source=lambda: ReplaySource(config.DEFAULT_RECORDING))
    with ProcessPoolExecutor(1) as pool:
        out = pool.submit(viewer_swarm.run, srv.url, 100, 6.0, 3.0).result(timeout=60)
    assert out["dropped"] == 0 and out["errors"] == 0
    seen = [[t for _, t in v] for v in out["viewers"]]
    everything = sorted(set().union(*map(set, seen)))
    assert len(everything) >= 60, "the stream hardly ran"
    for ts in seen:
        assert ts == [t for t in everything if ts[0] <= t <= ts[-1]]  # in order, none missing or repeated
        # None lags behind the rest at the end (some may still catch up on the burst of 100
        # connections when the window opens, so the start is not judged), and each got most of it.
        assert everything.index(ts[-1]) >= len(everything) - 5
        assert len(ts) >= len(everything) / 2

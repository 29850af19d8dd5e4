"""Bad input, fuzzed (hypothesis), against a real server and real clients.

Every malformed `frame` or `control` gets an `error` event of its own; a flood
is refused message by message; huge payloads are answered, not swallowed;
memory stays bounded; and a viewer watching meanwhile keeps receiving states.
"""

from __future__ import annotations

import logging
import struct
import threading
import time

import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo import config
from demo.lab.soak import rss_mb
from demo.live import protocol

from helpers import Client, wait_for

# Anything a confused or hostile client might send as a value (integers as wide as MessagePack,
# the wire format, carries: a client cannot send wider ones).
junk = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**64 - 1) | st.floats(allow_nan=True) | st.text(max_size=50)
    | st.binary(max_size=200),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)


def jpeg_with_size(width: int, height: int) -> bytes:
    """A JPEG header claiming a picture of this size (and nothing after it)."""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8" + sof + b"\xff\xd9"


@pytest.fixture(scope="module")
def fuzz_server(pose_model):
    from demo.web.server import create_app
    from demo.web.server_thread import ServerThread

    app, _, hub = create_app(config.Settings(pose_model=pose_model))
    srv = ServerThread(app).start()
    viewer = Client(srv.url)
    viewer.sio.emit("control", {"action": "watch", "source": "replay:default"})
    assert wait_for(lambda: len(viewer.states) > 5, 15)
    fuzzer = Client(srv.url)  # one client for every generated example: connecting is not under test
    yield srv, viewer, fuzzer
    fuzzer.close()
    viewer.close()
    hub.stop_all()
    srv.stop()


def settled(count, quiet: float = 1.5, timeout: float = 30.0) -> float:
    """When `count()` last changed, once it has stopped changing for `quiet` seconds."""
    last, changed = count(), time.monotonic()
    end = changed + timeout
    while time.monotonic() < end and time.monotonic() - changed < quiet:
        time.sleep(0.05)
        now = count()
        if now != last:
            last, changed = now, time.monotonic()
    return changed


def expect_one_error_each(client: Client, event: str, payloads: list) -> None:
    for payload in payloads:
        expected = len(client.errors) + 1
        client.sio.emit(event, payload)
        assert wait_for(lambda n=expected: len(client.errors) == n, 10, 0.002), f"no error for {payload!r:.200}"
        time.sleep(1 / config.MAX_CONTROLS_PER_SECOND)  # stay under the rate limit: test the parser here
    assert all(e["message"] and "fix" in e and e["code"] not in ("rate_limited", "internal")
               for e in client.errors)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(junk | st.fixed_dictionaries({"action": junk}, optional={"source": junk, "on": junk,
                                                                          "class": junk, "token": junk}),
                min_size=1, max_size=5))
def test_fuzzed_controls_each_get_an_error(fuzz_server, payloads):
    srv, viewer, fuzzer = fuzz_server
    payloads = [p for p in payloads if not (isinstance(p, dict) and p.get("action") in protocol.CONTROL_ACTIONS)]
    expect_one_error_each(fuzzer, "control", payloads)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(
    junk
    | st.fixed_dictionaries({"jpeg": junk, "id": junk})
    | st.fixed_dictionaries({"jpeg": st.binary(min_size=1, max_size=3000), "id": st.integers(0, 10**6)})
    | st.builds(lambda w, h: {"jpeg": jpeg_with_size(w, h), "id": 1},
                st.integers(1, 65535), st.integers(1, 65535)),
    min_size=1, max_size=4))
def test_fuzzed_frames_each_get_an_error(fuzz_server, payloads):
    srv, viewer, fuzzer = fuzz_server
    expect_one_error_each(fuzzer, "frame", payloads)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.binary(max_size=300) | st.text(max_size=100)
                | st.builds(lambda d: __import__("msgpack").dumps(d), junk), min_size=1, max_size=4))
def test_packets_that_are_not_socketio_leave_the_connection_working(fuzz_server, raw):
    """Garbage below Socket.IO (random bytes, text, MessagePack that is no packet): the server
    answers each one it cannot decode, and the same connection still gets its answers."""
    srv, viewer, fuzzer = fuzz_server
    for data in raw:
        fuzzer.sio.eio.send(data)  # an engine.io message, bypassing Socket.IO's encoder
    settled(lambda: len(fuzzer.errors), quiet=0.3)  # each garbage message's answer is in
    expect_one_error_each(fuzzer, "control", [{"action": "nonsense"}])
    assert viewer.sio.connected


def test_each_malformed_packet_is_answered_and_a_client_is_logged_once_a_minute(fuzz_server, caplog):
    srv, viewer, fuzzer = fuzz_server
    before = len(fuzzer.errors)
    raw = [b"\x00", "not socket.io", msgpack.dumps({"no": "packet"}), b"\xc1"] * 5
    with caplog.at_level(logging.WARNING, logger="demo.web.malformed"):
        for data in raw:
            fuzzer.sio.eio.send(data)
        assert wait_for(lambda: len(fuzzer.errors) >= before + len(raw), 10), fuzzer.errors[before:]
    assert all(e["code"] == "bad_message" for e in fuzzer.errors[before:])
    lines = [r for r in caplog.records if r.name == "demo.web.malformed"]
    assert len(lines) <= 1 and not [r for r in caplog.records if r.exc_info], caplog.text[:2000]


def test_truncated_real_jpegs_each_get_an_error(fuzz_server, drink_jpegs):
    srv, viewer, _ = fuzz_server
    c = Client(srv.url)
    try:
        data = drink_jpegs[0]
        cuts = [2, 20, 200, len(data) // 4, len(data) // 2, len(data) - 400]
        expect_one_error_each(c, "frame", [{"jpeg": data[:k], "id": i} for i, k in enumerate(cuts)])
        assert {e["code"] for e in c.errors} == {"bad_frame"}
    finally:
        c.close()


def test_huge_payloads_and_floods_are_refused_and_everyone_else_goes_on(fuzz_server, drink_jpegs):
    srv, viewer, _ = fuzz_server
    c = Client(srv.url)
    c.send(drink_jpegs[0], 0)  # warm up: this client's stream and its pose landmarker exist
    assert wait_for(lambda: c.states, 20)
    rss_before = rss_mb()
    states_before = len(viewer.states)
    try:
        # 10 MB, three times: each answered with an error, none kept.
        for i in range(3):
            c.sio.emit("frame", {"jpeg": b"\xff\xd8" + bytes(10 * 1024 * 1024), "id": i})
        assert wait_for(lambda: len(c.errors) >= 3, 20)
        assert all(e["code"] == "bad_message" and "MB" in e["message"] for e in c.errors[:3])
        # 1,000 messages in about a second: the excess is refused one by one.
        c.events["error"].clear()
        start = time.monotonic()
        for i in range(1000):
            c.sio.emit("control", {"action": "nonsense", "n": i})
            time.sleep(max(0.0, start + i / 1000 - time.monotonic()))
        assert wait_for(lambda: len(c.errors) >= 1000, 20)
        elapsed = time.monotonic() - start  # the server handled all of them within this
        codes = [e["code"] for e in c.errors]
        # At most the burst plus the rate over that time got through to the parser.
        let_through = config.CONTROL_BURST + config.MAX_CONTROLS_PER_SECOND * (elapsed + 0.5)
        assert len(codes) == 1000 and config.CONTROL_BURST <= codes.count("bad_message") <= let_through
        assert codes.count("rate_limited") >= 1000 - let_through
        # Frames flooding in: refused beyond the rate, and the ones let through still answered.
        c.events["error"].clear()
        start = time.monotonic()
        sender = threading.Thread(target=lambda: [c.send(drink_jpegs[i % 50], i) for i in range(300)])
        sender.start()
        sender.join()
        elapsed = settled(lambda: len(c.errors)) - start
        let_through = config.FRAME_BURST + config.MAX_FRAMES_PER_SECOND * (elapsed + 0.5)
        assert {e["code"] for e in c.errors} == {"rate_limited"}
        assert len(c.errors) >= 300 - let_through, (len(c.errors), elapsed)
        assert wait_for(lambda: len(c.states) > 0, 20)
    finally:
        c.close()
    # The viewer was served throughout, at its own pace, and saw none of it.
    assert len(viewer.states) - states_before > 20
    assert not viewer.errors
    assert rss_mb() - rss_before < 100, f"memory grew by {rss_mb() - rss_before:.0f} MB"

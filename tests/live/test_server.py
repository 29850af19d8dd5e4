"""The pipeline through a real Flask-SocketIO server and real python-socketio clients."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

import numpy as np
import pytest

from demo import config
from demo.lab.clients import InOrderClient
from demo.live import protocol
from demo.sources import VideoSource
from demo.web.http_handler import RequestHandler

from helpers import Client, wait_for


@pytest.fixture
def server(server_factory):
    srv, hub = server_factory()
    clients = []

    def connect() -> Client:
        c = Client(srv.url)
        clients.append(c)
        return c

    yield srv, hub, connect
    for c in clients:
        c.close()


def test_hello_describes_the_protocol(server):
    _, _, connect = server
    hello = connect().events["hello"][0]
    assert hello["v"] == config.PROTOCOL_VERSION
    assert len(hello["landmarks"]) == 33 and [11, 12] in hello["edges"]
    assert "default" in hello["replays"]


def test_a_state_for_each_frame_in_order_with_landmarks(server, drink_jpegs):
    _, _, connect = server
    c = connect()
    n = 40
    for i, data in enumerate(drink_jpegs[:n], start=1):
        c.send(data, i)  # one in flight: nothing is dropped, so every frame is answered
        assert wait_for(lambda i=i: len(c.states) >= i, 10), f"no state for frame {i}"
    states = c.states
    assert [s["frame_id"] for s in states] == list(range(1, n + 1))
    with_person = [s for s in states if s["person"]]
    assert len(with_person) >= 0.95 * n
    lm = protocol.decode_landmarks(with_person[0]["person"]["landmarks"])
    assert lm.shape == (33, 4) and 0 < lm[0, 0] < 1
    s = states[-1]
    assert s["image_size"] == [480, 290] and "image" not in s  # no images back to a camera page
    assert s["ms"]["pose"] > 0 and s["ms"]["total"] >= s["ms"]["pose"]
    assert s["client_ts"] is not None and s["fps"] > 0
    assert not c.errors


def test_overload_drops_stale_frames_instead_of_queueing(server, drink_jpegs):
    _, hub, connect = server
    c = connect()
    n = 60
    for i in range(1, n + 1):
        c.send(drink_jpegs[i % len(drink_jpegs)], i)  # 35 fps: under the rate limit, far faster than pose
        time.sleep(1 / 35)
    assert wait_for(lambda: c.states and c.states[-1]["frame_id"] == n, 15)
    assert not c.errors
    ids = [s["frame_id"] for s in c.states]
    assert ids == sorted(ids) and len(ids) < n  # in order, stale ones dropped
    assert c.states[-1]["dropped"] > 0
    # Lag stayed bounded: the last frame waited at most about one pose time.
    assert c.states[-1]["ms"]["wait"] < 1000


def test_bad_frames_get_errors_and_everyone_goes_on(server, drink_jpegs):
    _, _, connect = server
    bad, good = connect(), connect()
    stop = threading.Event()

    def stream_good():
        i = 0
        while not stop.is_set():
            i += 1
            good.send(drink_jpegs[i % len(drink_jpegs)], i)
            time.sleep(0.1)

    t = threading.Thread(target=stream_good)
    t.start()
    try:
        rng = np.random.default_rng(1)
        cases = [
            {"jpeg": rng.bytes(5000), "id": 1},                      # random bytes
            {"jpeg": drink_jpegs[0][: len(drink_jpegs[0]) // 3], "id": 2},  # truncated JPEG
            {"jpeg": b"\xff\xd8" + b"\0" * (config.MAX_FRAME_BYTES + 10), "id": 3},  # oversize
            {"jpeg": "not bytes", "id": 4},                          # wrong type
            {"id": 5},                                               # missing field
            "a string",                                              # not an object
        ]
        for k, payload in enumerate(cases, start=1):
            bad.sio.emit("frame", payload)
            assert wait_for(lambda k=k: len(bad.errors) >= k, 10), f"no error for case {k}"
        bad.sio.emit("control", {"action": "nonsense"})
        assert wait_for(lambda: len(bad.errors) >= len(cases) + 1, 5)
        codes = [e["code"] for e in bad.errors]
        assert codes[:2] == ["bad_frame", "bad_frame"] and set(codes[2:]) == {"bad_message"}
        assert all(e["message"] and "fix" in e for e in bad.errors)
        # The bad client's stream still works.
        bad.send(drink_jpegs[5], 10)
        assert wait_for(lambda: any(s["frame_id"] == 10 for s in bad.states), 10)
        assert wait_for(lambda: len(good.states) >= 10, 10)
    finally:
        stop.set()
        t.join()
    # The other client was served throughout and never saw the bad client's errors.
    assert not good.errors


def test_watch_the_bundled_recording_without_pose(server):
    _, hub, connect = server
    c = connect()
    c.sio.emit("control", {"action": "watch", "source": "replay:default"})
    assert wait_for(lambda: len(c.states) >= 20, 10)
    s = c.states[-1]
    assert s["stream"] == "replay:default" and s["person"] and s["ms"]["pose"] == 0
    assert s["fps"] == pytest.approx(30, abs=5)
    # A second viewer shares the same stream; when both leave it stops.
    d = connect()
    d.sio.emit("control", {"action": "watch", "source": "replay:default"})
    assert wait_for(lambda: len(d.states) >= 5, 5)
    assert list(hub.streams) == ["replay:default"]
    c.sio.emit("control", {"action": "stop"})
    d.close()
    assert wait_for(lambda: not hub.streams, 5)


def test_server_video_source_sends_images(server_factory, drink_clip):
    srv, hub = server_factory(server_source=lambda: VideoSource(drink_clip))
    c = Client(srv.url)
    try:
        assert c.events["hello"][0]["server_source"] == {"stream": "server"}
        c.sio.emit("control", {"action": "watch"})
        assert wait_for(lambda: len(c.states) >= 5, 15)
        s = c.states[-1]
        assert s["image"][:2] == b"\xff\xd8" and s["person"]
        assert any(st["state"] == "ok" for st in c.events["status"])
    finally:
        c.close()


def test_disconnect_mid_stream_stops_that_stream_only(server, drink_jpegs):
    _, hub, connect = server
    a, b = connect(), connect()
    a.send(drink_jpegs[0], 1)
    b.send(drink_jpegs[0], 1)
    assert wait_for(lambda: len(hub.streams) == 2, 5)
    a.send(drink_jpegs[1], 2)
    a.close()  # gone with a frame possibly in flight
    assert wait_for(lambda: len(hub.streams) == 1, 5)
    b.send(drink_jpegs[2], 2)
    assert wait_for(lambda: any(s["frame_id"] == 2 for s in b.states), 10)


def test_leaving_visitors_leave_no_errors_in_the_log(server, drink_jpegs, caplog):
    """A closed websocket's last frames are not read as a broken HTTP request (werkzeug's
    "code 400, Bad HTTP/0.9 request" for every visitor who left)."""
    caplog.set_level(logging.INFO, logger="werkzeug")
    _, hub, connect = server
    for _ in range(3):
        c = connect()
        c.send(drink_jpegs[0], 1)
        assert wait_for(lambda c=c: c.states, 10)
        c.close()
        assert wait_for(lambda: not hub.streams, 5)
    time.sleep(0.3)  # what the server read after the last close
    bad = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR or " 400 " in r.getMessage()]
    assert not bad, bad


def test_no_files_are_written_while_serving(server, drink_jpegs, tmp_path):
    # Privacy: a session streams frames and leaves nothing on disk.
    root = config.ROOT
    before = {p: p.stat().st_mtime for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}
    _, _, connect = server
    c = connect()
    for i in range(1, 6):
        c.send(drink_jpegs[i], i)
        wait_for(lambda i=i: len(c.states) >= i, 10)
    after = {p: p.stat().st_mtime for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}
    changed = [p for p in after if p not in before or after[p] != before[p]]
    changed = [p for p in changed if "__pycache__" not in p.parts and ".pytest_cache" not in p.parts
               and "test-artifacts" not in p.parts]
    assert not changed, changed
    assert os.path.isdir(tmp_path)


def test_state_carries_the_recognisers_view(server):
    _, _, connect = server
    c = connect()
    classes = c.events["hello"][0]["classes"]
    assert {"grasp-to-mouth", "idle"} <= {k["name"] for k in classes}
    c.sio.emit("control", {"action": "watch", "source": "replay:default"})
    # The bundled recording reaches up and puts things down: a movement is seen.
    assert wait_for(lambda: any(s["action"] and s["action"]["moving"] for s in c.states), 15)
    a = next(s["action"] for s in c.states if s["action"] and s["action"]["moving"])
    assert len(a["scores"]) == len(classes) and abs(sum(a["scores"]) - 1) < 0.02
    assert 0 <= a["goal"] <= 1 and a["onset"] is not None
    assert all(s["ms"]["recognise"] < 50 for s in c.states)


def test_a_broken_action_library_turns_recognition_off_not_the_server(server_factory, tmp_path):
    bad = tmp_path / "lib" / "oops"
    bad.mkdir(parents=True)
    (bad / "action.json").write_text('{"name": "oops", "label": 5}')
    srv, hub = server_factory(library=tmp_path / "lib")
    c = Client(srv.url)
    try:
        hello = c.events["hello"][0]
        assert hello["classes"] == [] and "'label'" in hello["actions_error"]
        c.sio.emit("control", {"action": "watch", "source": "replay:default"})
        assert wait_for(lambda: len(c.states) >= 5, 10)
        assert c.states[-1]["action"] is None and c.states[-1]["person"]
    finally:
        c.close()


def test_model_controls_drive_the_watched_streams_model(server):
    _, _, connect = server
    c = connect()
    layout = c.events["hello"][0]["mirror"]
    assert [r["key"] for r in layout["regions"]] == ["STS", "PF", "F5"] and 100 <= len(layout["region"]) <= 200
    c.sio.emit("control", {"action": "act", "class": "point"})  # nothing watched yet
    assert wait_for(lambda: c.errors, 5) and "watch" in c.errors[-1]["fix"]
    c.sio.emit("control", {"action": "watch", "source": "replay:default"})
    assert wait_for(lambda: len(c.states) >= 3, 10)
    m = c.states[-1]["mirror"]
    assert m["n"] == len(layout["region"]) and len(m["units"]) == m["n"] + 3 * m["spikes"]
    assert m["learning"] is False and m["training"] == "off"
    c.sio.emit("control", {"action": "act", "class": "grasp-to-mouth"})
    assert wait_for(lambda: any(s["agent"] for s in c.states[-5:]), 10)
    agent = next(s["agent"] for s in reversed(c.states) if s["agent"])
    assert agent["action"] == "grasp-to-mouth" and len(agent["landmarks"]) == 33 * 4 * 4
    c.sio.emit("control", {"action": "learning", "on": True})
    c.sio.emit("control", {"action": "train", "mode": "counter"})
    assert wait_for(lambda: (c.states[-1]["mirror"]["learning"], c.states[-1]["mirror"]["training"])
                    == (True, "counter"), 10)
    c.sio.emit("control", {"action": "reset", "weights": "untrained"})
    c.sio.emit("control", {"action": "speed", "factor": 0.5})
    time.sleep(0.5)
    before = len(c.errors)
    assert before == 1  # only the control sent before watching anything
    for bad in ({"action": "act", "class": "juggle"}, {"action": "learning", "on": "yes"},
                {"action": "train", "mode": "sideways"}, {"action": "reset", "weights": 3},
                {"action": "train"}, {"action": "speed", "factor": "fast"}):
        c.sio.emit("control", bad)
    assert wait_for(lambda: len(c.errors) >= before + 6, 5)
    assert all(e["code"] in ("bad_message", "bad_control") for e in c.errors[before:])
    n = len(c.states)
    assert wait_for(lambda: len(c.states) > n + 5, 10)  # the stream goes on


def test_model_controls_from_another_device_need_the_token(server_factory):
    from helpers import lan_address

    address = lan_address()
    if address is None:
        pytest.skip("this machine has no network address besides loopback")
    srv, hub = server_factory(host="0.0.0.0", token="s3cret")
    c = Client(f"http://{address}:{srv.port}")
    try:
        c.sio.emit("control", {"action": "watch", "source": "replay:default"})  # watching needs no token
        assert wait_for(lambda: len(c.states) >= 3, 10)
        for token in (None, "guess"):
            c.sio.emit("control", {"action": "act", "class": "point", **({"token": token} if token else {})})
            assert wait_for(lambda: c.errors and c.errors[-1]["code"] == "forbidden", 5)
            c.events["error"].clear()
        c.sio.emit("control", {"action": "act", "class": "point", "token": "s3cret"})
        assert wait_for(lambda: any(s["agent"] for s in c.states[-5:]), 10)
        assert not c.errors
    finally:
        c.close()


def test_a_page_rebound_to_this_computer_needs_the_token_and_any_alphabet_works(server_factory):
    """DNS rebinding: a web page under its own name, resolved to 127.0.0.1, connects from here
    but is not this computer's own page. The token is compared as bytes (umlauts and all)."""
    srv, hub = server_factory(token="Schlüssel")
    sio = InOrderClient(reconnection=False)
    errors, states = [], []
    sio.on("error", errors.append)
    sio.on("state", states.append)
    sio.connect(srv.url, headers={"Host": f"rebound.example:{srv.port}"}, transports=["polling"], wait_timeout=10)
    try:
        sio.emit("control", {"action": "watch", "source": "replay:default"})
        assert wait_for(lambda: len(states) >= 3, 10)
        for token in (None, "Schlussel"):
            sio.emit("control", {"action": "act", "class": "point", **({"token": token} if token else {})})
            assert wait_for(lambda: errors and errors[-1]["code"] == "forbidden", 5), errors
            errors.clear()
        sio.emit("control", {"action": "act", "class": "point", "token": "Schlüssel"})
        assert wait_for(lambda: any(s["agent"] for s in states[-5:]), 10)
        assert not errors
    finally:
        sio.disconnect()


def test_past_the_stream_limit_a_camera_is_told_the_demo_is_busy(server_factory, drink_jpegs):
    srv, hub = server_factory(max_streams=1)
    first, second = Client(srv.url), Client(srv.url)
    try:
        first.send(drink_jpegs[0], 1)
        assert wait_for(lambda: first.states, 15)
        second.send(drink_jpegs[0], 1)
        assert wait_for(lambda: second.errors, 5)
        assert second.errors[0]["code"] == "busy" and "/view" in second.errors[0]["fix"]
        # The busy client can still watch; the first camera is still served.
        second.sio.emit("control", {"action": "watch", "source": "replay:default"})
        assert wait_for(lambda: len(second.states) > 3, 10)
        first.send(drink_jpegs[1], 2)
        assert wait_for(lambda: any(s["frame_id"] == 2 for s in first.states), 10)
    finally:
        first.close()
        second.close()


def test_viewers_can_watch_a_camera_stream_by_its_id(server, drink_jpegs):
    _, _, connect = server
    cam, viewer = connect(), connect()
    cam.send(drink_jpegs[0], 1)
    assert wait_for(lambda: cam.states, 15)
    viewer.sio.emit("control", {"action": "watch", "source": cam.states[0]["stream"]})
    for i in range(2, 8):
        cam.send(drink_jpegs[i], i)
        time.sleep(0.15)
    assert wait_for(lambda: len(viewer.states) >= 3, 10)
    assert {s["stream"] for s in viewer.states} == {cam.states[0]["stream"]}
    viewer.sio.emit("control", {"action": "watch", "source": "cam:nobody"})
    assert wait_for(lambda: viewer.errors, 5) and "not streaming" in viewer.errors[-1]["message"]


def test_pages_from_other_origins_cannot_connect(server):
    srv, _, _ = server
    import engineio
    import socketio

    c = InOrderClient(reconnection=False)
    with pytest.raises((socketio.exceptions.ConnectionError, engineio.exceptions.ConnectionError)):
        c.connect(srv.url, transports=["websocket"], headers={"Origin": "http://evil.example"}, wait_timeout=5)
    ok = InOrderClient(reconnection=False)  # its Origin is the server's own, as a page's is
    ok.connect(srv.url, transports=["websocket"], wait_timeout=5)
    ok.disconnect()


def test_soak_command_reports_memory_latency_and_errors(pose_model, drink_clip, capsys):
    from demo.cli.main import main

    # The clip through the fixture: it honours MIRROR_DATA, and skips like every test of real footage.
    assert main(["soak", "--minutes", "0.25", "--every", "5", "--video", str(drink_clip)]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.strip() and line.split()[0][0].isdigit()]
    assert len(rows) >= 2
    assert all(float(r[6]) > 0 and float(r[7]) > 0 and r[8] == "0" for r in rows), out  # both paths flow
    assert "memory after warm-up" in out and "errors 0" in out


def test_visitors_cameras_coming_and_going_give_their_memory_back(pose_model, drink_clip):
    """`soak --visits`: 1,000 printed +36 MB (316 -> 351); with each camera's landmarker made
    and closed (the estimators kept: 0), 200 gave +265 MB."""
    from demo.lab.soak import run_visits

    out = run_visits(150, pose_model, drink_clip, log=lambda line: None)
    assert out["failed"] == 0 and out["rss_growth_mb"] < 25, out


def test_one_stream_reaches_many_viewers_in_step(server):
    """15 viewers of the bundled recording (30 states a second): everyone gets nearly every state, in
    order, without a backlog (`python -m demo bench --only viewers` measures 100 and the CPU)."""
    from demo.lab.clients import ViewerClient

    srv, hub, _ = server
    viewers = [ViewerClient(srv.url, "replay:default") for _ in range(15)]
    try:
        time.sleep(1.5)
        for v in viewers:
            v.arrivals.clear()
        time.sleep(5.0)
        counts = [len(v.arrivals) for v in viewers]
        produced = hub.streams["replay:default"].fps * 5.0
        assert min(counts) >= 0.8 * produced, (counts, produced)
        for v in viewers:
            recv = np.array([r for r, _ in v.arrivals])
            steps = np.diff([t for _, t in v.arrivals])
            assert (steps > 0).sum() >= len(steps) - 1  # in order (the recording may loop once)
            # The source's clock, run on across a loop of the recording; arrival minus it is the lag.
            source = np.concatenate([[0.0], np.cumsum(np.where(steps > 0, steps, 1 / 30))])
            lag = (recv - recv[0]) - source
            k = len(lag) // 4
            assert np.median(lag[-k:]) - np.median(lag[:k]) < 0.25  # no growing lag
    finally:
        for v in viewers:
            v.close()


def test_pages_forbid_framing_and_name_no_server_software(server_factory):
    import urllib.request

    srv, hub = server_factory()
    with urllib.request.urlopen(srv.url + "/lecture", timeout=10) as resp:
        csp, server = resp.headers["Content-Security-Policy"], resp.headers["Server"]
    assert "frame-ancestors 'none'" in csp and " ws:" not in csp and " wss:" not in csp
    assert server == "Mirror"


def test_token_guesses_are_limited_per_address_over_all_its_connections(server_factory):
    """A page from another device guessing the token opens new connections to start afresh: the
    wrong guesses count per address. After config.TOKEN_GUESSES of them every token from there,
    the right one too, is refused for a while; other controls (watching) still work."""
    srv, hub = server_factory(token="s3cret")

    def page_from_elsewhere(tokens: list[str]) -> tuple[list[dict], int]:
        """A connection under another name sends each token, then watches: (its errors, states)."""
        sio = InOrderClient(reconnection=False)
        errors, states = [], []
        sio.on("error", errors.append)
        sio.on("state", states.append)
        sio.connect(srv.url, headers={"Host": f"rebound.example:{srv.port}"}, transports=["polling"],
                    wait_timeout=10)
        try:
            for k, token in enumerate(tokens):
                sio.emit("control", {"action": "act", "class": "point", "token": token})
                assert wait_for(lambda k=k: len(errors) > k, 5)
            sio.emit("control", {"action": "watch", "source": "replay:default"})
            assert wait_for(lambda: len(states) >= 3, 10)
            return errors, len(states)
        finally:
            sio.disconnect()

    codes = []
    for n in range(4):
        errors, _ = page_from_elsewhere([f"guess{n}{k}" for k in range(3)] + (["s3cret"] if n == 3 else []))
        codes += [e["code"] for e in errors]
    assert codes == ["forbidden"] * config.TOKEN_GUESSES + ["rate_limited"] * (13 - config.TOKEN_GUESSES)
    assert "address" in errors[-1]["message"]


def test_a_silent_connection_is_closed_and_a_quiet_page_is_not(server_factory, monkeypatch):
    """A socket that never sends a request would hold a server thread and a file for ever (300 of
    them locked a server out). It is closed after the idle timeout (1 s here); a page's websocket,
    which only answers pings, is not."""
    assert RequestHandler.timeout == config.IDLE_CONNECTION_TIMEOUT < config.IDLE_WEBSOCKET_TIMEOUT
    monkeypatch.setattr(RequestHandler, "timeout", 1.0)
    srv, hub = server_factory()
    page = Client(srv.url)
    page.sio.emit("control", {"action": "watch", "source": "replay:default"})
    silent = socket.create_connection(("127.0.0.1", srv.port))
    silent.settimeout(10)
    t0 = time.monotonic()
    try:
        assert silent.recv(100) == b""  # closed by the server
    except ConnectionResetError:
        pass
    finally:
        silent.close()
    assert time.monotonic() - t0 < 5
    time.sleep(2)
    seen = len(page.states)
    assert wait_for(lambda: len(page.states) > seen + 10, 5) and not page.errors
    page.close()

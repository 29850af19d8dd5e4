"""Pure logic: person selection, JPEG checks, payload validation, the latest slot, classifiers."""

from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest

from demo import config
from demo.errors import BadFrameError, BadMessageError
from demo.live import protocol
from demo.pose.person_select import PersonSelector, iou
from demo.recognition import classifier
from demo.sources import jpeg
from demo.sources.latest import LatestSlot


def test_selector_prefers_large_central_then_keeps_them():
    sel = PersonSelector()
    small_edge = (0.0, 0.1, 0.15, 0.5)
    big_centre = (0.35, 0.1, 0.65, 0.9)
    assert sel.choose([small_edge, big_centre]) == 1
    # Someone bigger walks in front at the side: the followed person is kept.
    bigger_side = (0.0, 0.0, 0.4, 1.0)
    moved = (0.37, 0.1, 0.67, 0.9)
    assert sel.choose([bigger_side, moved]) == 1
    # The followed person leaves: choose again.
    assert sel.choose([bigger_side]) == 0
    assert sel.choose([]) is None and sel.last is None


def test_iou():
    assert iou((0, 0, 1, 1), (0, 0, 1, 1)) == pytest.approx(1.0)
    assert iou((0, 0, 1, 1), (2, 2, 3, 3)) == 0.0


def test_jpeg_checks():
    img = (np.random.default_rng(0).random((48, 64, 3)) * 255).astype(np.uint8)
    data = jpeg.encode(img)
    assert jpeg.jpeg_size(data) == (64, 48)
    assert jpeg.decode(data).shape == (48, 64, 3)
    for bad in (b"", b"\xff\xd8", data[:40], b"GIF89a" + data):
        with pytest.raises(BadFrameError):
            jpeg.decode(bad)
    with pytest.raises(BadFrameError, match="limit"):
        jpeg.decode(data, max_bytes=10)
    with pytest.raises(BadFrameError, match="pixels"):
        jpeg.decode(data, max_pixels=100)
    with pytest.raises(BadFrameError, match="binary"):
        jpeg.decode("text")  # type: ignore[arg-type]


def test_decompression_bomb_refused_before_decoding():
    # A tiny valid JPEG whose header is patched to claim 60000 x 60000 pixels.
    data = bytearray(jpeg.encode(np.zeros((8, 8, 3), np.uint8)))
    i = data.index(b"\xff\xc0")
    data[i + 5:i + 9] = (60000).to_bytes(2, "big") * 2
    with pytest.raises(BadFrameError, match="pixels"):
        jpeg.decode(bytes(data))


def test_a_progressive_jpeg_with_thousands_of_scans_is_refused_before_decoding():
    """The CPU bomb of issue 24: a valid progressive JPEG whose last scan is repeated. An
    ordinary progressive frame (10 scans) still decodes."""
    img = np.full((120, 160, 3), 90, np.uint8)  # flat: its last scan is a few bytes
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_PROGRESSIVE, 1])
    data = buf.tobytes()
    assert 2 <= data.count(b"\xff\xda") <= config.MAX_JPEG_SCANS
    assert jpeg.decode(data).shape == (120, 160, 3)
    last = data.rindex(b"\xff\xda")
    bomb = data[:last] + data[last:-2] * 5000 + data[-2:]  # the last scan 5000 times, then EOI
    assert len(bomb) < config.MAX_FRAME_BYTES
    with pytest.raises(BadFrameError, match="scans"):
        jpeg.decode(bomb)


@pytest.mark.parametrize("payload", [
    None, "text", 5, [], {"jpeg": "abc", "id": 1}, {"jpeg": b"x"}, {"jpeg": b"x", "id": -1},
    {"jpeg": b"x", "id": 1.5}, {"jpeg": b"x", "id": True}, {"jpeg": b"x", "id": 1, "ts": "now"},
])
def test_bad_frame_payloads(payload):
    with pytest.raises(BadMessageError):
        protocol.parse_frame(payload)


def test_good_payloads():
    msg = protocol.parse_frame({"jpeg": b"abc", "id": 3, "ts": 12.5})
    assert (msg.jpeg, msg.frame_id, msg.client_ts) == (b"abc", 3, 12.5)
    assert protocol.parse_control({"action": "watch", "source": "replay:default"}).source == "replay:default"
    with pytest.raises(BadMessageError):
        protocol.parse_control({"action": "explode"})


@pytest.mark.parametrize("payload, words", [
    ({"action": "speed", "factor": float("nan")}, "above 0"),
    ({"action": "speed", "factor": -1}, "above 0"),
    ({"action": "speed", "factor": 0}, "above 0"),
    ({"action": "speed", "factor": 2}, "at most 1"),
    ({"action": "act", "class": "x" * 10_000}, "limit is 200"),
    ({"action": "watch", "source": "s" * 10_000}, "limit is 200"),
    ({"action": "act", "class": "point", "token": "t" * 10_000}, "limit is 200"),
])
def test_controls_out_of_range_are_refused_not_clamped(payload, words):
    with pytest.raises(BadMessageError, match=words) as err:
        protocol.parse_control(payload)
    assert len(err.value.message) < 300  # an error never echoes a huge value back


def test_an_unknown_action_is_not_echoed_whole():
    with pytest.raises(BadMessageError) as err:
        protocol.parse_control({"action": "a" * 1_000_000})
    assert len(err.value.message) < 400


def test_latest_slot_keeps_only_the_newest():
    slot: LatestSlot[int] = LatestSlot()
    for i in range(5):
        slot.put(i)
    assert slot.get(0) == 4 and slot.dropped == 4
    assert slot.get(0.01) is None
    got = []
    t = threading.Thread(target=lambda: got.append(slot.get(2.0)))
    t.start()
    slot.put(7)
    t.join()
    assert got == [7]


def test_class_network_learns_what_a_linear_model_cannot_and_explains_itself():
    # Two classes by whether two inputs share a sign (XOR): no linear boundary exists.
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 6))
    y = (x[:, 0] * x[:, 1] > 0).astype(int)
    test = rng.normal(size=(400, 6))
    truth = (test[:, 0] * test[:, 1] > 0).astype(int)
    linear = classifier.fit(x, y, 2)
    net = classifier.fit_net(x, y, 2, shape=classifier.NetShape(hidden=16, steps=300))
    assert (linear.proba(test).argmax(1) == truth).mean() < 0.65
    assert (net.proba(test).argmax(1) == truth).mean() > 0.9
    # Same data, same model: a library always learns the same thing.
    again = classifier.fit_net(x, y, 2, shape=classifier.NetShape(hidden=16, steps=300))
    assert np.array_equal(net.proba(test), again.proba(test))
    # local_weights is the gradient of the logits by the standardised input (what "why" reads).
    point, eps = test[0], 1e-4
    local = net.local_weights(point)
    for j in range(6):
        step = np.zeros(6)
        step[j] = eps * net.scale[j]
        numeric = (net.logits(point + step) - net.logits(point - step))[0] / (2 * eps)
        assert np.allclose(numeric, local[j], atol=1e-3)


def test_minimise_finds_the_bottom_of_a_curved_valley():
    def rosenbrock(p):
        x, y = p
        value = (1 - x) ** 2 + 100 * (y - x * x) ** 2
        grad = np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])
        return value, grad

    assert np.allclose(classifier.minimise(rosenbrock, np.array([-1.2, 1.0]), max_iter=500), [1.0, 1.0], atol=1e-3)
